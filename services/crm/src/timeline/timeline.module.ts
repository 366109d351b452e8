import { Module } from '@nestjs/common';
import { TimelineEventsConsumer } from './timeline-events.consumer.js';
import { TimelineController } from './timeline.controller.js';
import { TimelineRepository } from './timeline.repository.js';
import { TimelineService } from './timeline.service.js';

/** crm.timeline.list, and the consumers keeping other services' emails and invoices for it. */
@Module({
  controllers: [TimelineController],
  providers: [TimelineService, TimelineRepository, TimelineEventsConsumer],
  exports: [TimelineService],
})
export class TimelineModule {}
