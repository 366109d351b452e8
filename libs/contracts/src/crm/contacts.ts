import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsCalendarDate, Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CHOICES_MAX, CreatedRangeListQuery, LIFECYCLE_STAGES, NOT_FOUND, QueryBoolean, QueryList, RecordIdParams, UuidListQuery, type LifecycleStage } from './common.js';

export const EMAIL_MAX = 254;
export const PHONE_MAX = 64;
export const TAG_MAX = 64;
export const TAGS_MAX = 50;

/**
 * The writable fields of a contact. Shape only: the crm service checks uniqueness, the phone
 * number in the workspace's region, the company, tag limits and custom field types.
 * On PATCH an absent field is unchanged and null clears a nullable one.
 */
export class ContactBody {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX, example: 'Ada' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  firstName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX, example: 'Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  lastName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'email', maxLength: EMAIL_MAX, description: 'Unique (case-insensitively) among live contacts; 409 names the holder (existingId).' })
  @IsOptional()
  @IsString()
  @MaxLength(EMAIL_MAX)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: PHONE_MAX,
    example: '+44 7700 900123',
    description: 'Stored in E.164; a number without a country code is read in the workspace’s default region (GET /crm-settings). Unique among live contacts.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PHONE_MAX)
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  jobTitle?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'A live company of the workspace.' })
  @IsOptional()
  @IsUUID('all')
  companyId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'Defaults to the creator; members may only own their contacts themselves. Must be an active user of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES, default: 'lead' })
  @Omittable()
  @IsIn(LIFECYCLE_STAGES)
  lifecycleStage?: LifecycleStage;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX, example: 'webinar' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  leadSource?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date', description: 'Set to today when lifecycleStage becomes customer and it is empty.' })
  @IsOptional()
  @IsCalendarDate()
  customerSince?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: TAGS_MAX, description: `Trimmed and de-duplicated; at most ${TAGS_MAX} tags of at most ${TAG_MAX} characters.` })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(TAGS_MAX * 4)
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Values of the workspace’s contact custom fields by key, checked by type; null removes a value.',
  })
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;

  @ApiPropertyOptional({ default: false })
  @Omittable()
  @IsBoolean()
  emailOptOut?: boolean;

  @ApiPropertyOptional({ default: false })
  @Omittable()
  @IsBoolean()
  smsOptOut?: boolean;
}

export class Contact {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) firstName!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName!: string | null;
  // No email format: contacts imported by older releases may keep stray spaces or capitals (duplicates finds them).
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'E.164' }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) jobTitle!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) companyId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Read only: the company’s name.' }) companyName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) ownerId!: string | null;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) lifecycleStage!: LifecycleStage;
  @ApiProperty({ type: String, nullable: true }) leadSource!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) customerSince!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty() emailOptOut!: boolean;
  @ApiProperty() smsOptOut!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) deletedAt!: string | null;
}

export class ContactPage {
  @ApiProperty({ type: [Contact] }) data!: Contact[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** GET /contacts: comma lists (or repeated parameters) mean "one of"; tags means "has all". */
export class ListContactsQuery extends CreatedRangeListQuery {
  @ApiPropertyOptional({ type: [String], enum: LIFECYCLE_STAGES, description: 'One of, e.g. lead,customer.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @IsIn(LIFECYCLE_STAGES, { each: true })
  lifecycleStage?: LifecycleStage[];

  @UuidListQuery('Owner user ids, one of.')
  ownerId?: string[];

  @UuidListQuery('Company ids, one of.')
  companyId?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Lead sources, one of.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @IsString({ each: true })
  @MaxLength(NAME_MAX, { each: true })
  leadSource?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Contacts having every one of these tags.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(TAGS_MAX)
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @QueryBoolean()
  emailOptOut?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @QueryBoolean()
  smsOptOut?: boolean;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedAtFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedAtTo?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  customerSinceFrom?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  customerSinceTo?: string;
}

export const CONTACT_TAKEN = { status: 409, description: 'A live contact has the email or phone; details name it (existingId).' } as const;

export const CreateContact = defineOperation({
  pattern: 'crm.contacts.create',
  summary: 'Create a contact',
  description: 'Needs one of firstName, lastName, email, phone. 409 when a live contact has the email or phone (details name existingId).',
  permission: 'contacts:write',
  route: { method: 'POST', path: 'contacts', status: 201 },
  input: ContactBody,
  output: Contact,
  errors: [CONTACT_TAKEN],
});

export const ListContacts = defineOperation({
  pattern: 'crm.contacts.list',
  summary: 'List contacts',
  description: 'Sort by createdAt (default -createdAt), updatedAt or lastName; q matches name, email, phone and company name prefixes and fragments.',
  permission: 'contacts:read',
  route: { method: 'GET', path: 'contacts', status: 200 },
  input: ListContactsQuery,
  output: ContactPage,
  errors: [],
});

export const GetContact = defineOperation({
  pattern: 'crm.contacts.get',
  summary: 'Read a contact',
  description: 'Live or deleted (deletedAt set).',
  permission: 'contacts:read',
  route: { method: 'GET', path: 'contacts/:id', status: 200 },
  params: RecordIdParams,
  output: Contact,
  errors: [NOT_FOUND],
});

export const UpdateContact = defineOperation({
  pattern: 'crm.contacts.update',
  summary: 'Change a contact',
  description: 'Absent fields stay, null clears. Members change only their own contacts.',
  permission: 'contacts:write',
  route: { method: 'PATCH', path: 'contacts/:id', status: 200 },
  params: RecordIdParams,
  input: ContactBody,
  output: Contact,
  errors: [NOT_FOUND, CONTACT_TAKEN],
});

export const DeleteContact = defineOperation({
  pattern: 'crm.contacts.delete',
  summary: 'Delete a contact',
  description: 'Soft delete: the email and phone are free again; POST /contacts/:id/restore brings the contact back.',
  permission: 'contacts:write',
  route: { method: 'DELETE', path: 'contacts/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreContact = defineOperation({
  pattern: 'crm.contacts.restore',
  summary: 'Restore a deleted contact',
  description: '409 when a live contact has taken the email or phone meanwhile.',
  permission: 'contacts:write',
  route: { method: 'POST', path: 'contacts/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Contact,
  errors: [NOT_FOUND, CONTACT_TAKEN],
});

export const CONTACT_OPERATIONS = [CreateContact, ListContacts, GetContact, UpdateContact, DeleteContact, RestoreContact] as const;
