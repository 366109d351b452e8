import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO31661Alpha2,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { fieldDecorator, IsCalendarDate, Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import {
  CHOICES_MAX,
  CreatedRangeListQuery,
  IsLinkedInAddress,
  IsWebAddress,
  LIFECYCLE_STAGES,
  NOT_FOUND,
  PostalAddress,
  QueryBoolean,
  QueryList,
  RecordIdParams,
  RecordIdsQuery,
  UuidListQuery,
  WEB_ADDRESS_MAX,
  type LifecycleStage,
} from './common.js';
import { isCustomFieldConditionShape, type CustomFieldConditions } from './custom-fields.js';

export const EMAIL_MAX = 254;
export const PHONE_MAX = 64;
export const TAG_MAX = 64;
export const TAGS_MAX = 50;
/** Additional emails, and additional phones, a contact may have beyond the primary one. */
export const CONTACT_CHANNELS_MAX = 10;
export const CHANNEL_LABEL_MAX = 64;
export const EXTENSION_MAX = 10;
const EXTENSION = /^[0-9]{1,10}$/;

/** An IANA time zone the runtime knows ("Europe/Berlin"; links such as "US/Eastern" too). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function IsTimeZone(): PropertyDecorator {
  return fieldDecorator(
    'isTimeZone',
    (property) => `${property} must be an IANA time zone (e.g. Europe/Berlin)`,
    (value) => value === null || value === undefined || isTimeZone(value),
  );
}

/** An email of a contact beyond its primary one. */
export class ContactEmail {
  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX })
  @IsString()
  @MaxLength(EMAIL_MAX)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: CHANNEL_LABEL_MAX, example: 'work' })
  @IsOptional()
  @IsString()
  @MaxLength(CHANNEL_LABEL_MAX)
  label?: string | null;
}

/** A phone number of a contact beyond its primary one. */
export class ContactPhone {
  @ApiProperty({
    maxLength: PHONE_MAX,
    example: '+1-940-986-3836x4639',
    description: 'Stored in E.164, read like the primary phone; an extension written in it ("x4639", "ext. 12") is kept in extension.',
  })
  @IsString()
  @MaxLength(PHONE_MAX)
  phone!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: CHANNEL_LABEL_MAX, example: 'mobile' })
  @IsOptional()
  @IsString()
  @MaxLength(CHANNEL_LABEL_MAX)
  label?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: EXTENSION_MAX, example: '4639' })
  @IsOptional()
  @Matches(EXTENSION, { message: 'extension must be 1 to 10 digits' })
  extension?: string | null;
}

/** A stored additional email. */
export class ContactEmailValue {
  @ApiProperty() email!: string;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
}

/** A stored additional phone. */
export class ContactPhoneValue {
  @ApiProperty({ description: 'E.164' }) phone!: string;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
  @ApiProperty({ type: String, nullable: true }) extension!: string | null;
}

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

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'email',
    maxLength: EMAIL_MAX,
    description: 'Unique (case-insensitively) among live contacts; 409 names the holder (existingId).',
  })
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
    description:
      'Stored in E.164; a number without a country code is read in the workspace’s default region (GET /crm-settings), 00 and 001 prefixes as international. An extension written in it ("x4639") goes to phoneExtension. Unique among live contacts.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(PHONE_MAX)
  phone?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: EXTENSION_MAX,
    description: 'The primary phone’s extension; taken from phone when written there.',
  })
  @IsOptional()
  @Matches(EXTENSION, { message: 'phoneExtension must be 1 to 10 digits' })
  phoneExtension?: string | null;

  @ApiPropertyOptional({
    type: [ContactEmail],
    maxItems: CONTACT_CHANNELS_MAX,
    description: 'Emails beyond the primary one, replaced as a whole on PATCH; each unique among live contacts’ emails (409 names the field and existingId).',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(CONTACT_CHANNELS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ContactEmail)
  emails?: ContactEmail[];

  @ApiPropertyOptional({
    type: [ContactPhone],
    maxItems: CONTACT_CHANNELS_MAX,
    description: 'Phones beyond the primary one, replaced as a whole on PATCH; each unique among live contacts’ phones (409 names the field and existingId).',
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(CONTACT_CHANNELS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ContactPhone)
  phones?: ContactPhone[];

  @ApiPropertyOptional({ type: PostalAddress, nullable: true, description: 'Replaced as a whole on PATCH.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PostalAddress)
  address?: PostalAddress | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: WEB_ADDRESS_MAX,
    example: 'https://ada.dev',
    description: 'Stored with https:// when typed without a scheme.',
  })
  @IsOptional()
  @IsWebAddress()
  website?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: WEB_ADDRESS_MAX, example: 'https://www.linkedin.com/in/ada' })
  @IsOptional()
  @IsLinkedInAddress()
  linkedinUrl?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/London', description: 'IANA time zone.' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  birthday?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  jobTitle?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'A live company of the workspace.' })
  @IsOptional()
  @IsUUID('all')
  companyId?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'Defaults to the creator; members may only own their contacts themselves. Must be an active user of the workspace (else 422).',
  })
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

  @ApiPropertyOptional({
    type: [String],
    maxItems: TAGS_MAX,
    description: `Trimmed and de-duplicated; at most ${TAGS_MAX} tags of at most ${TAG_MAX} characters.`,
  })
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
  @ApiProperty({ type: String, nullable: true }) phoneExtension!: string | null;
  @ApiProperty({ type: [ContactEmailValue] }) emails!: ContactEmailValue[];
  @ApiProperty({ type: [ContactPhoneValue] }) phones!: ContactPhoneValue[];
  @ApiProperty({ type: PostalAddress, nullable: true }) address!: PostalAddress | null;
  @ApiProperty({ type: String, nullable: true }) website!: string | null;
  @ApiProperty({ type: String, nullable: true }) linkedinUrl!: string | null;
  @ApiProperty({ type: String, nullable: true }) timezone!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) birthday!: string | null;
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

/** `?city=London,paris` → ['london', 'paris']: cities are compared without case. */
function QueryLowerCaseList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : [value]).flatMap((item) =>
      typeof item === 'string'
        ? item
            .split(',')
            .map((part) => part.trim().toLowerCase())
            .filter(Boolean)
        : [item],
    ),
  );
}

/** How many custom field conditions one list request (or stored filter) may carry. */
export const CUSTOM_FIELD_CONDITIONS_MAX = 20;

/** `?customFields={"tier":"gold"}` → { tier: 'gold' }; text that is not JSON stays as it is and fails validation. */
function QueryJsonObject(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  });
}

/** An object of at most CUSTOM_FIELD_CONDITIONS_MAX keys, each holding a condition of one of the shapes (a value, {contains}, {from, to}). */
function isCustomFieldConditions(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const conditions = Object.values(value);
  return conditions.length <= CUSTOM_FIELD_CONDITIONS_MAX && conditions.every(isCustomFieldConditionShape);
}

/** GET /contacts: comma lists (or repeated parameters) mean "one of"; tags means "has all". */
export class ListContactsQuery extends CreatedRangeListQuery {
  @RecordIdsQuery()
  id?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Cities of the address, one of, any case.' })
  @IsOptional()
  @QueryLowerCaseList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @IsString({ each: true })
  @MaxLength(NAME_MAX, { each: true })
  city?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Countries of the address as ISO 3166-1 alpha-2 codes (e.g. GB,DE), one of.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'each value of country must be an upper-case ISO 3166-1 alpha-2 code (e.g. GB)' })
  @IsISO31661Alpha2({ each: true })
  country?: string[];

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

  @ApiPropertyOptional({
    type: String,
    description:
      'Custom field conditions as a JSON object {key: condition}: contacts meeting every one. A condition is a value (equality, e.g. ' +
      '{"tier":"gold","seats":3}), {"contains": "gol"} for a text field (its value holds the text, any case; 1–200 characters), or ' +
      '{"from": x, "to": y} for a number field (numbers) or a date field (YYYY-MM-DD): inclusive bounds, either may be left out. ' +
      `At most ${CUSTOM_FIELD_CONDITIONS_MAX} keys. Not JSON, or a condition of none of these shapes → 400 naming customFields; a key that is no live ` +
      'contact custom field, or a condition its type does not take (a value of another type, contains on a number, bounds on a text, ' +
      'an impossible date, from after to) → 422 naming customFields.<key>.',
    example: '{"tier":"gold","seats":{"from":5,"to":50},"renewal":{"from":"2027-01-01"},"notes":{"contains":"priority"}}',
  })
  @IsOptional()
  @QueryJsonObject()
  @fieldDecorator(
    'isCustomFieldConditions',
    (property) =>
      `${property} must be a JSON object of at most ${CUSTOM_FIELD_CONDITIONS_MAX} custom field conditions (a text, a number, a boolean, {contains} or {from, to})`,
    isCustomFieldConditions,
  )
  customFields?: CustomFieldConditions;
}

export const CONTACT_TAKEN = {
  status: 409,
  description: 'A live contact has one of the emails or phones (primary or additional); details name the field and the holder (existingId).',
} as const;

export const CreateContact = defineOperation({
  pattern: 'crm.contacts.create',
  summary: 'Create a contact',
  description:
    'Needs one of firstName, lastName, email, phone. 409 when a live contact has one of its emails or phones (details name the field and existingId).',
  permission: 'contacts:write',
  route: { method: 'POST', path: 'contacts', status: 201 },
  input: ContactBody,
  output: Contact,
  errors: [CONTACT_TAKEN],
});

export const ListContacts = defineOperation({
  pattern: 'crm.contacts.list',
  summary: 'List contacts',
  description:
    'Sort by createdAt (default -createdAt), updatedAt or lastName; q matches name, emails, phones (primary and additional) and company name prefixes and fragments.',
  permission: 'contacts:read',
  route: { method: 'GET', path: 'contacts', status: 200 },
  input: ListContactsQuery,
  output: ContactPage,
  errors: [
    {
      status: 422,
      description: 'A customFields key is no live contact custom field, or its condition is not one the field’s type takes; details name customFields.<key>.',
    },
  ],
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
