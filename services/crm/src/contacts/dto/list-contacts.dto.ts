import { IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, ArrayMaxSize, MaxLength } from 'class-validator';
import { CreatedRangeListDto } from '../../common/list.dto.js';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../contacts.repository.js';
import { IsDate, MAX_NAME_LENGTH, MAX_TAG_LENGTH, MAX_TAGS } from './contact-fields.js';

const MAX_CHOICES = 100;

/** GET /contacts: the filters of CONTACT_LIST; arrays mean "one of" (tags: has all). */
export class ListContactsDto extends CreatedRangeListDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIFECYCLE_STAGES.length)
  @IsIn(LIFECYCLE_STAGES, { each: true })
  lifecycleStage?: LifecycleStage[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHOICES)
  @IsUUID('all', { each: true })
  ownerId?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHOICES)
  @IsUUID('all', { each: true })
  companyId?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHOICES)
  @IsString({ each: true })
  @MaxLength(MAX_NAME_LENGTH, { each: true })
  leadSource?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional()
  @IsBoolean()
  emailOptOut?: boolean;

  @IsOptional()
  @IsBoolean()
  smsOptOut?: boolean;

  @IsOptional()
  @IsISO8601({ strict: true })
  updatedAtFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  updatedAtTo?: string;

  @IsOptional()
  @IsDate()
  customerSinceFrom?: string;

  @IsOptional()
  @IsDate()
  customerSinceTo?: string;
}
