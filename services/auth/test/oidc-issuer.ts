import { createServer, type Server } from 'node:http';
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

/** A stand-in OpenID provider: serves its JWKS over HTTP and signs ID tokens as Google would. */
export interface TestOidcIssuer {
  jwksUrl: string;
  /** The service's configuration for provider `google` pointing at this issuer. */
  config: Record<string, string>;
  /** A valid ID token with these claims (defaults: verified email, our audience, 5 minutes). */
  idToken(claims: JWTPayload, options?: IdTokenOptions): Promise<string>;
  /** A key the JWKS does not hold, for forged tokens. */
  strangerKey: CryptoKey;
  close(): Promise<void>;
}

export async function startOidcIssuer(): Promise<TestOidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((request, response) => {
    if (request.url !== '/jwks') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  return {
    jwksUrl,
    config: { OIDC_GOOGLE_CLIENT_ID: TEST_CLIENT_ID, OIDC_GOOGLE_ISSUER: TEST_ISSUER, OIDC_GOOGLE_JWKS_URL: jwksUrl },
    strangerKey: stranger.privateKey,
    idToken(claims, options = {}) {
      return new SignJWT({ email_verified: true, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(options.issuer ?? TEST_ISSUER)
        .setAudience(options.audience ?? TEST_CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? privateKey);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
