import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../auth-routes/fields.js';
import { CrmListQuery, QueryBoolean, QueryList, UuidListQuery } from './list-query.js';

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other'] as const;
const NAME_MAX = 200;
const EMAIL_MAX = 254;
const PHONE_MAX = 64;
const TAG_MAX = 64;
const TAGS_MAX = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `/:id` of a contact: any string, since an id that is not a UUID names no contact and gets the same 404 as an unknown one. */
export class ContactIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
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
  lifecycleStage?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX, example: 'webinar' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  leadSource?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'date', description: 'Set to today when lifecycleStage becomes customer and it is empty.' })
  @IsOptional()
  @Matches(DATE, { message: 'customerSince must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'customerSince must be a date (YYYY-MM-DD)' })
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

export class ContactResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) firstName!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'email' }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'E.164' }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) jobTitle!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) companyId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Read only: the company’s name.' }) companyName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) ownerId!: string | null;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) lifecycleStage!: string;
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

export class ContactPageResponse {
  @ApiProperty({ type: [ContactResponse] }) data!: ContactResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** GET /contacts: comma lists (or repeated parameters) mean "one of"; tags means "has all". */
export class ListContactsQuery extends CrmListQuery {
  @ApiPropertyOptional({ type: [String], enum: LIFECYCLE_STAGES, description: 'One of, e.g. lead,customer.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @IsIn(LIFECYCLE_STAGES, { each: true })
  lifecycleStage?: string[];

  @UuidListQuery('Owner user ids, one of.')
  ownerId?: string[];

  @UuidListQuery('Company ids, one of.')
  companyId?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Lead sources, one of.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(100)
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

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or before.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdAtTo?: string;

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
  @Matches(DATE, { message: 'customerSinceFrom must be a date (YYYY-MM-DD)' })
  customerSinceFrom?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @Matches(DATE, { message: 'customerSinceTo must be a date (YYYY-MM-DD)' })
  customerSinceTo?: string;
}
