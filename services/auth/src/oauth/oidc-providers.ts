import { Injectable } from '@nestjs/common';
import type { OidcProviderListResponse } from '@kinship/contracts/auth';
import { RpcError } from '@kinship/messaging';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AuthConfig } from '../auth.config.js';

export interface OidcProvider {
  name: string;
  /** What a sign-in button calls it. */
  label: string;
  issuer: string;
  clientId: string;
  authorizationUrl: string;
  /** The provider's signing keys, fetched from its JWKS URL and cached by jose. */
  keys: JWTVerifyGetKey;
}

/** What the service uses of a verified ID token. */
export interface VerifiedIdentity {
  subject: string;
  email: string;
  name: string | null;
}

/** Signatures an identity provider may use; never a shared secret, never `none`. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function invalidIdTokenError(): RpcError {
  return new RpcError(401, 'invalid_token', 'The ID token is invalid or has expired.', [{ field: 'idToken', issue: 'is invalid or has expired' }]);
}

/** The OpenID Connect providers configured; today Google, when OIDC_GOOGLE_CLIENT_ID is set. */
@Injectable()
export class OidcProviders {
  private readonly providers = new Map<string, OidcProvider>();

  constructor(config: AuthConfig) {
    if (config.OIDC_GOOGLE_CLIENT_ID) {
      this.providers.set('google', {
        name: 'google',
        label: 'Google',
        issuer: config.OIDC_GOOGLE_ISSUER,
        clientId: config.OIDC_GOOGLE_CLIENT_ID,
        authorizationUrl: config.OIDC_GOOGLE_AUTHORIZATION_URL,
        keys: createRemoteJWKSet(new URL(config.OIDC_GOOGLE_JWKS_URL)),
      });
    }
  }

  /** What a sign-in page needs to offer each provider: never its keys. */
  list(): OidcProviderListResponse {
    return { data: [...this.providers.values()].map(({ name, label, authorizationUrl, clientId }) => ({ name, label, authorizationUrl, clientId })) };
  }

  find(name: string): OidcProvider | undefined {
    return this.providers.get(name);
  }

  /**
   * Checks the signature against the provider's keys, the issuer, the audience (our client id)
   * and the expiry, and requires a verified email: an unverified one proves nothing about who
   * owns the address, and it is what links the identity to an account.
   */
  async verify(provider: OidcProvider, idToken: string): Promise<VerifiedIdentity> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(idToken, provider.keys, {
        issuer: provider.issuer,
        audience: provider.clientId,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'email'],
      }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw RpcError.unavailable(`The ${provider.name} sign-in service could not be reached; try again later.`);
      }
      throw invalidIdTokenError();
    }
    const { sub, email, email_verified: emailVerified, name } = claims;
    if (typeof sub !== 'string' || typeof email !== 'string' || !EMAIL.test(email) || email.length > 254 || emailVerified !== true) throw invalidIdTokenError();
    return { subject: sub, email: email.toLowerCase(), name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 200) : null };
  }
}
