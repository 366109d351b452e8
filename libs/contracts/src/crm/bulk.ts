import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { defineOperation } from '../operation.js';
import { BULK_IDS_MAX } from './common.js';
import { TAG_MAX, TAGS_MAX } from './contacts.js';
import { ObjectKeyParams } from './objects.js';
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketPriority, type TicketStatus } from './tickets.js';

// One request changes many records of a list: POST /<contacts|companies|deals|tasks|tickets>/bulk
// and POST /objects/:object/records/bulk.

export const BULK_OUTCOMES = ['ok', 'not_found', 'forbidden', 'error'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export const CONTACT_BULK_ACTIONS = ['delete', 'tag', 'untag', 'owner', 'segment'] as const;
export const COMPANY_BULK_ACTIONS = ['delete', 'tag', 'untag', 'owner'] as const;
export const DEAL_BULK_ACTIONS = ['delete', 'owner'] as const;
export const TASK_BULK_ACTIONS = ['delete', 'complete', 'owner'] as const;
export const TICKET_BULK_ACTIONS = ['delete', 'assign', 'status', 'priority'] as const;
export const OBJECT_RECORD_BULK_ACTIONS = ['delete'] as const;

function BulkAction(actions: readonly string[], description: string): PropertyDecorator {
  return applyDecorators(ApiProperty({ enum: actions, description }), IsIn(actions, { message: `action must be one of ${actions.join(', ')}` }));
}

function BulkIds(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: [String],
      format: 'uuid',
      minItems: 1,
      maxItems: BULK_IDS_MAX,
      description: `The records, 1 to ${BULK_IDS_MAX}; a repeated id counts once.`,
    }),
    IsArray(),
    ArrayNotEmpty({ message: 'ids must name at least one record' }),
    ArrayMaxSize(BULK_IDS_MAX, { message: `ids must name at most ${BULK_IDS_MAX} records` }),
    IsUUID('all', { each: true, message: 'each of ids must be a UUID' }),
  );
}

function BulkTags(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], maxItems: TAGS_MAX, description: 'For tag (added to each record’s own) and untag (removed, any case).' }),
    ValidateIf((body: { action?: string }) => body.action === 'tag' || body.action === 'untag'),
    IsArray(),
    ArrayNotEmpty({ message: 'tags must name at least one tag' }),
    ArrayMaxSize(TAGS_MAX),
    IsString({ each: true }),
    MaxLength(TAG_MAX, { each: true }),
  );
}

function BulkOwner(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ format: 'uuid', description }),
    ValidateIf((body: { action?: string }) => body.action === 'owner'),
    IsUUID('all', { message: 'ownerId must be a UUID' }),
  );
}

const OWNER = 'For owner: an active user of the workspace (else 422); members may give records only to themselves.';

export class BulkContactsBody {
  @BulkAction(CONTACT_BULK_ACTIONS, 'delete (to the trash), tag, untag, owner (ownerId), segment (add to the static segment segmentId).')
  action!: (typeof CONTACT_BULK_ACTIONS)[number];
  @BulkIds() ids!: string[];
  @BulkTags() tags?: string[];
  @BulkOwner(OWNER) ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'For segment: a live static segment (else 422); needs segments:write.' })
  @ValidateIf((body: { action?: string }) => body.action === 'segment')
  @IsUUID('all', { message: 'segmentId must be a UUID' })
  segmentId?: string;
}

export class BulkCompaniesBody {
  @BulkAction(COMPANY_BULK_ACTIONS, 'delete (to the trash), tag, untag, owner (ownerId).')
  action!: (typeof COMPANY_BULK_ACTIONS)[number];
  @BulkIds() ids!: string[];
  @BulkTags() tags?: string[];
  @BulkOwner(OWNER) ownerId?: string;
}

export class BulkDealsBody {
  @BulkAction(DEAL_BULK_ACTIONS, 'delete (to the trash), owner (ownerId).')
  action!: (typeof DEAL_BULK_ACTIONS)[number];
  @BulkIds() ids!: string[];
  @BulkOwner(OWNER) ownerId?: string;
}

export class BulkTasksBody {
  @BulkAction(TASK_BULK_ACTIONS, 'delete (to the trash), complete (status done), owner (the assignee becomes ownerId).')
  action!: (typeof TASK_BULK_ACTIONS)[number];
  @BulkIds() ids!: string[];
  @BulkOwner('For owner: the new assignee, an active user of the workspace (else 422).') ownerId?: string;
}

/** `field` is required when the action is `action`, and one of `values`. */
function BulkTicketChoice(action: string, field: string, values: readonly string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ enum: values, description: `For ${action}: the new ${field} of every ticket.` }),
    ValidateIf((body: { action?: string }) => body.action === action),
    IsIn(values, { message: `${field} must be one of ${values.join(', ')}` }),
  );
}

export class BulkTicketsBody {
  @BulkAction(TICKET_BULK_ACTIONS, 'delete (to the trash), assign (assigneeId), status (status), priority (priority).')
  action!: (typeof TICKET_BULK_ACTIONS)[number];
  @BulkIds() ids!: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'For assign: the new assignee, an active user of the workspace (else 422); null unassigns.',
  })
  @ValidateIf((body: { action?: string }, value: unknown) => body.action === 'assign' && value !== null)
  @IsUUID('all', { message: 'assigneeId must be a UUID or null' })
  assigneeId?: string | null;

  @BulkTicketChoice('status', 'status', TICKET_STATUSES) status?: TicketStatus;
  @BulkTicketChoice('priority', 'priority', TICKET_PRIORITIES) priority?: TicketPriority;
}

export class BulkObjectRecordsBody {
  @BulkAction(OBJECT_RECORD_BULK_ACTIONS, 'delete (to the trash).')
  action!: (typeof OBJECT_RECORD_BULK_ACTIONS)[number];
  @BulkIds() ids!: string[];
}

/** What became of one record. */
export class BulkRecordResult {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    enum: BULK_OUTCOMES,
    description:
      'not_found: no live record of the workspace (of the object); forbidden: the caller may not change it (members: records they do not own, tickets neither assigned to them nor opened by them); error: see message.',
  })
  status!: BulkOutcome;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed; null when ok.' }) message!: string | null;
}

export class BulkResult {
  @ApiProperty({ type: [BulkRecordResult], description: 'One per id, in the order sent.' }) results!: BulkRecordResult[];
  @ApiProperty({ type: 'integer' }) succeeded!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
}

const BULK_DESCRIPTION = `Applies one action to up to ${BULK_IDS_MAX} records in one transaction, each record as its single operation would (same permission, owner rules and events; deletes go to the trash). Partial success: a record that fails is reported in results and leaves the others changed. A bad request (no ids, too many, an id that is not a UUID, an unknown action, a missing or unknown parameter) is a 422 and changes nothing.`;

export const BULK_INVALID = {
  status: 422,
  description: 'ids empty, above the limit or not UUIDs; unknown action; missing parameter; inactive owner or unknown segment.',
} as const;

export const BulkContacts = defineOperation({
  pattern: 'crm.contacts.bulk',
  summary: 'Change many contacts',
  description: BULK_DESCRIPTION,
  permission: 'contacts:write',
  route: { method: 'POST', path: 'contacts/bulk', status: 200 },
  input: BulkContactsBody,
  output: BulkResult,
  errors: [BULK_INVALID],
});

export const BulkCompanies = defineOperation({
  pattern: 'crm.companies.bulk',
  summary: 'Change many companies',
  description: BULK_DESCRIPTION,
  permission: 'companies:write',
  route: { method: 'POST', path: 'companies/bulk', status: 200 },
  input: BulkCompaniesBody,
  output: BulkResult,
  errors: [BULK_INVALID],
});

export const BulkDeals = defineOperation({
  pattern: 'crm.deals.bulk',
  summary: 'Change many deals',
  description: BULK_DESCRIPTION,
  permission: 'deals:write',
  route: { method: 'POST', path: 'deals/bulk', status: 200 },
  input: BulkDealsBody,
  output: BulkResult,
  errors: [BULK_INVALID],
});

export const BulkTasks = defineOperation({
  pattern: 'crm.tasks.bulk',
  summary: 'Change many tasks',
  description: BULK_DESCRIPTION,
  permission: 'tasks:write',
  route: { method: 'POST', path: 'tasks/bulk', status: 200 },
  input: BulkTasksBody,
  output: BulkResult,
  errors: [BULK_INVALID],
});

export const BulkTickets = defineOperation({
  pattern: 'crm.tickets.bulk',
  summary: 'Change many tickets',
  description: BULK_DESCRIPTION,
  permission: 'tickets:write',
  route: { method: 'POST', path: 'tickets/bulk', status: 200 },
  input: BulkTicketsBody,
  output: BulkResult,
  errors: [
    {
      status: 422,
      description: 'ids empty, above the limit or not UUIDs; unknown action; missing parameter; an assignee who is not an active user of the workspace.',
    },
  ],
});

export const BulkObjectRecords = defineOperation({
  pattern: 'crm.objects.records.bulk',
  summary: 'Change many records of a custom object',
  description: `${BULK_DESCRIPTION} A role the object refuses write access gets a 403 for the whole request.`,
  permission: 'records:write',
  route: { method: 'POST', path: 'objects/:object/records/bulk', status: 200 },
  params: ObjectKeyParams,
  input: BulkObjectRecordsBody,
  output: BulkResult,
  errors: [
    { status: 422, description: 'ids empty, above the limit or not UUIDs; unknown action.' },
    { status: 404, description: 'No live object type with this key in the workspace.' },
  ],
});
