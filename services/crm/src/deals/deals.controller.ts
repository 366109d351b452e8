import { Controller } from '@nestjs/common';
import { ConvertContact, CreateDeal, DeleteDeal, GetDeal, ListDeals, ListStageChanges, MoveDeal, RestoreDeal, UpdateDeal } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { DealsService } from './deals.service.js';
import { LeadConversionService } from './lead-conversion.service.js';

@Controller()
export class DealsController {
  constructor(
    private readonly deals: DealsService,
    private readonly conversion: LeadConversionService,
  ) {}

  @Handles(CreateDeal)
  create({ context, data }: OperationRequest<typeof CreateDeal>) {
    return this.deals.create(crmCaller(context), data);
  }

  @Handles(GetDeal)
  get({ context, data }: OperationRequest<typeof GetDeal>) {
    return this.deals.get(crmCaller(context), data.id);
  }

  @Handles(ListDeals)
  list({ context, data }: OperationRequest<typeof ListDeals>) {
    return this.deals.list(crmCaller(context), data);
  }

  @Handles(UpdateDeal)
  update({ context, data }: OperationRequest<typeof UpdateDeal>) {
    return this.deals.update(crmCaller(context), data);
  }

  @Handles(MoveDeal)
  move({ context, data }: OperationRequest<typeof MoveDeal>) {
    return this.deals.move(crmCaller(context), data);
  }

  @Handles(ListStageChanges)
  stageChanges({ context, data }: OperationRequest<typeof ListStageChanges>) {
    return this.deals.stageChanges(crmCaller(context), data.id);
  }

  @Handles(DeleteDeal)
  async delete({ context, data }: OperationRequest<typeof DeleteDeal>) {
    await this.deals.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreDeal)
  restore({ context, data }: OperationRequest<typeof RestoreDeal>) {
    return this.deals.restore(crmCaller(context), data.id);
  }

  @Handles(ConvertContact)
  convert({ context, data }: OperationRequest<typeof ConvertContact>) {
    return this.conversion.convert(crmCaller(context), data);
  }
}
