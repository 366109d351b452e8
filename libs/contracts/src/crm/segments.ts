import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CrmListQuery, CrmPageQuery, NOT_FOUND, RecordIdParams, type LifecycleStage } from './common.js';
import { Contact } from './contacts.js';

export const SEGMENT_KINDS = ['static', 'dynamic'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];
/** Contacts added (or removed) in one request; larger lists go in several. */
export const SEGMENT_CONTACT_IDS_MAX = 1000;

const CONTACT_FILTER =
  'the filters of GET /contacts as JSON — lifecycleStage[], ownerId[], companyId[], leadSource[], city[], country[], tags[] (has all), ' +
  'emailOptOut, smsOptOut, createdAtFrom/To, updatedAtFrom/To, customerSinceFrom/To, customFields {key: condition} (a value, {contains} or {from, to}, as GET /contacts takes it), q. ' +
  'Checked by the crm service; a bad condition is a 422 naming filter.<key>.';
const FILTER_DESCRIPTION = `Dynamic segments only: ${CONTACT_FILTER}`;

const FILTER_EXAMPLE = { lifecycleStage: ['lead', 'customer'], tags: ['vip'], customFields: { tier: 'gold' } };

export class CreateSegmentBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'VIP leads' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ enum: SEGMENT_KINDS, description: 'static: a list of contacts; dynamic: whoever matches the filter when asked. Never changes.' })
  @IsIn(SEGMENT_KINDS)
  kind!: SegmentKind;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: FILTER_DESCRIPTION, example: FILTER_EXAMPLE })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    maxItems: SEGMENT_CONTACT_IDS_MAX,
    description: 'Static segments only: the first members, live contacts of the workspace.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SEGMENT_CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds?: string[];
}

/** The kind never changes; a static segment's members change through add and remove. */
export class UpdateSegmentBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `Replaces the whole filter. ${FILTER_DESCRIPTION}` })
  @Omittable()
  @IsObject()
  filter?: Record<string, unknown>;
}

export class SegmentContactsBody {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: SEGMENT_CONTACT_IDS_MAX,
    description: 'Contact ids; to add, live contacts of the workspace (422 naming contactIds otherwise).',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(SEGMENT_CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds!: string[];
}

export class ListSegmentsQuery extends CrmListQuery {
  @ApiPropertyOptional({ enum: SEGMENT_KINDS })
  @IsOptional()
  @IsIn(SEGMENT_KINDS)
  kind?: SegmentKind;
}

/** `?limit=&cursor=&sort=` of a segment's members; sort as GET /contacts (createdAt, updatedAt, lastName). */
export class SegmentMembersQuery extends CrmPageQuery {
  @ApiPropertyOptional({ example: '-createdAt', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;
}

export class Segment {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SEGMENT_KINDS }) kind!: SegmentKind;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Dynamic segments: the filter; null for static ones.' })
  filter!: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class SegmentPage {
  @ApiProperty({ type: [Segment] }) data!: Segment[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class SegmentMemberPage {
  @ApiProperty({ type: [Contact] }) data!: Contact[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class SegmentCount {
  @ApiProperty({ type: 'integer', description: 'Live contacts in the segment now.' }) count!: number;
}

export const CreateSegment = defineOperation({
  pattern: 'crm.segments.create',
  summary: 'Create a segment',
  description: 'A dynamic segment needs a filter; a static one may list its first contactIds.',
  permission: 'segments:write',
  route: { method: 'POST', path: 'segments', status: 201 },
  input: CreateSegmentBody,
  output: Segment,
  errors: [],
});

export const ListSegments = defineOperation({
  pattern: 'crm.segments.list',
  summary: 'List segments',
  description: 'Sort by name, createdAt (default -createdAt) or updatedAt; q matches the name.',
  permission: 'segments:read',
  route: { method: 'GET', path: 'segments', status: 200 },
  input: ListSegmentsQuery,
  output: SegmentPage,
  errors: [],
});

export const GetSegment = defineOperation({
  pattern: 'crm.segments.get',
  summary: 'Read a segment',
  description: 'Live or deleted (deletedAt set).',
  permission: 'segments:read',
  route: { method: 'GET', path: 'segments/:id', status: 200 },
  params: RecordIdParams,
  output: Segment,
  errors: [NOT_FOUND],
});

export const UpdateSegment = defineOperation({
  pattern: 'crm.segments.update',
  summary: 'Change a segment',
  description: 'Its name, and a dynamic segment’s filter; the kind never changes.',
  permission: 'segments:write',
  route: { method: 'PATCH', path: 'segments/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateSegmentBody,
  output: Segment,
  errors: [NOT_FOUND],
});

export const DeleteSegment = defineOperation({
  pattern: 'crm.segments.delete',
  summary: 'Delete a segment',
  description: 'Soft delete; campaigns can no longer resolve it.',
  permission: 'segments:write',
  route: { method: 'DELETE', path: 'segments/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreSegment = defineOperation({
  pattern: 'crm.segments.restore',
  summary: 'Restore a deleted segment',
  description: 'A live segment is returned unchanged.',
  permission: 'segments:write',
  route: { method: 'POST', path: 'segments/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Segment,
  errors: [NOT_FOUND],
});

export const CountSegment = defineOperation({
  pattern: 'crm.segments.count',
  summary: 'Count a segment’s contacts',
  description: 'The live contacts in the segment now.',
  permission: 'segments:read',
  route: { method: 'GET', path: 'segments/:id/count', status: 200 },
  params: RecordIdParams,
  output: SegmentCount,
  errors: [NOT_FOUND],
});

export const ListSegmentMembers = defineOperation({
  pattern: 'crm.segments.members',
  summary: 'List a segment’s contacts',
  description: 'The live contacts in the segment now, paged as GET /contacts.',
  permission: 'segments:read',
  route: { method: 'GET', path: 'segments/:id/contacts', status: 200 },
  params: RecordIdParams,
  input: SegmentMembersQuery,
  output: SegmentMemberPage,
  errors: [NOT_FOUND],
});

export const AddSegmentContacts = defineOperation({
  pattern: 'crm.segments.add-contacts',
  summary: 'Add contacts to a static segment',
  description: 'Static segments only; contacts already in it stay. Answers the new count.',
  permission: 'segments:write',
  route: { method: 'POST', path: 'segments/:id/contacts', status: 200 },
  params: RecordIdParams,
  input: SegmentContactsBody,
  output: SegmentCount,
  errors: [NOT_FOUND],
});

export const RemoveSegmentContacts = defineOperation({
  pattern: 'crm.segments.remove-contacts',
  summary: 'Remove contacts from a static segment',
  description: 'Static segments only; ids that are not members are ignored. Answers the new count.',
  permission: 'segments:write',
  route: { method: 'POST', path: 'segments/:id/contacts/remove', status: 200 },
  params: RecordIdParams,
  input: SegmentContactsBody,
  output: SegmentCount,
  errors: [NOT_FOUND],
});

export const AUDIENCE_CONTACT_IDS_MAX = 10_000;

/** A campaign's audience (POST /campaigns, POST /audiences/count): exactly one of segmentId, filter and contactIds (checked by crm). */
export class AudienceBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'A static or dynamic segment of the workspace.' })
  @IsOptional()
  @IsUUID('all')
  segmentId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `A contact filter: ${CONTACT_FILTER}`, example: FILTER_EXAMPLE })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    maxItems: AUDIENCE_CONTACT_IDS_MAX,
    description: 'Contact ids; those that are not live contacts of the workspace are left out.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AUDIENCE_CONTACT_IDS_MAX)
  @IsUUID('all', { each: true })
  contactIds?: string[];
}

export class AudienceCount {
  @ApiProperty({ type: 'integer', description: 'Live contacts in the audience now.' }) count!: number;
  @ApiProperty({ type: 'integer', description: 'Of them, those who opted out of email: an email campaign skips them.' }) emailOptOut!: number;
  @ApiProperty({ type: 'integer', description: 'Of them, those who opted out of SMS: an SMS campaign skips them.' }) smsOptOut!: number;
}

export const CountAudience = defineOperation({
  pattern: 'crm.audience.count',
  summary: 'Count a campaign audience',
  description:
    'The live contacts a segment, a contact filter or a list of contact ids holds now (the audience of POST /campaigns), and how many of them opted out of each channel.',
  permission: 'segments:read',
  route: { method: 'POST', path: 'audiences/count', status: 200 },
  input: AudienceBody,
  output: AudienceCount,
  errors: [NOT_FOUND],
});

export const SEGMENT_OPERATIONS = [
  CreateSegment,
  ListSegments,
  GetSegment,
  UpdateSegment,
  DeleteSegment,
  RestoreSegment,
  CountSegment,
  ListSegmentMembers,
  AddSegmentContacts,
  RemoveSegmentContacts,
  CountAudience,
] as const;

export const AUDIENCE_PAGE_DEFAULT = 500;
export const AUDIENCE_PAGE_MAX = 1000;

/** Exactly one of segmentId, filter and contactIds (checked by crm). */
export class ResolveAudienceInput {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  segmentId?: string;

  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(AUDIENCE_CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds?: string[];

  /** The nextCursor of the previous page: the id of its last contact. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(AUDIENCE_PAGE_MAX)
  limit?: number;
}

/** What a campaign needs of a recipient: where to send, whether it may, and what templates may say. */
export class AudienceMember {
  id!: string;
  firstName!: string | null;
  lastName!: string | null;
  email!: string | null;
  phone!: string | null;
  jobTitle!: string | null;
  companyName!: string | null;
  lifecycleStage!: LifecycleStage;
  ownerId!: string | null;
  emailOptOut!: boolean;
  smsOptOut!: boolean;
  customFields!: Record<string, string | number | boolean>;
}

export class AudiencePage {
  data!: AudienceMember[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}

export const ResolveAudience = defineOperation({
  pattern: 'crm.audience.resolve',
  summary: 'Resolve a campaign audience',
  description:
    'For notifications’ campaigns: the live contacts of a segment, a contact filter or a list of ids, page by page in id order, opted-out ones included with their flags. Between services only; crm validates the input itself.',
  permission: null,
  input: ResolveAudienceInput,
  output: AudiencePage,
  errors: [NOT_FOUND],
});
