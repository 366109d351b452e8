import { ApiProperty } from '@nestjs/swagger';
import { defineOperation } from '../operation.js';
import { CrmPageQuery, NOT_FOUND, RecordIdParams, RelatedRecord } from './common.js';

export class TimelineEntry {
  @ApiProperty({ format: 'uuid', description: 'The id of the note, task, stage change or stored entry it shows; unique together with kind.' }) id!: string;

  @ApiProperty({
    description:
      'note, task_created, task_completed, deal_stage_changed, file_attached, email_sent, sms_received, invoice_sent, invoice_paid, payment_received, contact_merged, record_created, record_updated; clients should show unknown kinds generically.',
  })
  kind!: string;

  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user who did it, when known.' }) actorId!: string | null;
  @ApiProperty({ type: RelatedRecord, description: 'The record it is about: the timeline’s own, or one of its deals for stage changes.' })
  subject!: RelatedRecord;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Depends on kind; see docs/crm.md "Timeline".' }) data!: Record<string, unknown>;
}

export class TimelinePage {
  @ApiProperty({ type: [TimelineEntry] }) data!: TimelineEntry[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const DESCRIPTION =
  'Newest first: notes, tasks (created, completed), deal stage changes, files attached, emails sent, invoices and payments, merges. ' +
  'Notes need notes:read, tasks tasks:read, stage changes deals:read, files files:read; the caller sees only the kinds it may read. 404 for an unknown id.';

export const ContactTimeline = defineOperation({
  pattern: 'crm.timeline.contact',
  summary: 'Read a contact’s timeline',
  description: `${DESCRIPTION} Includes the stage changes of the contact’s deals.`,
  permission: 'contacts:read',
  route: { method: 'GET', path: 'contacts/:id/timeline', status: 200 },
  params: RecordIdParams,
  input: CrmPageQuery,
  output: TimelinePage,
  errors: [NOT_FOUND],
});

export const CompanyTimeline = defineOperation({
  pattern: 'crm.timeline.company',
  summary: 'Read a company’s timeline',
  description: `${DESCRIPTION} Includes the stage changes of the company’s deals.`,
  permission: 'companies:read',
  route: { method: 'GET', path: 'companies/:id/timeline', status: 200 },
  params: RecordIdParams,
  input: CrmPageQuery,
  output: TimelinePage,
  errors: [NOT_FOUND],
});

export const DealTimeline = defineOperation({
  pattern: 'crm.timeline.deal',
  summary: 'Read a deal’s timeline',
  description: DESCRIPTION,
  permission: 'deals:read',
  route: { method: 'GET', path: 'deals/:id/timeline', status: 200 },
  params: RecordIdParams,
  input: CrmPageQuery,
  output: TimelinePage,
  errors: [NOT_FOUND],
});

export const TIMELINE_OPERATIONS = [ContactTimeline, CompanyTimeline, DealTimeline] as const;
