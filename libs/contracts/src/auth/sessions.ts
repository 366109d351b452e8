import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { defineOperation } from '../operation.js';
import { EmailField, PASSWORD_MAX, TokenField } from './common.js';
import { UserResponse } from './users.js';

export class LoginBody {
  @EmailField() email!: string;

  // Any string up to the limit: a sign-in must not reveal the password rules.
  @ApiProperty({ format: 'password', maxLength: PASSWORD_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

/** The body of refresh and of sign-out alike. */
export class RefreshTokenBody {
  @TokenField() refreshToken!: string;
}

export class SessionResponse {
  @ApiProperty({ description: 'Send as Authorization: Bearer <accessToken>.' }) accessToken!: string;
  @ApiProperty({ description: 'Opaque; renews the session at POST /auth/refresh, once.' }) refreshToken!: string;
  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires.', example: 900 }) expiresIn!: number;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

export const Login = defineOperation({
  pattern: 'auth.sessions.login',
  summary: 'Sign in',
  description: 'With email and password; answers an access token and a rotating refresh token. Repeated failures are throttled.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/login', status: 200 },
  input: LoginBody,
  output: SessionResponse,
  errors: [
    { status: 401, description: 'Wrong email or password (the same answer for both).' },
    { status: 429, description: 'Too many failed sign-ins; see Retry-After.' },
  ],
});

export const Refresh = defineOperation({
  pattern: 'auth.sessions.refresh',
  summary: 'Refresh a session',
  description: 'Trades a refresh token for a new access token and a new refresh token (the one sent is used up); reusing a spent one ends the session.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/refresh', status: 200 },
  input: RefreshTokenBody,
  output: SessionResponse,
  errors: [{ status: 401, description: 'Unknown, expired or reused refresh token (reuse ends the whole session).' }],
});

export const Logout = defineOperation({
  pattern: 'auth.sessions.logout',
  summary: 'Sign out',
  description: 'Ends the session of the refresh token; its access tokens stop working too.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/logout', status: 204 },
  input: RefreshTokenBody,
  errors: [{ status: 401, description: 'The refresh token is invalid, expired or revoked (invalid_token).' }],
});

export const SESSION_OPERATIONS = [Login, Refresh, Logout] as const;
