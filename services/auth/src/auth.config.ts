import { ServiceConfig } from '@kinship/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * Key-encryption keys anyone can read in the source or docs: the development value
 * docs/operations.md offers for a throwaway machine, and 32 zero bytes.
 */
export const PUBLISHED_KEY_ENCRYPTION_KEYS = [Buffer.from('kinship-development-only-key-32b').toString('base64'), Buffer.alloc(32).toString('base64')];

/** Refuses a published value unless KINSHIP_DEV_INSECURE=true. */
function IsNotPublishedValue(published: string[]): PropertyDecorator {
  return ValidateBy({
    name: 'isNotPublishedValue',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => (args?.object as AuthConfig).KINSHIP_DEV_INSECURE === 'true' || !published.includes(String(value)),
      defaultMessage: () => 'is a published development value that anyone can use: generate one (`openssl rand -base64 32`), or set KINSHIP_DEV_INSECURE=true on a throwaway machine',
    },
  });
}

export class AuthConfig extends ServiceConfig {
  override HTTP_PORT: number = 3101;

  /**
   * Encrypts the private keys that sign access tokens where auth stores them (AES-256-GCM):
   * 32 random bytes in base64, `openssl rand -base64 32`. Required: `make up` generates one into
   * .kinship/secrets.env. Set as AUTH_KEY_ENCRYPTION_KEY.
   */
  @IsString({ message: 'must be set: 32 random bytes in base64, e.g. `openssl rand -base64 32` (make up generates one into .kinship/secrets.env)' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes in base64, e.g. `openssl rand -base64 32`' })
  @IsNotPublishedValue(PUBLISHED_KEY_ENCRYPTION_KEYS)
  KEY_ENCRYPTION_KEY: string | undefined = undefined;

  /** `true` lets values published in the source or docs through, on a throwaway machine only. */
  @IsIn(['true', 'false'])
  KINSHIP_DEV_INSECURE: string = 'false';

  /** New access tokens are signed with a new key once the current one is this old; 0: only `rotate-signing-key` rotates. */
  @IsInt()
  @Min(0)
  @Max(3650)
  SIGNING_KEY_ROTATION_DAYS: number = 90;

  @IsInt()
  @Min(60)
  @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS: number = 30;

  /** `open`: anyone may register a workspace; `invite`: accounts are created only by invitations. */
  @IsIn(['open', 'invite'])
  REGISTRATION_MODE: string = 'open';

  /** Sign-in with Google is offered when this is set. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  OIDC_GOOGLE_CLIENT_ID: string | undefined = undefined;

  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s):// URL' })
  OIDC_GOOGLE_ISSUER: string = 'https://accounts.google.com';

  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s):// URL' })
  OIDC_GOOGLE_JWKS_URL: string = 'https://www.googleapis.com/oauth2/v3/certs';

  /** Consecutive failed sign-ins of one account before it is refused for a while (1 s, doubling). */
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES: number = 5;

  /** The longest an account is refused after repeated failures. */
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_MAX_BACKOFF_SECONDS: number = 900;

  /** Failed sign-ins from one client address within LOGIN_IP_WINDOW_SECONDS before it is refused. */
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_IP_MAX_FAILURES: number = 50;

  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_IP_WINDOW_SECONDS: number = 900;
}
