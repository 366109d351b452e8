import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
import { Omittable } from '../auth-routes/fields.js';
import { CrmListQuery, QueryList } from './list-query.js';

// Shape rules; the crm service normalises the domain and the phone and checks custom fields.
export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'] as const;
const NAME_MAX = 200;
const TEXT_MAX = 200;
// As for contacts: at most 50 tags of at most 64 characters.
const TAG_MAX = 64;
const TAGS_MAX = 50;
const NOT_BLANK = /\S/;

/** `/:id` of a company: any string, since an id that is not a UUID names no company and gets the same 404 as an unknown one. */
export class CompanyIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class CompanyAddressBody {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) line1?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) line2?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX }) @IsOptional() @IsString() @MaxLength(TEXT_MAX) city?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX, description: 'State, province or county.' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  region?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 32 }) @IsOptional() @IsString() @MaxLength(32) postalCode?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'GB', description: 'ISO 3166-1 alpha-2; stored upper case.' })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 country code' })
  country?: string | null;
}

/** The writable fields but the name; on PATCH absent = unchanged, null = cleared. */
class CompanyFieldsBody {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 300,
    example: 'acme.com',
    description: 'A domain or a web address ("https://www.Acme.com/about" is stored as "acme.com"); unique among the workspace’s live companies (409 names existingId).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  domain?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX, example: 'Software' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  industry?: string | null;

  @ApiPropertyOptional({ enum: COMPANY_SIZES, nullable: true, description: 'Number of employees.' })
  @IsOptional()
  @IsIn(COMPANY_SIZES)
  size?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 50, description: 'Stored in E.164; a number without a country code is read in the workspace’s default region.' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @ApiPropertyOptional({ type: CompanyAddressBody, nullable: true, description: 'Replaced as a whole on PATCH.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CompanyAddressBody)
  address?: CompanyAddressBody | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'User id; defaults to the caller. Members may only own records themselves. Must be an active user of the workspace (else 422).' })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: TAGS_MAX, description: 'Replaced as a whole on PATCH; trimmed, repeats (ignoring case) dropped.' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(TAGS_MAX)
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  @Matches(NOT_BLANK, { each: true, message: 'each tag must not be blank' })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Values by custom field key (entity company), checked by type; on PATCH merged key by key, null removes a value.',
  })
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;
}

export class CreateCompanyBody extends CompanyFieldsBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Acme Corporation' })
  @IsString()
  @MaxLength(NAME_MAX)
  @Matches(NOT_BLANK, { message: 'name must not be empty' })
  name!: string;
}

export class UpdateCompanyBody extends CompanyFieldsBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX, description: 'A rename also renames the company on its contacts (search).' })
  @Omittable()
  @IsString()
  @MaxLength(NAME_MAX)
  @Matches(NOT_BLANK, { message: 'name must not be empty' })
  name?: string;
}

export class ListCompaniesQuery extends CrmListQuery {
  @ApiPropertyOptional({ type: [String], description: 'Owner user ids, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsUUID('all', { each: true })
  ownerId?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Industries, comma-separated: any of them (exact match).' })
  @IsOptional()
  @QueryList()
  @IsString({ each: true })
  @MaxLength(TEXT_MAX, { each: true })
  industry?: string[];

  @ApiPropertyOptional({ type: [String], enum: COMPANY_SIZES, description: 'Sizes, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsIn(COMPANY_SIZES, { each: true })
  size?: string[];

  @ApiPropertyOptional({ maxLength: 300, description: 'A domain or a web address, normalised like a company’s domain.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  domain?: string;

  @ApiPropertyOptional({ type: [String], description: 'Tags, comma-separated: companies having all of them.' })
  @IsOptional()
  @QueryList()
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' }) @IsOptional() @IsISO8601() createdAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or before.' }) @IsOptional() @IsISO8601() createdAtTo?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Updated at or after.' }) @IsOptional() @IsISO8601() updatedAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Updated at or before.' }) @IsOptional() @IsISO8601() updatedAtTo?: string;
}

export class CompanyAddressResponse {
  @ApiProperty({ type: String, nullable: true }) line1!: string | null;
  @ApiProperty({ type: String, nullable: true }) line2!: string | null;
  @ApiProperty({ type: String, nullable: true }) city!: string | null;
  @ApiProperty({ type: String, nullable: true }) region!: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'ISO 3166-1 alpha-2.' }) country!: string | null;
}

export class CompanyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'acme.com' }) domain!: string | null;
  @ApiProperty({ type: String, nullable: true }) industry!: string | null;
  @ApiProperty({ enum: COMPANY_SIZES, nullable: true }) size!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'E.164.' }) phone!: string | null;
  @ApiProperty({ type: CompanyAddressResponse, nullable: true }) address!: CompanyAddressResponse | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class CompanyDetailResponse extends CompanyResponse {
  @ApiProperty({ type: 'integer', description: 'Live contacts of the company.' }) contactCount!: number;
  @ApiProperty({ type: 'integer', description: 'Live deals of the company.' }) dealCount!: number;
}

export class CompanyPageResponse {
  @ApiProperty({ type: [CompanyResponse] }) data!: CompanyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
