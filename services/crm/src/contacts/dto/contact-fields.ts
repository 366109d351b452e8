import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../contacts.repository.js';

export const MAX_NAME_LENGTH = 200;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PHONE_LENGTH = 64;
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;

/** Optional and clearable: absent leaves the value unchanged, null clears it. */
function Nullable(): PropertyDecorator {
  return IsOptional();
}

/** Optional but never null: the field always has a value. */
function Omittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

function Text(maxLength: number): PropertyDecorator {
  return applyDecorators(Nullable(), IsString(), MaxLength(maxLength));
}

/**
 * The writable fields of a contact, shared by create and update. Shape only: uniqueness, the
 * phone number's validity in the workspace's region, the company and the tag limits are the
 * service's (it needs the database for them).
 */
export class ContactFieldsDto {
  @Text(MAX_NAME_LENGTH)
  firstName?: string | null;

  @Text(MAX_NAME_LENGTH)
  lastName?: string | null;

  @Nullable()
  @IsString()
  @MaxLength(MAX_EMAIL_LENGTH)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @Text(MAX_PHONE_LENGTH)
  phone?: string | null;

  @Text(MAX_NAME_LENGTH)
  jobTitle?: string | null;

  @Nullable()
  @IsUUID('all')
  companyId?: string | null;

  @Nullable()
  @IsUUID('all')
  ownerId?: string | null;

  @Omittable()
  @IsIn(LIFECYCLE_STAGES)
  lifecycleStage?: LifecycleStage;

  @Text(MAX_NAME_LENGTH)
  leadSource?: string | null;

  @Nullable()
  @IsDate()
  customerSince?: string | null;

  /** Trimmed and de-duplicated by the service, which then applies MAX_TAGS. */
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS * 4)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  /** Checked against the workspace's definitions (CustomFieldValidator); null removes a value. */
  @Omittable()
  @IsObject()
  customFields?: Record<string, unknown>;

  @Omittable()
  @IsBoolean()
  emailOptOut?: boolean;

  @Omittable()
  @IsBoolean()
  smsOptOut?: boolean;
}

/** A calendar date, YYYY-MM-DD, that exists. */
export function IsDate(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date (YYYY-MM-DD)' }),
    IsISO8601({ strict: true }, { message: '$property must be a date (YYYY-MM-DD)' }),
  );
}
