import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { defineOperation } from '../operation.js';

/** The longest help text: one SMS segment of GSM-7 (160) would be tight; providers concatenate up to 10 segments. */
export const SMS_HELP_TEXT_MAX = 1600;

/** A phone number in E.164, as Twilio writes `To` and `From`. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** What a provider's webhook posts, at most: Twilio's callbacks carry about 20 parameters. */
export const SMS_WEBHOOK_PARAMS_MAX = 200;

/** The workspace's SMS settings: the number its contacts text, what HELP answers, and whether texts open tickets. */
export class SmsSettings {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '+15550001111',
    description: 'The provider number (E.164) whose inbound texts belong to this workspace; null receives none.',
  })
  phoneNumber!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The reply to an inbound HELP; null answers a default naming the workspace’s STOP and START keywords.',
  })
  helpText!: string | null;
  @ApiProperty({ description: 'Whether an inbound text (not a keyword) opens a ticket, or comments on the sender’s open SMS ticket.' })
  inboundTickets!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null until the settings were first saved.' })
  updatedAt!: string | null;
}

export class UpdateSmsSettingsBody {
  @ApiProperty({ type: String, nullable: true, example: '+15550001111' })
  @ValidateIf((_body, value) => value !== null)
  @IsString()
  @Matches(E164, { message: 'must be an E.164 phone number such as +15550001111' })
  phoneNumber!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: SMS_HELP_TEXT_MAX })
  @IsOptional()
  @ValidateIf((_body, value) => value !== null)
  @IsString()
  @MaxLength(SMS_HELP_TEXT_MAX)
  @Matches(/\S/, { message: 'must not be blank' })
  helpText?: string | null;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() inboundTickets?: boolean;
}

/** What the gateway forwards of a provider webhook: the path it was posted to (with its query), the form as received, and X-Twilio-Signature. */
export class SmsWebhookInput {
  @IsString() @MaxLength(2000) path!: string;
  @IsObject() params!: Record<string, string | string[]>;
  @IsString() @MaxLength(200) signature!: string;
}

export class SmsWebhookReply {
  @ApiProperty() received!: boolean;
  @ApiProperty({
    description:
      'false when this callback (message id and status, or inbound message id) had taken effect before. A report of a message not known yet is kept and applied when its send is recorded.',
  })
  applied!: boolean;
}

export const GetSmsSettings = defineOperation({
  pattern: 'notifications.sms-settings.get',
  summary: 'Read the workspace’s SMS settings',
  description: 'The receiving number, the HELP reply and whether inbound texts open tickets.',
  permission: 'sms-settings:manage',
  route: { method: 'GET', path: 'sms-settings', status: 200 },
  output: SmsSettings,
  errors: [],
});

export const UpdateSmsSettings = defineOperation({
  pattern: 'notifications.sms-settings.update',
  summary: 'Change the workspace’s SMS settings',
  description:
    'Sets the provider number whose inbound texts (and their STOP, START and HELP) belong to this workspace, the HELP reply, and whether other texts open or comment on tickets. Omitted optional fields return to their defaults.',
  permission: 'sms-settings:manage',
  route: { method: 'PUT', path: 'sms-settings', status: 200 },
  input: UpdateSmsSettingsBody,
  output: SmsSettings,
  errors: [{ status: 409, description: 'Another workspace receives on this number (number_taken).' }],
});

/** Between the gateway's public `POST /webhooks/sms/status` and notifications, which verifies the signature. */
export const ReceiveSmsStatus = defineOperation({
  pattern: 'notifications.sms.status',
  summary: 'Apply an SMS delivery status callback',
  description:
    'Verifies X-Twilio-Signature and moves the message named by MessageSid forward (queued → sent → delivered | failed | undelivered), once per message id and status.',
  permission: null,
  input: SmsWebhookInput,
  output: SmsWebhookReply,
  errors: [{ status: 400, description: 'MessageSid or MessageStatus missing or malformed.' }],
});

/** Between the gateway's public `POST /webhooks/sms/inbound` and notifications, which verifies the signature. */
export const ReceiveInboundSms = defineOperation({
  pattern: 'notifications.sms.inbound',
  summary: 'Receive an inbound SMS',
  description:
    'Verifies X-Twilio-Signature; STOP and its synonyms opt the sender out, START and UNSTOP back in, HELP is answered, anything else reaches the contact’s timeline (and a ticket when the workspace says so). Once per MessageSid.',
  permission: null,
  input: SmsWebhookInput,
  output: SmsWebhookReply,
  errors: [{ status: 400, description: 'MessageSid, From or To missing or malformed.' }],
});

export const SMS_SETTINGS_OPERATIONS = [GetSmsSettings, UpdateSmsSettings] as const;
