import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { AudienceService, type AudiencePage } from './audience.service.js';
import { CreateSegmentDto } from './dto/create-segment.dto.js';
import { ListSegmentsDto } from './dto/list-segments.dto.js';
import { ResolveAudienceDto } from './dto/resolve-audience.dto.js';
import { SegmentContactsDto } from './dto/segment-contacts.dto.js';
import { SegmentIdDto } from './dto/segment-id.dto.js';
import { SegmentMembersDto } from './dto/segment-members.dto.js';
import { UpdateSegmentDto } from './dto/update-segment.dto.js';
import type { Segment } from './segments.repository.js';
import { SegmentsService, type SegmentMemberPage, type SegmentPage } from './segments.service.js';

@Controller()
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly audience: AudienceService,
  ) {}

  @MessagePattern('crm.segments.create')
  create(@Payload(new ValidRequest(CreateSegmentDto)) request: RpcRequest<CreateSegmentDto>): Promise<Segment> {
    return this.segments.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.segments.get')
  get(@Payload(new ValidRequest(SegmentIdDto)) request: RpcRequest<SegmentIdDto>): Promise<Segment> {
    return this.segments.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.segments.list')
  list(@Payload(new ValidRequest(ListSegmentsDto)) request: RpcRequest<ListSegmentsDto>): Promise<SegmentPage> {
    return this.segments.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.segments.update')
  update(@Payload(new ValidRequest(UpdateSegmentDto)) request: RpcRequest<UpdateSegmentDto>): Promise<Segment> {
    return this.segments.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.segments.delete')
  async delete(@Payload(new ValidRequest(SegmentIdDto)) request: RpcRequest<SegmentIdDto>): Promise<Record<string, never>> {
    await this.segments.delete(crmCaller(request.context), request.data.id);
    return {};
  }

  @MessagePattern('crm.segments.restore')
  restore(@Payload(new ValidRequest(SegmentIdDto)) request: RpcRequest<SegmentIdDto>): Promise<Segment> {
    return this.segments.restore(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.segments.add-contacts')
  addContacts(@Payload(new ValidRequest(SegmentContactsDto)) request: RpcRequest<SegmentContactsDto>): Promise<{ count: number }> {
    return this.segments.addContacts(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.segments.remove-contacts')
  removeContacts(@Payload(new ValidRequest(SegmentContactsDto)) request: RpcRequest<SegmentContactsDto>): Promise<{ count: number }> {
    return this.segments.removeContacts(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.segments.count')
  count(@Payload(new ValidRequest(SegmentIdDto)) request: RpcRequest<SegmentIdDto>): Promise<{ count: number }> {
    return this.segments.count(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.segments.members')
  members(@Payload(new ValidRequest(SegmentMembersDto)) request: RpcRequest<SegmentMembersDto>): Promise<SegmentMemberPage> {
    return this.segments.members(crmCaller(request.context), request.data);
  }

  /** Internal (notifications' campaigns): see docs/crm.md "Audience RPC". */
  @MessagePattern('crm.audience.resolve')
  resolveAudience(@Payload(new ValidRequest(ResolveAudienceDto)) request: RpcRequest<ResolveAudienceDto>): Promise<AudiencePage> {
    return this.audience.resolve(request.context, request.data);
  }
}
