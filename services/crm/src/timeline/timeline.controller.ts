import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { TimelineRequestDto } from './dto/timeline-request.dto.js';
import { TimelineService, type TimelinePage } from './timeline.service.js';

@Controller()
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @MessagePattern('crm.timeline.list')
  list(@Payload(new ValidRequest(TimelineRequestDto)) request: RpcRequest<TimelineRequestDto>): Promise<TimelinePage> {
    return this.timeline.page(crmCaller(request.context), request.data);
  }
}
