import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AudienceBody } from '../crm/segments.js';
import { Omittable, PageQuery } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { NotificationsIdParams } from './common.js';

// Shape rules only: the notifications service checks what goes with what (channel, body or
// template, exactly one audience) and asks crm whether the segment or filter holds.
const SUBJECT_MAX = 300;
const BODY_MAX = 200_000;
const TEMPLATE_ID_MAX = 100;
const TOKEN_MAX = 2000;
export const CAMPAIGN_CHANNELS = ['email', 'sms'] as const;
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed'] as const;
export const RECIPIENT_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'skipped_opted_out',
  'skipped_no_address',
  'cancelled',
] as const;
/** A recipient status, or `unsubscribed`: those who used the unsubscribe link, whatever their status. */
export const RECIPIENT_FILTERS = [...RECIPIENT_STATUSES, 'unsubscribed'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export type RecipientFilter = (typeof RECIPIENT_FILTERS)[number];

const BODY_DESCRIPTION =
  'Handlebars, placeholders escaped: {{firstName}}, {{lastName}}, {{email}}, {{phone}}, {{jobTitle}}, {{companyName}}, {{lifecycleStage}}, {{customFields.<key>}}, {{unsubscribeUrl}}. HTML for email; an unsubscribe footer is added when the body does not place {{unsubscribeUrl}}. Give body or templateId.';
const NO_CAMPAIGN = { status: 404, description: 'No campaign with this id in the workspace.' } as const;

/** The audience a campaign is sent to, as crm counts and resolves it. */
export class CampaignAudienceBody extends AudienceBody {}

export class CreateCampaignBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Spring newsletter' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ enum: CAMPAIGN_CHANNELS })
  @IsIn(CAMPAIGN_CHANNELS)
  channel!: CampaignChannel;

  @ApiPropertyOptional({
    type: String,
    maxLength: SUBJECT_MAX,
    nullable: true,
    example: 'News for {{companyName}}',
    description: 'Email only; required unless templateId is given.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_MAX)
  subject?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: BODY_MAX, nullable: true, example: '<p>Hello {{firstName}},</p>', description: BODY_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(BODY_MAX)
  body?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'deal_won',
    description: 'Email only: an email template of the workspace (GET /email-templates), instead of body.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_ID_MAX)
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

/** PATCH: absent fields stay. */
export class UpdateCampaignBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ enum: CAMPAIGN_CHANNELS })
  @Omittable()
  @IsIn(CAMPAIGN_CHANNELS)
  channel?: CampaignChannel;

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
  @MaxLength(TEMPLATE_ID_MAX)
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
  @ApiProperty({ enum: CAMPAIGN_CHANNELS }) channel!: CampaignChannel;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ type: String, nullable: true }) body!: string | null;
  @ApiProperty({ type: String, nullable: true }) templateId!: string | null;
  @ApiProperty({ type: CampaignAudienceBody }) audience!: CampaignAudienceBody;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status!: CampaignStatus;
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
  @ApiProperty({ enum: RECIPIENT_STATUSES }) status!: RecipientStatus;
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
  @ApiPropertyOptional({ type: String, enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus | null;
}

export class ListCampaignRecipientsQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, enum: RECIPIENT_FILTERS, description: '`unsubscribed`: those who used the unsubscribe link (whatever their status).' })
  @IsOptional()
  @IsIn(RECIPIENT_FILTERS)
  status?: RecipientFilter | null;
}

/** `/u/:token`: the signed token of a campaign message's unsubscribe link. */
export class UnsubscribeParams {
  @ApiProperty({ maxLength: TOKEN_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TOKEN_MAX)
  token!: string;
}

/** RFC 8058 one-click: mail clients (and the confirmation page's form) post exactly `List-Unsubscribe=One-Click`. */
export class OneClickUnsubscribeBody {
  @ApiProperty({ name: 'List-Unsubscribe', enum: ['One-Click'], description: 'Sent as application/x-www-form-urlencoded: List-Unsubscribe=One-Click.' })
  @IsIn(['One-Click'])
  'List-Unsubscribe'!: string;
}

export class UnsubscribeResponse {
  @ApiProperty({ enum: CAMPAIGN_CHANNELS }) channel!: CampaignChannel;
  @ApiProperty({ description: 'true when the link had been used before: nothing changed.' }) alreadyUnsubscribed!: boolean;
}

export const CreateCampaign = defineOperation({
  pattern: 'notifications.campaigns.create',
  summary: 'Create a campaign',
  description: 'An email or SMS campaign to a segment, as a draft; POST /campaigns/:id/send sends or schedules it.',
  permission: 'campaigns:write',
  route: { method: 'POST', path: 'campaigns', status: 201 },
  input: CreateCampaignBody,
  output: CampaignResponse,
  errors: [],
});

export const ListCampaigns = defineOperation({
  pattern: 'notifications.campaigns.list',
  summary: 'List campaigns',
  description: 'Newest first.',
  permission: 'campaigns:read',
  route: { method: 'GET', path: 'campaigns', status: 200 },
  input: ListCampaignsQuery,
  output: CampaignPageResponse,
  errors: [],
});

export const GetCampaign = defineOperation({
  pattern: 'notifications.campaigns.get',
  summary: 'Read a campaign',
  description: 'With live counts while it sends.',
  permission: 'campaigns:read',
  route: { method: 'GET', path: 'campaigns/:id', status: 200 },
  params: NotificationsIdParams,
  output: CampaignResponse,
  errors: [NO_CAMPAIGN],
});

export const UpdateCampaign = defineOperation({
  pattern: 'notifications.campaigns.update',
  summary: 'Change a campaign',
  description: 'Only a draft or scheduled campaign; absent fields stay.',
  permission: 'campaigns:write',
  route: { method: 'PATCH', path: 'campaigns/:id', status: 200 },
  params: NotificationsIdParams,
  input: UpdateCampaignBody,
  output: CampaignResponse,
  errors: [NO_CAMPAIGN, { status: 409, description: 'The campaign is no longer a draft or scheduled.' }],
});

export const DeleteCampaign = defineOperation({
  pattern: 'notifications.campaigns.delete',
  summary: 'Delete a campaign',
  description: 'Only a draft or scheduled campaign.',
  permission: 'campaigns:write',
  route: { method: 'DELETE', path: 'campaigns/:id', status: 204 },
  params: NotificationsIdParams,
  errors: [NO_CAMPAIGN, { status: 409, description: 'The campaign has been sent (or is sending).' }],
});

export const SendCampaign = defineOperation({
  pattern: 'notifications.campaigns.send',
  summary: 'Send a campaign',
  description: 'Sends now (sending), or schedules it when its scheduledAt is ahead (scheduled); contacts who opted out are skipped.',
  permission: 'campaigns:write',
  route: { method: 'POST', path: 'campaigns/:id/send', status: 200 },
  params: NotificationsIdParams,
  output: CampaignResponse,
  errors: [NO_CAMPAIGN, { status: 409, description: 'The campaign is sending, sent, cancelled or failed.' }],
});

export const CancelCampaign = defineOperation({
  pattern: 'notifications.campaigns.cancel',
  summary: 'Cancel a campaign',
  description: 'Recipients not sent yet become cancelled; messages already leaving finish.',
  permission: 'campaigns:write',
  route: { method: 'POST', path: 'campaigns/:id/cancel', status: 200 },
  params: NotificationsIdParams,
  output: CampaignResponse,
  errors: [NO_CAMPAIGN, { status: 409, description: 'The campaign is not scheduled or sending.' }],
});

export const ListCampaignRecipients = defineOperation({
  pattern: 'notifications.campaigns.recipients',
  summary: 'List a campaign’s recipients',
  description: 'The delivery log, one row per contact of the audience, in audience order.',
  permission: 'campaigns:read',
  route: { method: 'GET', path: 'campaigns/:id/recipients', status: 200 },
  params: NotificationsIdParams,
  input: ListCampaignRecipientsQuery,
  output: CampaignRecipientPageResponse,
  errors: [NO_CAMPAIGN],
});

export const CAMPAIGN_OPERATIONS = [
  CreateCampaign,
  ListCampaigns,
  GetCampaign,
  UpdateCampaign,
  DeleteCampaign,
  SendCampaign,
  CancelCampaign,
  ListCampaignRecipients,
] as const;

const UNSIGNED_TOKEN = { status: 404, description: 'The token is not one Kinship signed.' } as const;

/** Served by the gateway's unsubscribe controller, which answers a page (no route here). */
export const UnsubscribeStatus = defineOperation({
  pattern: 'notifications.unsubscribe.status',
  summary: 'Show the unsubscribe page',
  description: 'The page a campaign’s unsubscribe link opens: it asks to confirm and changes nothing.',
  permission: 'public',
  params: UnsubscribeParams,
  output: UnsubscribeResponse,
  errors: [UNSIGNED_TOKEN],
});

/** Served by the gateway's unsubscribe controller, which answers JSON or a page (no route here). */
export const ConfirmUnsubscribe = defineOperation({
  pattern: 'notifications.unsubscribe.confirm',
  summary: 'Unsubscribe',
  description: 'One-click unsubscribe (RFC 8058) from the link of a campaign message; opts the contact out of the channel.',
  permission: 'public',
  params: UnsubscribeParams,
  output: UnsubscribeResponse,
  errors: [UNSIGNED_TOKEN],
});
