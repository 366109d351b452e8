import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Omittable, PageQuery } from '../auth-routes/fields.js';

// Shape rules only: the notifications service checks what goes with what (channel, body or
// template, exactly one audience) and asks crm whether the segment or filter holds.
const NAME_MAX = 200;
const SUBJECT_MAX = 300;
const BODY_MAX = 200_000;
const CONTACT_IDS_MAX = 10_000;
const CHANNELS = ['email', 'sms'];
const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'];
const RECIPIENT_FILTERS = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped_opted_out', 'skipped_no_address', 'cancelled', 'unsubscribed'];

const BODY_DESCRIPTION =
  'Handlebars, placeholders escaped: {{firstName}}, {{lastName}}, {{email}}, {{phone}}, {{jobTitle}}, {{companyName}}, {{lifecycleStage}}, {{customFields.<key>}}, {{unsubscribeUrl}}. HTML for email; an unsubscribe footer is added when the body does not place {{unsubscribeUrl}}. Give body or templateId.';

export class CampaignAudienceBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'A static or dynamic segment of the crm.' })
  @IsOptional()
  @IsUUID('all')
  segmentId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { lifecycleStage: 'customer' }, description: 'Contact list filters, as GET /contacts takes them.' })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], maxItems: CONTACT_IDS_MAX })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CONTACT_IDS_MAX)
  @IsUUID('all', { each: true })
  contactIds?: string[];
}

export class CreateCampaignBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Spring newsletter' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: string;

  @ApiPropertyOptional({ type: String, maxLength: SUBJECT_MAX, nullable: true, example: 'News for {{companyName}}', description: 'Email only; required unless templateId is given.' })
  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_MAX)
  subject?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: BODY_MAX, nullable: true, example: '<p>Hello {{firstName}},</p>', description: BODY_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(BODY_MAX)
  body?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'deal_won', description: 'Email only: an email template of the workspace (GET /email-templates), instead of body.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  templateId?: string | null;

  @ApiProperty({ type: CampaignAudienceBody, description: 'Exactly one of segmentId, filter and contactIds; resolved when the campaign is sent.' })
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignAudienceBody)
  audience!: CampaignAudienceBody;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'In the future: POST /campaigns/:id/send schedules it for then.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string | null;
}

export class UpdateCampaignBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @Omittable()
  @IsIn(CHANNELS)
  channel?: string;

  @ApiPropertyOptional({ type: String, maxLength: SUBJECT_MAX, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_MAX)
  subject?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: BODY_MAX, nullable: true, description: BODY_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(BODY_MAX)
  body?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  templateId?: string | null;

  @ApiPropertyOptional({ type: CampaignAudienceBody })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignAudienceBody)
  audience?: CampaignAudienceBody;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null unschedules a scheduled campaign (back to draft).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledAt?: string | null;
}

export class CampaignCountsResponse {
  @ApiProperty({ description: 'Contacts of the audience resolved so far.' }) total!: number;
  @ApiProperty({ description: 'Not sent yet (including those being sent now).' }) queued!: number;
  @ApiProperty({ description: 'Accepted by the mail server or SMS provider, with no final delivery report (yet).' }) sent!: number;
  @ApiProperty({ description: 'SMS the provider reported delivered.' }) delivered!: number;
  @ApiProperty({ description: 'SMS the provider reported undelivered (failed counts carriers’ failures too).' }) undelivered!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'Opted out of the channel: never sent to.' }) skippedOptedOut!: number;
  @ApiProperty({ description: 'No email address (or phone number, for SMS).' }) skippedNoAddress!: number;
  @ApiProperty({ description: 'Not sent because the campaign was cancelled.' }) cancelled!: number;
  @ApiProperty({ description: 'Recipients who used the unsubscribe link.' }) unsubscribed!: number;
}

export class CampaignResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ type: String, nullable: true }) body!: string | null;
  @ApiProperty({ type: String, nullable: true }) templateId!: string | null;
  @ApiProperty({ type: CampaignAudienceBody }) audience!: CampaignAudienceBody;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scheduledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why a failed campaign stopped (e.g. its segment was deleted).' }) failureReason!: string | null;
  @ApiProperty({ type: CampaignCountsResponse }) counts!: CampaignCountsResponse;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
}

export class CampaignPageResponse {
  @ApiProperty({ type: [CampaignResponse] }) data!: CampaignResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class CampaignRecipientResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ enum: RECIPIENT_FILTERS.filter((status) => status !== 'unsubscribed') }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) providerMessageId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The last refusal of the provider.' }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) unsubscribedAt!: string | null;
}

export class CampaignRecipientPageResponse {
  @ApiProperty({ type: [CampaignRecipientResponse] }) data!: CampaignRecipientResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListCampaignsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: string;
}

export class ListCampaignRecipientsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RECIPIENT_FILTERS, description: '`unsubscribed`: those who used the unsubscribe link (whatever their status).' })
  @IsOptional()
  @IsIn(RECIPIENT_FILTERS)
  status?: string;
}

export class UnsubscribeParams {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  token!: string;
}

/** RFC 8058 one-click: mail clients (and the confirmation page's form) post exactly `List-Unsubscribe=One-Click`. */
export class OneClickUnsubscribeBody {
  @ApiProperty({ name: 'List-Unsubscribe', enum: ['One-Click'], description: 'Sent as application/x-www-form-urlencoded: List-Unsubscribe=One-Click.' })
  @IsIn(['One-Click'])
  'List-Unsubscribe'!: string;
}

export class UnsubscribeResponse {
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ description: 'true when the link had been used before: nothing changed.' }) alreadyUnsubscribed!: boolean;
}
