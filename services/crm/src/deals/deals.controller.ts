import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { ConvertContactDto, CreateDealDto, DealIdDto, ListDealsDto, MoveDealDto, UpdateDealDto } from './dto/deal.dto.js';
import { DealsService, type Deal, type StageChange } from './deals.service.js';
import { LeadConversionService, type Conversion } from './lead-conversion.service.js';

@Controller()
export class DealsController {
  constructor(
    private readonly deals: DealsService,
    private readonly conversion: LeadConversionService,
  ) {}

  @MessagePattern('crm.deals.create')
  create(@Payload(new ValidRequest(CreateDealDto)) request: RpcRequest<CreateDealDto>): Promise<Deal> {
    return this.deals.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.deals.get')
  get(@Payload(new ValidRequest(DealIdDto)) request: RpcRequest<DealIdDto>): Promise<Deal> {
    return this.deals.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.deals.list')
  list(@Payload(new ValidRequest(ListDealsDto)) request: RpcRequest<ListDealsDto>): Promise<{ data: Deal[]; nextCursor: string | null }> {
    return this.deals.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.deals.update')
  update(@Payload(new ValidRequest(UpdateDealDto)) request: RpcRequest<UpdateDealDto>): Promise<Deal> {
    return this.deals.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.deals.move-stage')
  move(@Payload(new ValidRequest(MoveDealDto)) request: RpcRequest<MoveDealDto>): Promise<Deal> {
    return this.deals.move(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.deals.stage-changes')
  stageChanges(@Payload(new ValidRequest(DealIdDto)) request: RpcRequest<DealIdDto>): Promise<{ data: StageChange[] }> {
    return this.deals.stageChanges(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.deals.delete')
  async delete(@Payload(new ValidRequest(DealIdDto)) request: RpcRequest<DealIdDto>): Promise<Record<string, never>> {
    await this.deals.delete(crmCaller(request.context), request.data.id);
    return {};
  }

  @MessagePattern('crm.deals.restore')
  restore(@Payload(new ValidRequest(DealIdDto)) request: RpcRequest<DealIdDto>): Promise<Deal> {
    return this.deals.restore(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.contacts.convert')
  convert(@Payload(new ValidRequest(ConvertContactDto)) request: RpcRequest<ConvertContactDto>): Promise<Conversion> {
    return this.conversion.convert(crmCaller(request.context), request.data);
  }
}
