import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '../auth-routes/fields.js';
import { RelatedRecordResponse } from './tasks.dto.js';

/** `?limit=&cursor=` of a timeline (newest first). */
export class TimelineQuery extends PageQuery {}

export class TimelineEntryResponse {
  @ApiProperty({ format: 'uuid', description: 'The id of the note, task, stage change or stored entry it shows; unique together with kind.' }) id!: string;

  @ApiProperty({
    description:
      'note, task_created, task_completed, deal_stage_changed, email_sent, invoice_sent, invoice_paid, payment_received, contact_merged; clients should show unknown kinds generically.',
  })
  kind!: string;

  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user who did it, when known.' }) actorId!: string | null;
  @ApiProperty({ type: RelatedRecordResponse, description: 'The record it is about: the timeline’s own, or one of its deals for stage changes.' }) subject!: RelatedRecordResponse;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Depends on kind; see docs/crm.md "Timeline".' }) data!: Record<string, unknown>;
}

export class TimelinePageResponse {
  @ApiProperty({ type: [TimelineEntryResponse] }) data!: TimelineEntryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
