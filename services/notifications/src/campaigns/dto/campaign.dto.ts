import { IsIn, IsISO8601, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageDto } from '@kinship/messaging';
import type { CampaignChannel, CampaignStatus, RecipientStatus } from '../campaign.record.js';

export const CAMPAIGN_CHANNELS: CampaignChannel[] = ['email', 'sms'];
export const CAMPAIGN_STATUSES: CampaignStatus[] = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'];
export const RECIPIENT_FILTERS: Array<RecipientStatus | 'unsubscribed'> = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped_opted_out', 'skipped_no_address', 'cancelled', 'unsubscribed'];

export const NAME_MAX = 200;
export const SUBJECT_MAX = 300;
export const BODY_MAX = 200_000;

/** Present in the request, null included: PATCH sets what is given. */
function Given(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** notifications.campaigns.create. Rules across fields (channel, body or templateId, audience) are the service's. */
export class CreateCampaignDto {
  @IsString()
  @MinLength(1)
  @MaxLength(NAME_MAX)
  name!: string;

  @IsIn(CAMPAIGN_CHANNELS)
  channel!: CampaignChannel;

  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_MAX)
  subject?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(BODY_MAX)
  body?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  templateId?: string | null;

  @IsObject()
  audience!: Record<string, unknown>;

  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string | null;
}

export class UpdateCampaignDto {
  @IsString()
  id!: string;

  @Given()
  @IsString()
  @MinLength(1)
  @MaxLength(NAME_MAX)
  name?: string;

  @Given()
  @IsIn(CAMPAIGN_CHANNELS)
  channel?: CampaignChannel;

  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_MAX)
  subject?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(BODY_MAX)
  body?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  templateId?: string | null;

  @Given()
  @IsObject()
  audience?: Record<string, unknown>;

  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string | null;
}

export class CampaignIdDto {
  @IsString()
  id!: string;
}

export class ListCampaignsDto extends PageDto {
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus | null;
}

export class ListRecipientsDto extends PageDto {
  @IsString()
  id!: string;

  @IsOptional()
  @IsIn(RECIPIENT_FILTERS)
  status?: RecipientStatus | 'unsubscribed' | null;
}

export class UnsubscribeDto {
  @IsString()
  @MaxLength(2000)
  token!: string;
}
