import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module.js';
import { AudienceService } from './audience.service.js';
import { SegmentsController } from './segments.controller.js';
import { SegmentsRepository } from './segments.repository.js';
import { SegmentsService } from './segments.service.js';

/** crm.segments.* (static and dynamic segments, counts, members), crm.audience.resolve for campaigns and crm.audience.count for their composer. */
@Module({
  imports: [CustomFieldsModule],
  controllers: [SegmentsController],
  providers: [SegmentsService, SegmentsRepository, AudienceService],
  exports: [SegmentsService],
})
export class SegmentsModule {}
