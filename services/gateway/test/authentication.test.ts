import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { revokedSessionKey, userTokensValidAfterKey } from '@kinship/contracts';
import { RpcError, type RpcRequest } from '@kinship/messaging';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, skipResponseCheck, type TestEnvironment } from '@kinship/testing';
import { Redis } from 'ioredis';
import { SignJWT, UnsecuredJWT } from 'jose';
import { SESSION_CHECK_TTL_SECONDS } from '../src/access/session-revocations.js';
import { startGateway } from '../src/gateway.js';
import { accessClaims, authStandIn, signAccessToken, testSigningKey, type StandIn } from './support.js';

/** A route someone forgot to declare access for. */
@Controller('undeclared')
class UndeclaredController {
  @Get()
  undeclared(): string {
    return 'reached';
  }
}

interface ErrorBody {
  error: { status: number; code: string; message: string; details: Array<Record<string, unknown>> };
}

const now = () => Math.floor(Date.now() / 1000);

describe('authentication', () => {
  // An auth stand-in answers for the auth service, and a test-only route declares no access: neither is the document's.
  skipResponseCheck('auth stand-in and a test-only route');
  let environment: TestEnvironment;
  let gateway: RunningService;
  let standIn: StandIn;
  let redis: Redis;
  let api: string;
  /** The key the stand-in auth service signs with and publishes. */
  let key: Awaited<ReturnType<typeof testSigningKey>>;
  /** API keys the stand-in auth service knows; a key "unavailable-…" makes it answer 503. */
  const apiKeys = new Map<string, string[]>();

  const getMe = (headers: Record<string, string>) => fetch(`${api}/me`, { headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function expectUnauthorized(response: Response): Promise<void> {
    const body = (await response.json()) as ErrorBody;
    expect({ status: response.status, code: body.error.code, challenge: response.headers.get('www-authenticate') }).toEqual({
      status: 401,
      code: 'unauthorized',
      challenge: 'Bearer realm="kinship"',
    });
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-authentication');
    key = await testSigningKey();
    standIn = await authStandIn(environment, {
      'auth.signing-keys.jwks': () => ({ keys: [key.publicJwk] }),
      // Answers with the context it received, so the tests see what a service is told.
      'auth.me.get': (request: RpcRequest) => request.context,
      'auth.users.list': (request: RpcRequest) => ({ data: [], nextCursor: null, context: request.context }),
      'auth.api-keys.verify': ({ data }: RpcRequest) => {
        const { key } = data as { key: string };
        if (key.startsWith('unavailable-')) throw RpcError.unavailable('The auth service is not available.');
        const scopes = apiKeys.get(key);
        if (!scopes) throw new RpcError(401, 'unauthorized', 'The API key is not valid.');
        return { keyId: `id-of-${key}`, workspaceId: '6f1c1b5e-2d7a-4c1e-9a0b-3f2e1d0c9b8a', scopes, createdBy: '0b9e5c2a-7d4f-4e1b-8a6c-2f3d4e5a6b7c' };
      },
      'auth.sessions.logout': () => ({}),
      'auth.sessions.login': ({ data }: RpcRequest) => {
        const { email } = data as { email: string };
        const details = email.startsWith('throttled') ? [{ issue: 'retry_after', retryAfterSeconds: 17 }] : [];
        throw new RpcError(429, 'rate_limited', 'Too many failed sign-ins. Try again later.', details);
      },
    });
    gateway = await startGateway(environment.env, { features: [{ module: class UndeclaredModule {}, controllers: [UndeclaredController] }] });
    api = `${gateway.url}/api/v1`;
    redis = new Redis(environment.redisUrl);
  });

  afterAll(async () => {
    await gateway?.close();
    await standIn?.close();
    redis?.disconnect();
    await environment?.dispose();
  });

  describe('with an access token', () => {
    it('accepts a valid token and tells the service who calls, from where, with what', async () => {
      const claims = accessClaims('member');
      const token = await signAccessToken(key, claims);
      const response = await getMe({ ...bearer(token), 'user-agent': 'kinship-test/1', 'x-request-id': 'auth-test-1' });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        workspaceId: claims.wid,
        userId: claims.sub,
        role: 'member',
        scopes: [],
        requestId: 'auth-test-1',
        ip: '127.0.0.1',
        userAgent: 'kinship-test/1',
      });
    });

    it('refuses a missing, malformed, forged, expired or wrongly signed token with 401', async () => {
      const claims = accessClaims('owner');
      const valid = await signAccessToken(key, claims);
      const [header, payload, signature] = valid.split('.');
      const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), wid: randomUUID() })).toString('base64url');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
      const signed = (alg: string, audience = 'kinship-api', issuer = 'kinship') =>
        new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid }).setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('15m');

      const refused: Record<string, Record<string, string>> = {
        'no credentials': {},
        'not a bearer token': { authorization: `Basic ${Buffer.from('ada:secret').toString('base64')}` },
        'not a JWT': bearer('not-a-token'),
        'payload changed after signing': bearer(`${header}.${promoted}.${signature}`),
        'signed with another key under the published kid': bearer(
          await signAccessToken({ kid: key.kid, privateKey: (await testSigningKey()).privateKey }, claims),
        ),
        'signed with a key that is not published': bearer(await signAccessToken(await testSigningKey(), claims)),
        expired: bearer(await signAccessToken(key, claims, { issuedAt: now() - 1000, expiresAt: now() - 100 })),
        'alg none': bearer(new UnsecuredJWT(claims).setIssuer('kinship').setAudience('kinship-api').setIssuedAt().setExpirationTime('15m').encode()),
        'RS256 instead of EdDSA': bearer(await signed('RS256').sign(privateKey)),
        'HS256 with the public key as secret': bearer(await signed('HS256').sign(publicKeyAsSecret)),
        'another audience': bearer(await signed('EdDSA', 'kinship-admin').sign(key.privateKey)),
        'another issuer': bearer(await signed('EdDSA', 'kinship-api', 'someone-else').sign(key.privateKey)),
        'a refresh token': bearer(await signAccessToken(key, { ...claims, typ: 'refresh' })),
        'an unknown role': bearer(await signAccessToken(key, { ...claims, role: 'superuser' })),
        'no expiry': bearer(
          await new SignJWT(claims)
            .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
            .setIssuer('kinship')
            .setAudience('kinship-api')
            .setIssuedAt()
            .sign(key.privateKey),
        ),
        'token and API key together': { ...bearer(valid), 'x-api-key': 'kinship_key_0123456789abcdef' },
      };
      for (const [reason, headers] of Object.entries(refused)) {
        const response = await getMe(headers);
        expect({ reason, status: response.status }).toEqual({ reason, status: 401 });
        await expectUnauthorized(response);
      }
    });

    it(`refuses the token of a session the auth service revoked, within the ${SESSION_CHECK_TTL_SECONDS} s the gateway keeps a reading`, async () => {
      const claims = accessClaims('admin');
      const token = await signAccessToken(key, claims);
      expect((await getMe(bearer(token))).status).toBe(200);
      await redis.set(revokedSessionKey(environment.natsNamespace, claims.sid), '1', 'EX', 60);
      await new Promise((resolve) => setTimeout(resolve, SESSION_CHECK_TTL_SECONDS * 1000));
      await expectUnauthorized(await getMe(bearer(token)));
    });

    it('refuses the token on the next request when the sign-out went through this gateway', async () => {
      const claims = accessClaims('admin');
      const token = await signAccessToken(key, claims);
      expect((await getMe(bearer(token))).status).toBe(200);
      // The auth service writes the mark before it answers the sign-out; until the answer passes
      // the gateway, the gateway's reading of a moment ago stands.
      await redis.set(revokedSessionKey(environment.natsNamespace, claims.sid), '1', 'EX', 60);
      expect((await getMe(bearer(token))).status).toBe(200);
      const response = await fetch(`${api}/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: 'krt_stand-in' }),
      });
      expect(response.status).toBe(204);
      await expectUnauthorized(await getMe(bearer(token)));
    });

    it('refuses tokens issued before the user’s sessions were ended, and accepts later ones', async () => {
      const claims = accessClaims('viewer');
      const before = await signAccessToken(key, claims, { issuedAt: now() - 60 });
      const after = await signAccessToken(key, claims, { issuedAt: now() });
      await redis.set(userTokensValidAfterKey(environment.natsNamespace, claims.sub), String(now() - 30), 'EX', 60);
      await expectUnauthorized(await getMe(bearer(before)));
      expect((await getMe(bearer(after))).status).toBe(200);
    });
  });

  describe('with an API key', () => {
    it('acts as the key: its workspace and scopes, no user or role', async () => {
      const apiKey = `kinship_${randomUUID()}`;
      apiKeys.set(apiKey, ['users:read', 'contacts:read']);
      const response = await fetch(`${api}/users`, { headers: { 'x-api-key': apiKey } });
      expect(response.status).toBe(200);
      const { context } = (await response.json()) as { context: Record<string, unknown> };
      expect(context).toMatchObject({ workspaceId: '6f1c1b5e-2d7a-4c1e-9a0b-3f2e1d0c9b8a', userId: null, role: null, scopes: ['users:read', 'contacts:read'] });
    });

    it('refuses an unknown key with 401', async () => {
      await expectUnauthorized(await fetch(`${api}/users`, { headers: { 'x-api-key': `kinship_${randomUUID()}` } }));
      await expectUnauthorized(await fetch(`${api}/users`, { headers: { 'x-api-key': 'short' } }));
    });

    it('asks the auth service once per key within 30 s, and remembers a refusal for 5 s at most', async () => {
      const apiKey = `kinship_${randomUUID()}`;
      apiKeys.set(apiKey, ['users:read']);
      const verifications = standIn.received.get('auth.api-keys.verify')!;
      const asked = () => verifications.filter((request) => (request.data as { key: string }).key === apiKey).length;
      for (let attempt = 0; attempt < 3; attempt++) expect((await fetch(`${api}/users`, { headers: { 'x-api-key': apiKey } })).status).toBe(200);
      expect(asked()).toBe(1);
      const cacheKey = (key: string) => `kinship:gateway:api-key:${createHash('sha256').update(key).digest('hex')}`;
      const verifiedTtl = await redis.ttl(cacheKey(apiKey));
      expect(verifiedTtl).toBeGreaterThan(0);
      expect(verifiedTtl).toBeLessThanOrEqual(30);

      const unknown = `kinship_${randomUUID()}`;
      await fetch(`${api}/users`, { headers: { 'x-api-key': unknown } });
      const refusedTtl = await redis.ttl(cacheKey(unknown));
      expect(refusedTtl).toBeGreaterThan(0);
      expect(refusedTtl).toBeLessThanOrEqual(5);
    });

    it('answers 503, and caches nothing, when the auth service cannot verify the key', async () => {
      const apiKey = `unavailable-${randomUUID()}`;
      const response = await fetch(`${api}/users`, { headers: { 'x-api-key': apiKey } });
      expect(response.status).toBe(503);
      expect(await redis.exists(`kinship:gateway:api-key:${createHash('sha256').update(apiKey).digest('hex')}`)).toBe(0);
    });
  });

  it('refuses a route that declares no access to everyone, even an owner', async () => {
    const token = await signAccessToken(key, accessClaims('owner'));
    for (const headers of [{}, bearer(token)]) {
      const response = await fetch(`${api}/undeclared`, { headers });
      expect(response.status).toBe(403);
      expect(((await response.json()) as ErrorBody).error.code).toBe('forbidden');
    }
  });

  it('sends Retry-After from a 429’s retry_after detail, and 60 s when it has none', async () => {
    const login = (email: string) =>
      fetch(`${api}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'wrong password' }),
      });
    const throttled = await login('throttled@example.com');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('17');
    expect(((await throttled.json()) as ErrorBody).error.details).toEqual([{ issue: 'retry_after', retryAfterSeconds: 17 }]);
    expect((await login('plain@example.com')).headers.get('retry-after')).toBe('60');
  });
});
