import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { loadConfig } from '@kinship/config';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import pg from 'pg';
import { AuthConfig } from '../../auth/src/auth.config.js';
import { authService } from '../../auth/src/auth.service.js';
import { startGateway } from '../src/gateway.js';

// --- The environment of this suite: auth and a gateway booted as `make up` boots them, talked to over HTTP only. ---

const PASSWORD = 'amber-cobalt-violin-meadow-4';
/** Secrets earlier releases published: the gateway's development fallback and docker-compose.yml's value. */
const DEVELOPMENT_JWT_SECRET = 'kinship-development-jwt-secret-do-not-use-in-production';
const DOCKER_COMPOSE_JWT_SECRET = 'development-only-jwt-secret-published-in-docker-compose-yml';
/** The development key-encryption key docs/operations.md publishes for throwaway machines. */
const PUBLISHED_KEY_ENCRYPTION_KEY = Buffer.from('kinship-development-only-key-32b').toString('base64');

let environment: TestEnvironment;
let auth: RunningService;
let gateway: RunningService;
let superuser: pg.Client;

interface Registered {
  accessToken: string;
  email: string;
  userId: string;
  workspaceId: string;
}

async function register(label: string): Promise<Registered> {
  const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
  const response = await fetch(`${gateway.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: `${label} person`, workspaceName: `${label} workspace` }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { accessToken: string; user: { id: string }; workspace: { id: string } };
  return { accessToken: body.accessToken, email, userId: body.user.id, workspaceId: body.workspace.id };
}

async function login(email: string): Promise<string> {
  const response = await fetch(`${gateway.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

const listUsers = (token: string) => fetch(`${gateway.url}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });

/** The claims an owner's token of the workspace carries, as an attacker who knows its id would write them. */
function ownerClaims(victim: Registered): JWTPayload {
  return { sub: victim.userId, wid: victim.workspaceId, role: 'owner', sid: randomUUID(), typ: 'access' };
}

function signHs256(claims: JWTPayload, secret: Uint8Array): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('kinship')
    .setAudience('kinship-api')
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(secret);
}

/** Runs a built entry point of the auth service with the suite's configuration, as an operator would. */
function runAuth(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`services/auth/dist/${entry}`], {
      env: { PATH: process.env.PATH ?? '', ...environment.env, LOG_LEVEL: 'fatal', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

/** The public keys the auth service publishes right now (auth.signing-keys.jwks over NATS, as the gateway asks). */
async function publishedKids(): Promise<string[]> {
  const nats = await connect({ servers: environment.natsUrl });
  try {
    const context = { workspaceId: null, userId: null, role: null, scopes: [], requestId: randomUUID() };
    const reply = await nats.request(`${environment.natsNamespace}auth.signing-keys.jwks`, JSON.stringify({ id: randomUUID(), data: { context, data: {} } }), {
      timeout: 5000,
    });
    return reply.json<{ response: { keys: Array<{ kid: string }> } }>().response.keys.map((key) => key.kid);
  } finally {
    await nats.close();
  }
}

beforeAll(async () => {
  environment = await createTestEnvironment('security-tokens');
  auth = await startTestService(authService, environment);
  superuser = new pg.Client({ connectionString: environment.databaseUrl });
  await superuser.connect();
});

afterAll(async () => {
  await auth?.close();
  await superuser?.end();
  await environment?.dispose();
});

describe('finding 1: access tokens nobody can forge by default', () => {
  describe.each([
    { secret: 'the old published development secret', value: DEVELOPMENT_JWT_SECRET, gatewayEnv: {} },
    { secret: 'the docker-compose.yml secret', value: DOCKER_COMPOSE_JWT_SECRET, gatewayEnv: { JWT_SECRET: DOCKER_COMPOSE_JWT_SECRET } },
  ])('a token signed HS256 with $secret', ({ value, gatewayEnv }) => {
    beforeAll(async () => {
      gateway = await startGateway({ ...environment.env, ...gatewayEnv });
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('claiming to be the owner of a real workspace is refused with 401', async () => {
      const victim = await register('victim');
      const forged = await signHs256(ownerClaims(victim), new TextEncoder().encode(value));
      const response = await listUsers(forged);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      expect((await listUsers(victim.accessToken)).status).toBe(200);
    });
  });

  describe('with the gateway as `make up` starts it', () => {
    beforeAll(async () => {
      gateway = await startGateway(environment.env);
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('accepts the token of a real sign-in', async () => {
      const owner = await register('owner');
      const token = await login(owner.email);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
      const response = await listUsers(token);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: Array<{ id: string }> }).data.map((user) => user.id)).toEqual([owner.userId]);
    });

    it('refuses alg none, and HS256 with the public key as the secret, in every spelling of the key', async () => {
      const victim = await register('confused');
      const claims = ownerClaims(victim);
      const { keys } = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; x: string }> };
      const jwk = keys.find((key) => key.kid === decodeProtectedHeader(victim.accessToken).kid)!;
      const pem = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
      const spellings = { 'the JWK': JSON.stringify(jwk), 'the PEM': pem, 'the raw key': Buffer.from(jwk.x, 'base64url'), 'x as text': jwk.x };
      const tokens: Record<string, string> = {
        'alg none': new UnsecuredJWT(claims).setIssuer('kinship').setAudience('kinship-api').setIssuedAt().setExpirationTime('15m').encode(),
      };
      for (const [spelling, secret] of Object.entries(spellings)) {
        const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
        tokens[`HS256 with ${spelling}`] = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })
          .setIssuer('kinship')
          .setAudience('kinship-api')
          .setIssuedAt()
          .setExpirationTime('15m')
          .sign(bytes);
      }
      for (const [kind, token] of Object.entries(tokens)) {
        expect({ kind, status: (await listUsers(token)).status }).toEqual({ kind, status: 401 });
      }
    });

    it('serves the public keys at /.well-known/jwks.json, cacheable and public, and a token verifies against them', async () => {
      const owner = await register('partner');
      const response = await fetch(`${gateway.url}/.well-known/jwks.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      const { keys } = (await response.json()) as { keys: Array<Record<string, string>> };
      const kid = decodeProtectedHeader(owner.accessToken).kid;
      expect(keys).toContainEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid, alg: 'EdDSA', use: 'sig' });
      for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);

      const jwks = createRemoteJWKSet(new URL(`${gateway.url}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(owner.accessToken, jwks, { issuer: 'kinship', audience: 'kinship-api', algorithms: ['EdDSA'] });
      expect(payload).toMatchObject({ sub: owner.userId, wid: owner.workspaceId, role: 'owner' });

      const openApi = (await (await fetch(`${gateway.url}/docs-json`)).json()) as { paths: Record<string, { get: { security?: unknown[] } }> };
      expect(openApi.paths['/.well-known/jwks.json']?.get.security).toEqual([]);
    });

    it('keeps a token signed before a rotation valid until it expires, while new tokens carry the new kid', async () => {
      const owner = await register('rotation');
      const before = await login(owner.email);
      const oldKid = decodeProtectedHeader(before).kid!;

      const rotation = await runAuth('rotate-signing-key.js', {});
      expect(rotation.code).toBe(0);
      const newKid = /signed with key (\S+)/.exec(rotation.output)?.[1];
      expect(newKid).toBeDefined();
      expect(newKid).not.toBe(oldKid);

      const after = await login(owner.email);
      expect(decodeProtectedHeader(after).kid).toBe(newKid);
      expect((await listUsers(after)).status).toBe(200);
      expect((await listUsers(before)).status).toBe(200);
      expect(await publishedKids()).toEqual([newKid, oldKid]);

      // Once every token the old key signed has expired (15 min, and a 5 min margin), it is no longer published, and the next rotation deletes it.
      await superuser.query(`UPDATE auth.signing_keys SET retired_at = now() - interval '21 minutes' WHERE kid = $1`, [oldKid]);
      expect(await publishedKids()).toEqual([newKid]);
      expect((await runAuth('rotate-signing-key.js', {})).code).toBe(0);
      expect((await superuser.query('SELECT 1 FROM auth.signing_keys WHERE kid = $1', [oldKid])).rowCount).toBe(0);
    });

    it('signs with a new key once the current one is older than SIGNING_KEY_ROTATION_DAYS (90)', async () => {
      const owner = await register('aged');
      const first = await login(owner.email);
      const oldKid = decodeProtectedHeader(first).kid!;
      await superuser.query(`UPDATE auth.signing_keys SET created_at = now() - interval '91 days' WHERE kid = $1`, [oldKid]);
      // A token of a made-up kid first: the gateway asks auth for its keys then, and may ask again only
      // a second later; the token of the key made just after must wait for that ask, not be refused.
      const [, claims, signature] = first.split('.');
      const madeUp = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: 'made-up' })).toString('base64url')}.${claims}.${signature}`;
      expect((await listUsers(madeUp)).status).toBe(401);
      const renewed = await login(owner.email);
      const newKid = decodeProtectedHeader(renewed).kid;
      expect(newKid).not.toBe(oldKid);
      const published = await publishedKids();
      expect(published[0]).toBe(newKid);
      expect(published).toContain(oldKid);
      expect((await listUsers(renewed)).status).toBe(200);
    });
  });

  it('stores no private key in plaintext', async () => {
    const { rows } = await superuser.query<{ sealed: Buffer }>('SELECT private_key_encrypted AS sealed FROM auth.signing_keys');
    expect(rows.length).toBeGreaterThan(0);
    for (const { sealed } of rows) {
      const text = sealed.toString('utf8');
      expect(text).not.toContain('PRIVATE KEY');
      expect(() => JSON.parse(text)).toThrow();
      expect(() => createPrivateKey({ key: sealed, format: 'der', type: 'pkcs8' })).toThrow();
      expect(() => createPrivateKey({ key: text, format: 'pem' })).toThrow();
    }
  });

  it('refuses to start auth without the key-encryption key, or with the published development one unless KINSHIP_DEV_INSECURE=true', () => {
    const env = { ...environment.env };
    delete env.AUTH_KEY_ENCRYPTION_KEY;
    expect(() => loadConfig('auth', AuthConfig, env)).toThrow('AUTH_KEY_ENCRYPTION_KEY (or KEY_ENCRYPTION_KEY): must be set');
    expect(() => loadConfig('auth', AuthConfig, { ...env, AUTH_KEY_ENCRYPTION_KEY: PUBLISHED_KEY_ENCRYPTION_KEY })).toThrow(
      'AUTH_KEY_ENCRYPTION_KEY: is a published development value',
    );
    expect(() => loadConfig('auth', AuthConfig, { ...env, AUTH_KEY_ENCRYPTION_KEY: PUBLISHED_KEY_ENCRYPTION_KEY, KINSHIP_DEV_INSECURE: 'true' })).not.toThrow();
  });

  it('refuses to start auth with a key-encryption key that is not the one its keys were stored with', async () => {
    const { code, output } = await runAuth('main.js', { AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(code).not.toBe(0);
    expect(output).toContain('AUTH_KEY_ENCRYPTION_KEY does not open the access-token signing key');
  });
});
