import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCurrency, IsMinorUnits, Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import {
  CHOICES_MAX,
  CreatedRangeListQuery,
  IsLinkedInAddress,
  IsWebAddress,
  NOT_FOUND,
  PostalAddress,
  QueryList,
  RecordIdParams,
  RecordIdsQuery,
  WEB_ADDRESS_MAX,
} from './common.js';
import { TAG_MAX, TAGS_MAX } from './contacts.js';

// Shape rules; the crm service normalises the domain and the phone and checks custom fields.
export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];
const TEXT_MAX = 200;
export const DOMAIN_INPUT_MAX = 300;
export const COMPANY_PHONE_MAX = 50;
const NOT_BLANK = /\S/;
export const EMPLOYEES_MAX = 10_000_000;

/** A yearly revenue: an amount in minor units of an ISO 4217 currency. */
export class AnnualRevenue {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1250000000, description: 'Minor units (cents): 1250000000 is 12,500,000.00.' })
  @IsMinorUnits(0)
  amount!: number;

  @ApiProperty({ example: 'USD', description: 'ISO 4217.' })
  @IsCurrency()
  currency!: string;
}

/** The writable fields but the name; on PATCH absent = unchanged, null = cleared. */
export class CompanyFieldsBody {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: DOMAIN_INPUT_MAX,
    example: 'acme.com',
    description:
      'A domain or a web address ("https://www.Acme.com/about" is stored as "acme.com"); unique among the workspace’s live companies (409 names existingId).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(DOMAIN_INPUT_MAX)
  domain?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: WEB_ADDRESS_MAX,
    example: 'https://www.acme.com',
    description: 'Stored with https:// when typed without a scheme; a company without a domain takes the website’s.',
  })
  @IsOptional()
  @IsWebAddress()
  website?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: WEB_ADDRESS_MAX, example: 'https://www.linkedin.com/company/acme' })
  @IsOptional()
  @IsLinkedInAddress()
  linkedinUrl?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: TEXT_MAX, example: 'Software' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  industry?: string | null;

  @ApiPropertyOptional({ enum: COMPANY_SIZES, nullable: true, description: 'Number of employees.' })
  @IsOptional()
  @IsIn(COMPANY_SIZES)
  size?: CompanySize | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: EMPLOYEES_MAX, description: 'The exact head count, where size is its band.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(EMPLOYEES_MAX)
  employees?: number | null;

  @ApiPropertyOptional({ type: AnnualRevenue, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AnnualRevenue)
  annualRevenue?: AnnualRevenue | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: COMPANY_PHONE_MAX,
    description: 'Stored in E.164; a number without a country code is read in the workspace’s default region.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(COMPANY_PHONE_MAX)
  phone?: string | null;

  @ApiPropertyOptional({ type: PostalAddress, nullable: true, description: 'Replaced as a whole on PATCH.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PostalAddress)
  address?: PostalAddress | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'User id; defaults to the caller. Members may only own records themselves. Must be an active user of the workspace (else 422).',
  })
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

export class ListCompaniesQuery extends CreatedRangeListQuery {
  @RecordIdsQuery()
  id?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Owner user ids, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @IsUUID('all', { each: true })
  ownerId?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Industries, comma-separated: any of them (exact match).' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(CHOICES_MAX)
  @IsString({ each: true })
  @MaxLength(TEXT_MAX, { each: true })
  industry?: string[];

  @ApiPropertyOptional({ type: [String], enum: COMPANY_SIZES, description: 'Sizes, comma-separated: any of them.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @IsIn(COMPANY_SIZES, { each: true })
  size?: CompanySize[];

  @ApiPropertyOptional({ maxLength: DOMAIN_INPUT_MAX, description: 'A domain or a web address, normalised like a company’s domain.' })
  @IsOptional()
  @IsString()
  @MaxLength(DOMAIN_INPUT_MAX)
  domain?: string;

  @ApiPropertyOptional({ type: [String], description: 'Tags, comma-separated: companies having all of them.' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(TAGS_MAX)
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Updated at or after.' }) @IsOptional() @IsISO8601({ strict: true }) updatedAtFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Updated at or before.' }) @IsOptional() @IsISO8601({ strict: true }) updatedAtTo?: string;
}

export class Company {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'acme.com' }) domain!: string | null;
  @ApiProperty({ type: String, nullable: true }) website!: string | null;
  @ApiProperty({ type: String, nullable: true }) linkedinUrl!: string | null;
  @ApiProperty({ type: String, nullable: true }) industry!: string | null;
  @ApiProperty({ enum: COMPANY_SIZES, nullable: true }) size!: CompanySize | null;
  @ApiProperty({ type: 'integer', nullable: true }) employees!: number | null;
  @ApiProperty({ type: AnnualRevenue, nullable: true }) annualRevenue!: AnnualRevenue | null;
  @ApiProperty({ type: String, nullable: true, description: 'E.164.' }) phone!: string | null;
  @ApiProperty({ type: PostalAddress, nullable: true }) address!: PostalAddress | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class CompanyDetail extends Company {
  @ApiProperty({ type: 'integer', description: 'Live contacts of the company.' }) contactCount!: number;
  @ApiProperty({ type: 'integer', description: 'Live deals of the company.' }) dealCount!: number;
}

export class CompanyPage {
  @ApiProperty({ type: [Company] }) data!: Company[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const DOMAIN_TAKEN = { status: 409, description: 'A live company of the workspace has the domain; details name it (existingId).' } as const;

export const CreateCompany = defineOperation({
  pattern: 'crm.companies.create',
  summary: 'Create a company',
  description: '409 when a live company has the domain (details name existingId); 422 names the field.',
  permission: 'companies:write',
  route: { method: 'POST', path: 'companies', status: 201 },
  input: CreateCompanyBody,
  output: Company,
  errors: [DOMAIN_TAKEN],
});

export const ListCompanies = defineOperation({
  pattern: 'crm.companies.list',
  summary: 'List companies',
  description:
    'Sort by createdAt (default -createdAt) or name (case-insensitive); q matches words of the name and domain by prefix, and parts of the name, domain or phone.',
  permission: 'companies:read',
  route: { method: 'GET', path: 'companies', status: 200 },
  input: ListCompaniesQuery,
  output: CompanyPage,
  errors: [],
});

export const GetCompany = defineOperation({
  pattern: 'crm.companies.get',
  summary: 'Read a company',
  description: 'Live or deleted (deletedAt set), with counts of its live contacts and deals.',
  permission: 'companies:read',
  route: { method: 'GET', path: 'companies/:id', status: 200 },
  params: RecordIdParams,
  output: CompanyDetail,
  errors: [NOT_FOUND],
});

export const UpdateCompany = defineOperation({
  pattern: 'crm.companies.update',
  summary: 'Change a company',
  description: 'Absent fields stay, null clears. 404 for a deleted company.',
  permission: 'companies:write',
  route: { method: 'PATCH', path: 'companies/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateCompanyBody,
  output: Company,
  errors: [NOT_FOUND, DOMAIN_TAKEN],
});

export const DeleteCompany = defineOperation({
  pattern: 'crm.companies.delete',
  summary: 'Delete a company',
  description: 'Soft delete: restorable; frees the domain; its contacts keep their companyId.',
  permission: 'companies:write',
  route: { method: 'DELETE', path: 'companies/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreCompany = defineOperation({
  pattern: 'crm.companies.restore',
  summary: 'Restore a deleted company',
  description: 'A live company is returned unchanged; 409 when a live company has taken its domain meanwhile (details name existingId).',
  permission: 'companies:write',
  route: { method: 'POST', path: 'companies/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Company,
  errors: [NOT_FOUND, DOMAIN_TAKEN],
});

export const COMPANY_OPERATIONS = [CreateCompany, ListCompanies, GetCompany, UpdateCompany, DeleteCompany, RestoreCompany] as const;
