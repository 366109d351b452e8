import { ServiceConfig } from '@kinship/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuthConfig extends ServiceConfig {
  override HTTP_PORT: number = 3101;

  /**
   * Encrypts the private keys that sign access tokens where auth stores them (AES-256-GCM):
   * 32 random bytes in base64, `openssl rand -base64 32`. Required: `make up` generates one into
   * .kinship/secrets.env. Set as AUTH_KEY_ENCRYPTION_KEY.
   */
  @IsString({ message: 'must be set: 32 random bytes in base64, e.g. `openssl rand -base64 32` (make up generates one into .kinship/secrets.env)' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes in base64, e.g. `openssl rand -base64 32`' })
  KEY_ENCRYPTION_KEY: string | undefined = undefined;

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

  /** Where the console sends a browser to sign in with Google (the provider's authorization endpoint). */
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s):// URL' })
  OIDC_GOOGLE_AUTHORIZATION_URL: string = 'https://accounts.google.com/o/oauth2/v2/auth';

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

  /** "Forgot password" requests (and so reset emails) per address and hour; more are refused (429). */
  @IsInt()
  @Min(1)
  @Max(100)
  PASSWORD_FORGOT_ACCOUNT_MAX: number = 3;

  /** "Forgot password" requests per client address and hour, whatever the addresses asked for. */
  @IsInt()
  @Min(1)
  @Max(100000)
  PASSWORD_FORGOT_IP_MAX: number = 30;

  /** Sign-ups answered 409 (address taken) per client address and hour before all its sign-ups are refused (429). */
  @IsInt()
  @Min(1)
  @Max(100000)
  REGISTRATION_IP_MAX_CONFLICTS: number = 10;
}
