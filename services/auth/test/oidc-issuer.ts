import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const TEST_ISSUER = 'https://accounts.test.example';
export const TEST_CLIENT_ID = 'kinship-test-client';

export interface IdTokenOptions {
  key?: CryptoKey;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

/**
 * A stand-in OpenID provider: serves its JWKS over HTTP and signs ID tokens as Google would, and its
 * authorization endpoint answers an implicit-flow request (response_type=id_token) at once for the
 * person set with signInAs, as Google does for someone already signed in who consented before.
 */
export interface TestOidcIssuer {
  jwksUrl: string;
  authorizationUrl: string;
  /** The service's configuration for provider `google` pointing at this issuer. */
  config: Record<string, string>;
  /** A valid ID token with these claims (defaults: verified email, our audience, 5 minutes). */
  idToken(claims: JWTPayload, options?: IdTokenOptions): Promise<string>;
  /** A key the JWKS does not hold, for forged tokens. */
  strangerKey: CryptoKey;
  /** Who the authorization endpoint signs in from now on (its `sub`, `email`, `name`). */
  signInAs(claims: JWTPayload): void;
  close(): Promise<void>;
}

export async function startOidcIssuer(): Promise<TestOidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let person: JWTPayload | null = null;
  const idToken = (claims: JWTPayload, options: IdTokenOptions = {}) =>
    new SignJWT({ email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.issuer ?? TEST_ISSUER)
      .setAudience(options.audience ?? TEST_CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? privateKey);
  /** The implicit flow's answer: back to redirect_uri with the ID token (carrying the nonce) and the state in the fragment. */
  const authorize = async (query: URLSearchParams, response: ServerResponse) => {
    const [redirectUri, nonce, state] = ['redirect_uri', 'nonce', 'state'].map((name) => query.get(name));
    if (query.get('response_type') !== 'id_token' || query.get('client_id') !== TEST_CLIENT_ID || !redirectUri || !nonce || !state || !person) {
      response.writeHead(400).end('invalid_request');
      return;
    }
    const fragment = new URLSearchParams({ id_token: await idToken({ ...person, nonce }), state });
    response.writeHead(302, { location: `${redirectUri}#${fragment}` }).end();
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://issuer');
    if (url.pathname === '/authorize') {
      void authorize(url.searchParams, response);
      return;
    }
    if (url.pathname !== '/jwks') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwksUrl = `${base}/jwks`;
  const authorizationUrl = `${base}/authorize`;
  return {
    jwksUrl,
    authorizationUrl,
    config: {
      OIDC_GOOGLE_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_GOOGLE_ISSUER: TEST_ISSUER,
      OIDC_GOOGLE_JWKS_URL: jwksUrl,
      OIDC_GOOGLE_AUTHORIZATION_URL: authorizationUrl,
    },
    strangerKey: stranger.privateKey,
    signInAs(claims) {
      person = claims;
    },
    idToken,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
