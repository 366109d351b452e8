import { Controller } from '@nestjs/common';
import { CompanyTimeline, ContactTimeline, DealTimeline } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { TimelineService } from './timeline.service.js';

@Controller()
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Handles(ContactTimeline)
  contact({ context, data }: OperationRequest<typeof ContactTimeline>) {
    return this.timeline.page(crmCaller(context), { ...data, subjectType: 'contact' });
  }

  @Handles(CompanyTimeline)
  company({ context, data }: OperationRequest<typeof CompanyTimeline>) {
    return this.timeline.page(crmCaller(context), { ...data, subjectType: 'company' });
  }

  @Handles(DealTimeline)
  deal({ context, data }: OperationRequest<typeof DealTimeline>) {
    return this.timeline.page(crmCaller(context), { ...data, subjectType: 'deal' });
  }
}
