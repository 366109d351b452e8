import { ServiceConfig } from '@kinship/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

export class NotificationsConfig extends ServiceConfig {
  override HTTP_PORT: number = 3104;

  /** Outgoing mail; the default is the mail sink `make up` starts (scripts/mail-sink.mjs). smtps:// for implicit TLS. */
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL: string = 'smtp://127.0.0.1:1025';

  /** The From header of every email, e.g. `Kinship <no-reply@example.com>`. */
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  MAIL_FROM: string = 'Kinship <no-reply@kinship.local>';

  /** Where users open the web app; links in emails start with it. */
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'must be an http(s):// URL' })
  PUBLIC_URL: string = 'http://localhost:3000';

  /** `log` writes each SMS to the log (development); `twilio` sends it through a Twilio-compatible API. */
  @IsIn(['log', 'twilio'])
  SMS_PROVIDER: string = 'log';

  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s):// URL' })
  TWILIO_API_BASE: string = 'https://api.twilio.com';

  @ValidateIf((config: NotificationsConfig) => config.SMS_PROVIDER === 'twilio')
  @IsString({ message: 'must be set when SMS_PROVIDER=twilio' })
  @MinLength(1, { message: 'must be set when SMS_PROVIDER=twilio' })
  TWILIO_ACCOUNT_SID: string | undefined = undefined;

  @ValidateIf((config: NotificationsConfig) => config.SMS_PROVIDER === 'twilio')
  @IsString({ message: 'must be set when SMS_PROVIDER=twilio' })
  @MinLength(1, { message: 'must be set when SMS_PROVIDER=twilio' })
  TWILIO_AUTH_TOKEN: string | undefined = undefined;

  /** The sender of SMS: an E.164 number or a messaging service id of the provider. */
  @ValidateIf((config: NotificationsConfig) => config.SMS_PROVIDER === 'twilio')
  @IsString({ message: 'must be set when SMS_PROVIDER=twilio' })
  @MinLength(1, { message: 'must be set when SMS_PROVIDER=twilio' })
  SMS_FROM: string | undefined = undefined;

  /** Tries of one email or SMS before it is marked failed (an admin can send it again). */
  @IsInt()
  @Min(1)
  @Max(20)
  SEND_ATTEMPTS: number = 5;

  /** Wait before the first retry; each further retry waits twice as long as the one before. */
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  SEND_BACKOFF_MS: number = 5000;

  /** `true` lets webhook endpoints point at private, loopback and link-local addresses: tests and development only. */
  @IsIn(['true', 'false'])
  WEBHOOKS_ALLOW_PRIVATE: string = 'false';

  /**
   * Encrypts webhook signing secrets at rest (AES-256-GCM, key = SHA-256 of this value). Required
   * everywhere: it protects data kept in the service's own database, so it cannot be kept there
   * (`make up` generates one for a developer machine). Changing it makes stored secrets unreadable.
   */
  @IsString({ message: 'must be set: it encrypts webhook secrets at rest (e.g. openssl rand -base64 48)' })
  @MinLength(32, { message: 'must be at least 32 characters' })
  WEBHOOKS_SECRET_KEY: string | undefined = undefined;

  /** How long a partner has to answer one delivery attempt. */
  @IsInt()
  @Min(100)
  @Max(60000)
  WEBHOOKS_TIMEOUT_MS: number = 10000;

  /** Waits before each retry of a failed delivery, in milliseconds: 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over 27.6 h). */
  @Matches(/^\d{1,9}(,\d{1,9}){0,19}$/, { message: 'must be up to 20 comma-separated millisecond delays' })
  WEBHOOKS_RETRY_SCHEDULE_MS: string = '60000,300000,1800000,7200000,18000000,36000000,36000000';

  /** Deliveries in a row that fail every attempt before the endpoint is disabled. */
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOKS_DISABLE_AFTER_FAILURES: number = 5;

  /** How often due webhook deliveries are taken from the database and queued. */
  @IsInt()
  @Min(50)
  @Max(60000)
  WEBHOOKS_POLL_INTERVAL_MS: number = 1000;

  /**
   * Signs unsubscribe links (HMAC-SHA256). Unset, the installation's own key is used, generated at
   * its first start and kept in notifications.installation_secrets. Changing it breaks the links already sent.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  UNSUBSCRIBE_SECRET: string | undefined = undefined;

  /** Campaign emails per second across every worker (a Redis token bucket per SMTP server). */
  @IsInt()
  @Min(1)
  @Max(100_000)
  CAMPAIGN_EMAILS_PER_SECOND: number = 2000;

  /** Campaign SMS per second across every worker (a Redis token bucket per SMS provider). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  CAMPAIGN_SMS_PER_SECOND: number = 10;

  /** SMTP connections campaigns keep open, each sending one message at a time. */
  @IsInt()
  @Min(1)
  @Max(100)
  CAMPAIGN_SMTP_CONNECTIONS: number = 16;

  /** Recipients one worker claims and sends at a time; each is marked sent as soon as the server accepts it. */
  @IsInt()
  @Min(1)
  @Max(1000)
  CAMPAIGN_BATCH_SIZE: number = 100;

  /** Workers sending one campaign side by side (per process). */
  @IsInt()
  @Min(1)
  @Max(32)
  CAMPAIGN_LANES: number = 4;

  /**
   * How long claimed recipients stay with their worker; a live worker renews the lease every third
   * of it. A worker that died leaves them 'sending', and once the lease ends another worker sends
   * them (docs/campaigns.md, on duplicates).
   */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  CAMPAIGN_CLAIM_LEASE_MS: number = 30_000;

  /** Tries of one campaign message against temporary failures before its recipient is marked failed. */
  @IsInt()
  @Min(1)
  @Max(20)
  CAMPAIGN_SEND_ATTEMPTS: number = 3;

  /** How often due scheduled campaigns are started and interrupted sends resumed. */
  @IsInt()
  @Min(50)
  @Max(60000)
  CAMPAIGN_POLL_INTERVAL_MS: number = 1000;

  /**
   * The inbound SMTP listener (email to ticket): mail to support+<workspace-slug>@INBOUND_DOMAIN
   * becomes email.received. 0 turns the listener off.
   */
  @IsInt()
  @Min(0)
  @Max(65535)
  INBOUND_SMTP_PORT: number = 2525;

  /** The interface the inbound listener binds to. */
  @IsString()
  @MinLength(1)
  INBOUND_SMTP_HOST: string = '0.0.0.0';

  /** The domain of the support addresses; its MX record points at the inbound listener. */
  @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'must be a lower-case domain name, e.g. support.example.com',
  })
  INBOUND_DOMAIN: string = 'kinship.local';

  /** The largest inbound email accepted, in bytes (MIME source, attachments included); larger ones are refused with 552. */
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  INBOUND_MAX_BYTES: number = 25 * 1024 * 1024;
}
