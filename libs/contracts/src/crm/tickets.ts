import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsText, Omittable, PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { QueryBoolean, QueryList } from './common.js';

// Support tickets of crm (issue 15 item 1): the operations the gateway serves and crm handles.

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export const TICKET_CHANNELS = ['email', 'sms', 'web', 'phone', 'api'] as const;
export const COMMENT_AUTHORS = ['agent', 'customer'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketType = (typeof TICKET_TYPES)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type CommentAuthor = (typeof COMMENT_AUTHORS)[number];

export const SUBJECT_MAX = 300;
export const TICKET_TEXT_MAX = 100_000;
export const TICKET_TAG_MAX = 64;
export const TICKET_TAGS_MAX = 50;
/** Custom field keys of a ticket and their values: scalars kept as given. */
export const TICKET_CUSTOM_FIELDS_MAX = 50;

const TICKET_NOT_FOUND = { status: 404, description: 'No such ticket in the workspace (another workspace’s ids too).' } as const;
const TICKET_REFERENCES = {
  status: 422,
  description: 'contactId, companyId or assigneeId names no live record (or no active user) of the workspace; details name the field.',
} as const;

function OneOfQuery(values: readonly string[], description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], enum: values, description }),
    IsOptional(),
    QueryList(),
    IsArray(),
    ArrayMaxSize(values.length),
    IsIn(values, { each: true }),
  );
}

/** `/:id` of a ticket: any string, since an id that is not a UUID names nothing and gets the same 404 as an unknown one. */
export class TicketIdParams {
  @ApiProperty({ format: 'uuid' }) @IsString() @MaxLength(100) id!: string;
}

class TicketFields {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TICKET_TEXT_MAX })
  @IsOptional()
  @IsText(TICKET_TEXT_MAX)
  description?: string | null;

  @ApiPropertyOptional({ enum: TICKET_TYPES, type: String, nullable: true }) @IsOptional() @IsIn(TICKET_TYPES) type?: TicketType | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A live contact of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  contactId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A live company of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  companyId?: string | null;

  @ApiPropertyOptional({
    type: [String],
    maxItems: TICKET_TAGS_MAX,
    description: `Trimmed and de-duplicated; at most ${TICKET_TAGS_MAX} tags of at most ${TICKET_TAG_MAX} characters.`,
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(TICKET_TAGS_MAX)
  @IsText(TICKET_TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `Up to ${TICKET_CUSTOM_FIELDS_MAX} keys (lower case, digits, _) with string, number or boolean values; null removes a value.`,
  })
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;
}

export class CreateTicketBody extends TicketFields {
  @ApiProperty({ minLength: 1, maxLength: SUBJECT_MAX, example: 'Cannot download my invoice' }) @IsText(SUBJECT_MAX) @IsNotEmpty() subject!: string;
  @ApiPropertyOptional({ enum: TICKET_STATUSES, default: 'new' }) @IsOptional() @IsIn(TICKET_STATUSES) status?: TicketStatus;
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, default: 'normal' }) @IsOptional() @IsIn(TICKET_PRIORITIES) priority?: TicketPriority;
  @ApiPropertyOptional({ enum: TICKET_CHANNELS, default: 'api' }) @IsOptional() @IsIn(TICKET_CHANNELS) channel?: TicketChannel;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'An active user of the workspace (else 422). Absent: the workspace’s auto-assignment picks one (GET /ticket-settings); null leaves it unassigned.',
  })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;
}

/** Absent fields stay; null clears description, type, contactId, companyId and assigneeId. */
export class UpdateTicketBody extends TicketFields {
  @ApiPropertyOptional({ minLength: 1, maxLength: SUBJECT_MAX }) @Omittable() @IsText(SUBJECT_MAX) @IsNotEmpty() subject?: string;
  @ApiPropertyOptional({ enum: TICKET_STATUSES, description: 'pending pauses the SLA clock; resolved and closed stop it.' })
  @Omittable()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: 'Setting it clears priorityReason and recomputes the SLA deadlines.' })
  @Omittable()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;
  @ApiPropertyOptional({ enum: TICKET_CHANNELS }) @Omittable() @IsIn(TICKET_CHANNELS) channel?: TicketChannel;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'An active user of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;
}

export class AssignTicketBody {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The new assignee, an active user of the workspace (else 422); null unassigns.' })
  @IsDefined()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsUUID('all')
  assigneeId!: string | null;
}

export class MergeTicketBody {
  @ApiProperty({ format: 'uuid', description: 'The duplicate: closed and deleted, its comments and tags moved to this ticket.' })
  @IsUUID('all')
  otherId!: string;
}

export class CreateCommentBody {
  @ApiProperty({ minLength: 1, maxLength: TICKET_TEXT_MAX }) @IsText(TICKET_TEXT_MAX) @IsNotEmpty() body!: string;

  @ApiPropertyOptional({ default: false, description: 'Internal notes are for the team: they never reach the customer and are no response for the SLA.' })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;

  @ApiPropertyOptional({
    enum: COMMENT_AUTHORS,
    default: 'agent',
    description: 'customer records what the customer said (a call, a chat): it reopens a pending ticket and starts the next-response clock.',
  })
  @IsOptional()
  @IsIn(COMMENT_AUTHORS)
  author?: CommentAuthor;
}

export class ListTicketsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'createdAt, updatedAt or priority; -field for descending order.', example: '-createdAt', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;

  @ApiPropertyOptional({ description: 'Free-text search of the subject; every word matches as a prefix.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'true lists the deleted tickets (restorable) instead of the live ones.' })
  @IsOptional()
  @QueryBoolean()
  deleted?: boolean;

  @OneOfQuery(TICKET_STATUSES, 'Statuses, comma-separated: any of them.') status?: TicketStatus[];
  @OneOfQuery(TICKET_PRIORITIES, 'Priorities, comma-separated: any of them.') priority?: TicketPriority[];
  @OneOfQuery(TICKET_TYPES, 'Types, comma-separated: any of them.') type?: TicketType[];
  @OneOfQuery(TICKET_CHANNELS, 'Channels, comma-separated: any of them.') channel?: TicketChannel[];

  @ApiPropertyOptional({ description: 'A user id, or `me` for the calling user.' })
  @IsOptional()
  @ValidateIf((_object: object, value: unknown) => value !== 'me')
  @IsUUID('all', { message: 'assigneeId must be a UUID or me' })
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') contactId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') companyId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Tickets having every one of these tags.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(TICKET_TAGS_MAX)
  @IsText(TICKET_TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'true: an SLA deadline has passed unmet; false: none has.' }) @IsOptional() @QueryBoolean() breached?: boolean;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdAtTo?: string;
}

export class Ticket {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Unique in the workspace (increasing, not consecutive): its emails’ subjects carry it as [#T-<number>].', example: 42 })
  number!: number;
  @ApiProperty() subject!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: TICKET_STATUSES }) status!: TicketStatus;
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority!: TicketPriority;
  @ApiProperty({ type: String, nullable: true, description: 'Why crm raised the priority (an overdue invoice of the customer); null when a person set it.' })
  priorityReason!: string | null;
  @ApiProperty({ enum: TICKET_TYPES, type: String, nullable: true }) type!: TicketType | null;
  @ApiProperty({ enum: TICKET_CHANNELS }) channel!: TicketChannel;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) contactId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) companyId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The first public reply of an agent.' }) firstRespondedAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Per the SLA policy of the priority, in business hours; null without a policy.',
  })
  firstResponseDueAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the customer’s last reply needs an answer by; null when none is awaited.',
  })
  nextResponseDueAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null without a policy, and while pending (the clock is paused).' })
  resolutionDueAt!: string | null;
  @ApiProperty({ description: 'A deadline has passed unmet (or was met late).' }) breached!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The ticket this one was merged into.' }) mergedIntoId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when an API key created it.' }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class TicketPage {
  @ApiProperty({ type: [Ticket] }) data!: Ticket[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** A file that came with the customer's email, kept in the file store. */
export class TicketCommentAttachment {
  @ApiProperty({ description: 'The file’s key in the file store.' }) fileKey!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The file on the ticket (GET /files/:id downloads it); null when it was refused, or for emails received before files were kept.',
  })
  fileId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Detected from the file’s bytes.' }) contentType!: string;
  @ApiProperty({ description: 'Bytes.' }) size!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the file was not kept (the workspace’s storage quota); null when it was.' })
  refused!: string | null;
}

export class TicketComment {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty() body!: string;
  @ApiProperty() internal!: boolean;
  @ApiProperty({ enum: COMMENT_AUTHORS }) author!: CommentAuthor;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user who wrote or recorded it; null for an API key or an email.' }) authorId!:
    string | null;
  @ApiProperty({ type: [TicketCommentAttachment], description: 'The files of the email the comment came from (none for other comments).' })
  attachments!: TicketCommentAttachment[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TicketCommentPage {
  @ApiProperty({ type: [TicketComment] }) data!: TicketComment[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListCommentsQuery extends PageQuery {}

export const CreateTicket = defineOperation({
  pattern: 'crm.tickets.create',
  summary: 'Open a ticket',
  description:
    'A support case of a contact or company. Its SLA deadlines follow the policy of its priority; a customer with an overdue invoice gets it one priority higher (priorityReason says why).',
  permission: 'tickets:write',
  route: { method: 'POST', path: 'tickets', status: 201 },
  input: CreateTicketBody,
  output: Ticket,
  errors: [TICKET_REFERENCES],
});

export const ListTickets = defineOperation({
  pattern: 'crm.tickets.list',
  summary: 'List tickets',
  description: 'Newest first unless sorted; filters combine with AND.',
  permission: 'tickets:read',
  route: { method: 'GET', path: 'tickets', status: 200 },
  input: ListTicketsQuery,
  output: TicketPage,
  errors: [],
});

export const GetTicket = defineOperation({
  pattern: 'crm.tickets.get',
  summary: 'Read a ticket',
  description: 'Live or deleted (deletedAt set), with its SLA deadlines as of now.',
  permission: 'tickets:read',
  route: { method: 'GET', path: 'tickets/:id', status: 200 },
  params: TicketIdParams,
  output: Ticket,
  errors: [TICKET_NOT_FOUND],
});

export const UpdateTicket = defineOperation({
  pattern: 'crm.tickets.update',
  summary: 'Change a ticket',
  description: 'Absent fields stay. Members change only the tickets assigned to them or opened by them.',
  permission: 'tickets:write',
  route: { method: 'PATCH', path: 'tickets/:id', status: 200 },
  params: TicketIdParams,
  input: UpdateTicketBody,
  output: Ticket,
  errors: [TICKET_NOT_FOUND, TICKET_REFERENCES],
});

export const DeleteTicket = defineOperation({
  pattern: 'crm.tickets.delete',
  summary: 'Delete a ticket',
  description: 'Soft delete: restorable.',
  permission: 'tickets:write',
  route: { method: 'DELETE', path: 'tickets/:id', status: 204 },
  params: TicketIdParams,
  errors: [TICKET_NOT_FOUND],
});

export const RestoreTicket = defineOperation({
  pattern: 'crm.tickets.restore',
  summary: 'Restore a deleted ticket',
  description: 'A live ticket is returned unchanged. A ticket merged into another stays merged (409).',
  permission: 'tickets:write',
  route: { method: 'POST', path: 'tickets/:id/restore', status: 200 },
  params: TicketIdParams,
  output: Ticket,
  errors: [TICKET_NOT_FOUND, { status: 409, description: 'The ticket was merged into another; details name it (existingId).' }],
});

export const AssignTicket = defineOperation({
  pattern: 'crm.tickets.assign',
  summary: 'Assign a ticket',
  description: 'The assignee is told in-app and by email.',
  permission: 'tickets:write',
  route: { method: 'POST', path: 'tickets/:id/assign', status: 200 },
  params: TicketIdParams,
  input: AssignTicketBody,
  output: Ticket,
  errors: [TICKET_NOT_FOUND, { status: 422, description: 'assigneeId is no active user of the workspace.' }],
});

export const MergeTicket = defineOperation({
  pattern: 'crm.tickets.merge',
  summary: 'Merge a duplicate into this ticket',
  description: 'The other ticket’s comments and tags move here; it is closed, deleted and names this one (mergedIntoId). Answers this ticket.',
  permission: 'tickets:write',
  route: { method: 'POST', path: 'tickets/:id/merge', status: 200 },
  params: TicketIdParams,
  input: MergeTicketBody,
  output: Ticket,
  errors: [TICKET_NOT_FOUND, { status: 422, description: 'otherId is this ticket, or names no live ticket of the workspace.' }],
});

export const CommentOnTicket = defineOperation({
  pattern: 'crm.tickets.comment',
  summary: 'Comment on a ticket',
  description:
    'An agent’s public comment is a response (first response, next response); an internal one never reaches the customer. A customer’s comment reopens a pending ticket.',
  permission: 'tickets:write',
  route: { method: 'POST', path: 'tickets/:id/comments', status: 201 },
  params: TicketIdParams,
  input: CreateCommentBody,
  output: TicketComment,
  errors: [TICKET_NOT_FOUND],
});

export const ListTicketComments = defineOperation({
  pattern: 'crm.tickets.comments',
  summary: 'List a ticket’s comments',
  description: 'Oldest first, internal ones included.',
  permission: 'tickets:read',
  route: { method: 'GET', path: 'tickets/:id/comments', status: 200 },
  params: TicketIdParams,
  input: ListCommentsQuery,
  output: TicketCommentPage,
  errors: [TICKET_NOT_FOUND],
});

export const TICKET_OPERATIONS = [
  CreateTicket,
  ListTickets,
  GetTicket,
  UpdateTicket,
  DeleteTicket,
  RestoreTicket,
  AssignTicket,
  MergeTicket,
  CommentOnTicket,
  ListTicketComments,
] as const;
