import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, ValidateBy } from 'class-validator';
import { Omittable } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { EMAIL_MAX, PASSWORD_MAX } from './common.js';
import { MeResponse, UserResponse } from './users.js';

/** The content types an avatar file may have (as detected from its bytes at upload). */
export const AVATAR_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

const TIME_ZONES: ReadonlySet<string> = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
const NOTIFICATION_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_NOTIFICATION_TYPES = 100;
const CHANNELS: ReadonlySet<string> = new Set(['email', 'sms', 'inApp']);

/** Absent leaves a field as it is; null is not a value (except avatarUrl and avatarFileId, where null removes that avatar). */
export class UpdateMeBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @MaxLength(NAME_MAX)
  @Matches(/\S/, { message: '$property must not be blank' })
  name?: string;

  @ApiPropertyOptional({
    format: 'email',
    maxLength: EMAIL_MAX,
    description:
      'A new address; needs currentPassword. It becomes pendingEmail, and the account’s email only once a link sent to it is followed; the current address is told.',
  })
  @Omittable()
  @IsString()
  @MaxLength(EMAIL_MAX)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ format: 'password', maxLength: PASSWORD_MAX, description: 'A new password; needs currentPassword. Ends every other session.' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({
    format: 'password',
    maxLength: PASSWORD_MAX,
    description: 'Needed to change password or email; wrong ones are throttled with failed sign-ins (429).',
  })
  @Omittable()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  currentPassword?: string;

  @ApiPropertyOptional({ type: String, format: 'uri', maxLength: 2048, nullable: true, description: 'An image elsewhere (https); null removes it.' })
  @IsOptional()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https'], require_protocol: true })
  avatarUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: `An image uploaded with POST /files: a live file of the workspace whose content type is one of ${AVATAR_CONTENT_TYPES.join(', ')} (else 422); served by GET /files/:id/thumbnail. null removes it.`,
  })
  @IsOptional()
  @IsUUID('all')
  avatarFileId?: string | null;
}

export class ChannelPreferences {
  @ApiPropertyOptional() email?: boolean;
  @ApiPropertyOptional() sms?: boolean;
  @ApiPropertyOptional() inApp?: boolean;
}

function isLocale(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "task_assigned": { "email": true, "inApp": false } }`: known channels, boolean values only. */
function isNotificationPreferences(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_NOTIFICATION_TYPES &&
    entries.every(
      ([type, channels]) =>
        NOTIFICATION_TYPE.test(type) &&
        isPlainObject(channels) &&
        Object.entries(channels).every(([channel, enabled]) => CHANNELS.has(channel) && typeof enabled === 'boolean'),
    )
  );
}

/** PUT semantics: the three fields replace what was stored. */
@ApiExtraModels(ChannelPreferences)
export class SettingsBody {
  @ApiProperty({ example: 'en-GB', maxLength: 35, description: 'A BCP 47 language tag, stored in its canonical form (en-us → en-US).' })
  @IsString()
  @MaxLength(35)
  @ValidateBy({ name: 'isLocale', validator: { validate: isLocale, defaultMessage: () => 'locale must be a BCP 47 language tag, e.g. en or pt-BR' } })
  locale!: string;

  @ApiProperty({ example: 'Europe/London', description: 'An IANA time zone.' })
  @IsString()
  @ValidateBy({
    name: 'isTimeZone',
    validator: { validate: (value) => TIME_ZONES.has(value as string), defaultMessage: () => 'timezone must be an IANA time zone, e.g. Europe/Paris' },
  })
  timezone!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ChannelPreferences) },
    example: { task_assigned: { email: true, inApp: true } },
    description: 'Per notification type, per channel.',
  })
  @ValidateBy({
    name: 'isNotificationPreferences',
    validator: {
      validate: isNotificationPreferences,
      defaultMessage: () =>
        `notifications must map up to ${MAX_NOTIFICATION_TYPES} notification types (snake_case, e.g. task_assigned) to {email, sms, inApp} booleans`,
    },
  })
  notifications!: Record<string, ChannelPreferences>;
}

export const GetMe = defineOperation({
  pattern: 'auth.me.get',
  summary: 'Read the caller',
  description: 'The signed-in user, with their workspace, role and the permissions that role holds.',
  permission: 'profile:read',
  route: { method: 'GET', path: 'me', status: 200 },
  output: MeResponse,
  errors: [],
});

export const UpdateMe = defineOperation({
  pattern: 'auth.me.update',
  summary: 'Change the caller’s profile',
  description: 'Name, avatar, email (confirmed by a link to the new address) or password (with the current one); absent fields stay.',
  permission: 'profile:write',
  route: { method: 'PATCH', path: 'me', status: 200 },
  input: UpdateMeBody,
  output: UserResponse,
  errors: [
    { status: 422, description: 'avatarFileId is not a live image file of the workspace (another workspace’s, deleted, made up, or not png/jpeg/webp/gif).' },
    { status: 429, description: 'Too many wrong current passwords (counted with failed sign-ins); see Retry-After.' },
  ],
});

export const GetSettings = defineOperation({
  pattern: 'auth.me.settings.get',
  summary: 'Read the caller’s settings',
  description: 'Locale, time zone and notification preferences per type and channel.',
  permission: 'profile:read',
  route: { method: 'GET', path: 'me/settings', status: 200 },
  output: SettingsBody,
  errors: [],
});

export const PutSettings = defineOperation({
  pattern: 'auth.me.settings.put',
  summary: 'Replace the caller’s settings',
  description: 'Locale, time zone and notification preferences, as one object.',
  permission: 'profile:write',
  route: { method: 'PUT', path: 'me/settings', status: 200 },
  input: SettingsBody,
  output: SettingsBody,
  errors: [],
});

export const ME_OPERATIONS = [GetMe, UpdateMe, GetSettings, PutSettings] as const;
