import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { IsEmail, IsLocale, IsNotEmpty, IsOptional, IsString, IsTimeZone, IsUrl, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { Omittable } from './fields.js';

export class UpdateMeBody implements AuthRpc.UpdateMeRequest {
  @ApiPropertyOptional({ maxLength: 200 })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, description: 'A new address; needs currentPassword. It becomes pendingEmail, and the account’s email only once a link sent to it is followed; the current address is told.' })
  @Omittable()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: 1024, description: 'A new password; needs currentPassword. Ends every other session.' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: 1024, description: 'Needed to change password or email; wrong ones are throttled with failed sign-ins (429).' })
  @Omittable()
  @IsString()
  @MaxLength(1024)
  currentPassword?: string;

  @ApiPropertyOptional({ type: String, format: 'uri', maxLength: 2048, nullable: true, description: 'null removes the avatar.' })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  @MaxLength(2048)
  avatarUrl?: string | null;
}

export class ChannelPreferences implements AuthRpc.ChannelPreferences {
  @ApiPropertyOptional() email?: boolean;
  @ApiPropertyOptional() sms?: boolean;
  @ApiPropertyOptional() inApp?: boolean;
}

const NOTIFICATION_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const CHANNELS = new Set(['email', 'sms', 'inApp']);
const MAX_NOTIFICATION_TYPES = 100;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{type: {email?, sms?, inApp?}}` with booleans only: a map, which class-validator cannot check as nested classes. */
function IsNotificationPreferences(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotificationPreferences',
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          Object.keys(value).length <= MAX_NOTIFICATION_TYPES &&
          Object.entries(value).every(
            ([type, channels]) =>
              NOTIFICATION_TYPE.test(type) &&
              isPlainObject(channels) &&
              Object.entries(channels).every(([channel, enabled]) => CHANNELS.has(channel) && typeof enabled === 'boolean'),
          ),
        defaultMessage: () => 'notifications must map notification types (snake_case) to {email, sms, inApp} booleans',
      },
    },
    options,
  );
}

@ApiExtraModels(ChannelPreferences)
export class SettingsBody implements AuthRpc.Settings {
  @ApiProperty({ example: 'en-GB', maxLength: 35 })
  @IsLocale()
  @MaxLength(35)
  locale!: string;

  @ApiProperty({ example: 'Europe/London', description: 'An IANA time zone.' })
  @IsTimeZone()
  timezone!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ChannelPreferences) },
    example: { task_assigned: { email: true, inApp: true } },
    description: 'Per notification type, per channel.',
  })
  @IsNotificationPreferences()
  notifications!: Record<string, ChannelPreferences>;
}
