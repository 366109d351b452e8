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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ListDto } from '../common/list.dto.js';
import { COMPANY_SIZES, type CompanyAddress, type CompanySize } from './companies.repository.js';

const NAME_MAX = 200;
const TEXT_MAX = 200;
// As for contacts: at most 50 tags of at most 64 characters.
const TAG_MAX = 64;
const TAGS_MAX = 50;
const NOT_BLANK = /\S/;

/** Present, and not null: absent leaves the value unchanged; null is not a value of a required field. */
function Omittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

export class CompanyAddressDto implements CompanyAddress {
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) line1?: string | null;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) line2?: string | null;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) city?: string | null;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) region?: string | null;
  @IsOptional() @IsString() @MaxLength(32) postalCode?: string | null;
  @IsOptional() @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 country code' }) country?: string | null;
}

/** The fields of a company a caller may write; on an update, absent = unchanged and null = cleared. */
class CompanyFieldsDto {
  @IsOptional()
  @IsString()
  @MaxLength(300)
  domain?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(TEXT_MAX)
  industry?: string | null;

  @IsOptional()
  @IsIn(COMPANY_SIZES)
  size?: CompanySize | null;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CompanyAddressDto)
  address?: CompanyAddressDto | null;

  @IsOptional()
  @IsUUID('all')
  ownerId?: string | null;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(TAGS_MAX)
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  @Matches(NOT_BLANK, { each: true, message: 'each tag must not be blank' })
  tags?: string[];

  /** Values by custom field key; null removes a value. Checked against the definitions by type. */
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;
}

export class CreateCompanyDto extends CompanyFieldsDto {
  @IsString()
  @MaxLength(NAME_MAX)
  @Matches(NOT_BLANK, { message: 'name must not be empty' })
  name!: string;
}

export class UpdateCompanyDto extends CompanyFieldsDto {
  @IsString()
  @MaxLength(100)
  id!: string;

  @Omittable()
  @IsString()
  @MaxLength(NAME_MAX)
  @Matches(NOT_BLANK, { message: 'name must not be empty' })
  name?: string;
}

/** `{id}` of get, delete and restore; an id that is not a UUID is simply not found (404). */
export class CompanyIdDto {
  @IsString()
  @MaxLength(100)
  id!: string;
}

/** GET /companies: ListDto plus the filters of COMPANY_LIST; arrays mean "one of". */
export class ListCompaniesDto extends ListDto {
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  ownerId?: string[] | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(TEXT_MAX, { each: true })
  industry?: string[] | null;

  @IsOptional()
  @IsArray()
  @IsIn(COMPANY_SIZES, { each: true })
  size?: CompanySize[] | null;

  /** A domain or a URL; normalised as a company's domain is. */
  @IsOptional()
  @IsString()
  @MaxLength(300)
  domain?: string | null;

  /** Companies having every one of these tags. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(TAG_MAX, { each: true })
  tags?: string[] | null;

  @IsOptional() @IsISO8601() createdAtFrom?: string | null;
  @IsOptional() @IsISO8601() createdAtTo?: string | null;
  @IsOptional() @IsISO8601() updatedAtFrom?: string | null;
  @IsOptional() @IsISO8601() updatedAtTo?: string | null;
}
