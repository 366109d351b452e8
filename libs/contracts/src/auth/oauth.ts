import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { defineOperation } from '../operation.js';
import { SessionResponse } from './sessions.js';

export class OAuthParams {
  @ApiProperty({ example: 'google', description: 'A provider the auth service is configured with.' })
  @Matches(/^[a-z][a-z0-9-]{0,31}$/, { message: 'must be a provider name such as google' })
  provider!: string;
}

export class OAuthBody {
  /** ID tokens are a few kilobytes at most. */
  @ApiProperty({ description: 'An OpenID Connect ID token issued by the provider.', maxLength: 8192 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  idToken!: string;
}

export const OAuthSignIn = defineOperation({
  pattern: 'auth.oauth.sign-in',
  summary: 'Sign in with a provider',
  description: 'With the provider’s ID token (Google, Microsoft); signed in, and linked to an existing account by verified email.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/oauth/:provider', status: 200 },
  params: OAuthParams,
  input: OAuthBody,
  output: SessionResponse,
  errors: [
    { status: 401, description: 'The ID token is invalid or has expired.' },
    { status: 404, description: 'No such identity provider is configured.' },
    { status: 409, description: 'An account with this email exists but its email is not verified (email_not_verified).' },
  ],
});

export class OidcProviderResponse {
  @ApiProperty({ example: 'google', description: 'The :provider of POST /auth/oauth/:provider.' }) name!: string;
  @ApiProperty({ example: 'Google', description: 'What a sign-in button calls it.' }) label!: string;
  @ApiProperty({ example: 'https://accounts.google.com/o/oauth2/v2/auth', description: 'The provider’s authorization endpoint.' }) authorizationUrl!: string;
  @ApiProperty({ description: 'Our client id at the provider: the audience its ID tokens must carry.' }) clientId!: string;
}

export class OidcProviderListResponse {
  @ApiProperty({ type: [OidcProviderResponse] }) data!: OidcProviderResponse[];
}

export const ListOidcProviders = defineOperation({
  pattern: 'auth.oauth.providers',
  summary: 'List the sign-in providers',
  description:
    'The OpenID Connect providers configured, empty when none is: a sign-in page offers a button for each, sends the browser to the authorization endpoint (response_type=id_token, with a nonce) and posts the ID token it returns to POST /auth/oauth/:provider.',
  permission: 'public',
  route: { method: 'GET', path: 'auth/oauth/providers', status: 200 },
  output: OidcProviderListResponse,
  errors: [],
});

export const OAUTH_OPERATIONS = [ListOidcProviders, OAuthSignIn] as const;
