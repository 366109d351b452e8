import type { AuthRpc } from '@kinship/contracts';
import { IsString, MaxLength, ValidateBy } from 'class-validator';
import type { NotificationPreferences } from '../user.record.js';

const TIME_ZONES: ReadonlySet<string> = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
const NOTIFICATION_TYPE = /^[a-z][a-z0-9_.]{0,63}$/;
const MAX_NOTIFICATION_TYPES = 100;
const CHANNELS: ReadonlySet<string> = new Set(['email', 'sms', 'inApp']);

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
export class SettingsDto implements AuthRpc.Settings {
  /** A BCP 47 language tag, stored in its canonical form (en-us → en-US). */
  @IsString()
  @MaxLength(35)
  @ValidateBy({ name: 'isLocale', validator: { validate: isLocale, defaultMessage: () => 'locale must be a BCP 47 language tag, e.g. en or pt-BR' } })
  locale!: string;

  /** An IANA time zone, e.g. Europe/Paris. */
  @IsString()
  @ValidateBy({ name: 'isTimeZone', validator: { validate: (value) => TIME_ZONES.has(value as string), defaultMessage: () => 'timezone must be an IANA time zone, e.g. Europe/Paris' } })
  timezone!: string;

  @ValidateBy({
    name: 'isNotificationPreferences',
    validator: {
      validate: isNotificationPreferences,
      defaultMessage: () =>
        `notifications must map up to ${MAX_NOTIFICATION_TYPES} notification types (lower case, e.g. task_assigned) to {email, sms, inApp} booleans`,
    },
  })
  notifications!: NotificationPreferences;
}
