import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { Public } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import {
  ForgotPasswordBody,
  LoginBody,
  OAuthBody,
  OAuthParams,
  RefreshTokenBody,
  RegisterBody,
  RegisterResponse,
  ResetPasswordBody,
  SessionResponse,
  VerifyEmailBody,
} from './auth.dto.js';

/** Sign-up, sign-in and the session lifecycle: public, forwarded to the auth service. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly services: ServiceClient) {}

  @Post('register')
  @Public()
  @ApiCreatedResponse({ type: RegisterResponse, description: 'A new workspace with the caller as its owner, signed in. Off when REGISTRATION_MODE=invite.' })
  @ApiOperation({ summary: 'Sign up', description: 'Creates a workspace with the caller as its owner and signs them in; off when registration is by invitation only.' })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'Registration is by invitation only (registration_closed).' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'An account with this email already exists.' })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many sign-ups from this address with emails that have an account; see Retry-After.' })
  register(@Body() body: RegisterBody, @Caller() caller: RequestContext): Promise<AuthRpc.RegisterReply> {
    return this.services.send<AuthRpc.RegisterReply, AuthRpc.RegisterRequest>('auth.registration.register', body, caller);
  }

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Wrong email or password (the same answer for both).' })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many failed sign-ins; see Retry-After.' })
  @ApiOperation({ summary: 'Sign in', description: 'With email and password; answers an access token and a rotating refresh token. Repeated failures are throttled.' })
  login(@Body() body: LoginBody, @Caller() caller: RequestContext): Promise<AuthRpc.Session> {
    return this.services.send<AuthRpc.Session, AuthRpc.LoginRequest>('auth.sessions.login', body, caller);
  }

  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionResponse, description: 'A new access token and a new refresh token; the one sent is used up.' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Unknown, expired or reused refresh token (reuse ends the whole session).' })
  @ApiOperation({ summary: 'Refresh a session', description: 'Trades a refresh token for a new access token and a new refresh token; reusing a spent one ends the session.' })
  refresh(@Body() body: RefreshTokenBody, @Caller() caller: RequestContext): Promise<AuthRpc.Session> {
    return this.services.send<AuthRpc.Session, AuthRpc.RefreshRequest>('auth.sessions.refresh', body, caller);
  }

  @Post('logout')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The session is over; its access tokens stop working too.' })
  @ApiOperation({ summary: 'Sign out', description: 'Ends the session of the refresh token; its access tokens stop working too.' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'The refresh token is invalid, expired or revoked (invalid_token).' })
  async logout(@Body() body: RefreshTokenBody, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.LogoutRequest>('auth.sessions.logout', body, caller);
  }

  @Post('password/forgot')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: 'Always, whether or not the email is known; a one-time reset link is emailed if it is.' })
  @ApiOperation({ summary: 'Ask for a password reset', description: 'Emails a one-time reset link when the email is known; answers the same either way.' })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many reset requests for this account or from this address; see Retry-After.' })
  async forgotPassword(@Body() body: ForgotPasswordBody, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.ForgotPasswordRequest>('auth.passwords.forgot', body, caller);
  }

  @Post('password/reset')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The password is changed and every session of the user ended.' })
  @ApiOperation({ summary: 'Reset a password', description: 'With the one-time token of the reset link; every session of the user ends.' })
  async resetPassword(@Body() body: ResetPasswordBody, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.ResetPasswordRequest>('auth.passwords.reset', body, caller);
  }

  @Post('email/verify')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The email address is marked verified.' })
  @ApiOperation({ summary: 'Verify an email address', description: 'With the one-time token of the verification link.' })
  async verifyEmail(@Body() body: VerifyEmailBody, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.VerifyEmailRequest>('auth.email.verify', body, caller);
  }

  @Post('oauth/:provider')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SessionResponse, description: 'Signed in with the provider’s ID token; linked to an existing account by verified email.' })
  @ApiOperation({ summary: 'Sign in with a provider', description: 'With the provider’s ID token (Google, Microsoft); links to an existing account by verified email.' })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'The ID token is invalid or has expired.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such identity provider is configured.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'An account with this email exists but its email is not verified (email_not_verified).' })
  oauthSignIn(@Param() params: OAuthParams, @Body() body: OAuthBody, @Caller() caller: RequestContext): Promise<AuthRpc.Session> {
    return this.services.send<AuthRpc.Session, AuthRpc.OAuthSignInRequest>('auth.oauth.sign-in', { provider: params.provider, idToken: body.idToken }, caller);
  }
}
