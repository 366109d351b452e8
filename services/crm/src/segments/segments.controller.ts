import { Controller } from '@nestjs/common';
import {
  AddSegmentContacts,
  CountAudience,
  CountSegment,
  CreateSegment,
  DeleteSegment,
  GetSegment,
  ListSegmentMembers,
  ListSegments,
  RemoveSegmentContacts,
  ResolveAudience,
  ResolveAudienceInput,
  RestoreSegment,
  UpdateSegment,
} from '@kinship/contracts/crm';
import { Handles, validateData, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { AudienceService } from './audience.service.js';
import { SegmentsService } from './segments.service.js';

@Controller()
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly audience: AudienceService,
  ) {}

  @Handles(CreateSegment)
  create({ context, data }: OperationRequest<typeof CreateSegment>) {
    return this.segments.create(crmCaller(context), data);
  }

  @Handles(GetSegment)
  get({ context, data }: OperationRequest<typeof GetSegment>) {
    return this.segments.get(crmCaller(context), data.id);
  }

  @Handles(ListSegments)
  list({ context, data }: OperationRequest<typeof ListSegments>) {
    return this.segments.list(crmCaller(context), data);
  }

  @Handles(UpdateSegment)
  update({ context, data }: OperationRequest<typeof UpdateSegment>) {
    return this.segments.update(crmCaller(context), data);
  }

  @Handles(DeleteSegment)
  async delete({ context, data }: OperationRequest<typeof DeleteSegment>) {
    await this.segments.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreSegment)
  restore({ context, data }: OperationRequest<typeof RestoreSegment>) {
    return this.segments.restore(crmCaller(context), data.id);
  }

  @Handles(AddSegmentContacts)
  addContacts({ context, data }: OperationRequest<typeof AddSegmentContacts>) {
    return this.segments.addContacts(crmCaller(context), data);
  }

  @Handles(RemoveSegmentContacts)
  removeContacts({ context, data }: OperationRequest<typeof RemoveSegmentContacts>) {
    return this.segments.removeContacts(crmCaller(context), data);
  }

  @Handles(CountSegment)
  count({ context, data }: OperationRequest<typeof CountSegment>) {
    return this.segments.count(crmCaller(context), data.id);
  }

  @Handles(ListSegmentMembers)
  members({ context, data }: OperationRequest<typeof ListSegmentMembers>) {
    return this.segments.members(crmCaller(context), data);
  }

  @Handles(CountAudience)
  countAudience({ context, data }: OperationRequest<typeof CountAudience>) {
    return this.audience.count(crmCaller(context), data);
  }

  /** Between services only (notifications' campaigns), so no gateway validated the input: crm does (docs/crm.md "Audience RPC"). */
  @Handles(ResolveAudience)
  async resolveAudience({ context, data }: OperationRequest<typeof ResolveAudience>) {
    return this.audience.resolve(context, await validateData(ResolveAudienceInput, data));
  }
}
