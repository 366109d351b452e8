import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AuthRpc, Role } from '@kinship/contracts';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { decodeJwt, UnsecuredJWT } from 'jose';
import { authService } from '../../auth/src/auth.service.js';
import { startGateway } from '../src/gateway.js';
import { authSigningKey, invitationToken, signAccessToken, testSigningKey } from './support.js';

const PASSWORD = 'amber-cobalt-violin-meadow-4';
const LOGIN_MAX_FAILURES = 3;

interface ErrorBody {
  error: { status: number; code: string; message: string; details: Array<{ field?: string; issue: string }> };
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

describe('auth and users through the gateway (end to end)', () => {
  let environment: TestEnvironment;
  let auth: RunningService;
  let gateway: RunningService;
  let nats: NatsConnection;
  let streams: JetStreamManager;
  let api: string;

  function request(method: string, path: string, options: { token?: string; apiKey?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': 'gateway-e2e/1' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${api}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  }

  async function expectStatus<T>(response: Promise<Response>, status: number): Promise<T> {
    const answered = await response;
    const text = await answered.text();
    expect({ status: answered.status, body: text }).toEqual({ status, body: expect.any(String) });
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function register(label: string): Promise<AuthRpc.RegisterReply & { email: string }> {
    const email = uniqueEmail(label);
    const reply = await expectStatus<AuthRpc.RegisterReply>(
      request('POST', '/auth/register', { body: { email, password: PASSWORD, name: `${label} person`, workspaceName: `${label} workspace` } }),
      201,
    );
    return { ...reply, email };
  }

  /** Invites someone with the role into the owner's workspace and accepts for them: their session. */
  async function addMember(ownerToken: string, role: Role): Promise<AuthRpc.Session> {
    const invitation = await expectStatus<AuthRpc.Invitation>(
      request('POST', '/invitations', { token: ownerToken, body: { email: uniqueEmail(role), role } }),
      201,
    );
    const token = await invitationToken(environment, streams, invitation.id);
    return expectStatus<AuthRpc.Session>(request('POST', '/invitations/accept', { body: { token, name: `A ${role}`, password: PASSWORD } }), 201);
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-auth-e2e');
    auth = await startTestService(authService, environment, { LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) });
    gateway = await startGateway(environment.env);
    api = `${gateway.url}/api/v1`;
    nats = await connect({ servers: environment.natsUrl });
    streams = await jetstreamManager(nats);
  });

  afterAll(async () => {
    await gateway?.close();
    await auth?.close();
    await nats?.close();
    await environment?.dispose();
  });

  it('registers a workspace and its owner, whose token reads their profile', async () => {
    const registered = await register('founder');
    expect(registered).toMatchObject({ user: { email: registered.email, role: 'owner' }, workspace: { name: 'founder workspace' } });
    const me = await expectStatus<AuthRpc.User & { permissions: string[] }>(request('GET', '/me', { token: registered.accessToken }), 200);
    expect(me).toMatchObject({ id: registered.user!.id, email: registered.email, role: 'owner' });
    expect(me.permissions).toEqual(expect.arrayContaining(['users:manage', 'contacts:write', 'billing:write']));
  });

  it('tells a member on GET /me what the permission matrix lets their role do, for the console to show', async () => {
    const owner = await register('matrix');
    const member = await addMember(owner.accessToken, 'member');
    const me = await expectStatus<{ permissions: string[] }>(request('GET', '/me', { token: member.accessToken }), 200);
    expect(me.permissions).toEqual(expect.arrayContaining(['contacts:read', 'contacts:write', 'deals:write']));
    expect(me.permissions).not.toContain('users:manage');
    expect(me.permissions).not.toContain('pipelines:write');
  });

  it('signs in, refreshes with rotation, and after logout neither the refresh nor the access token works', async () => {
    const { email } = await register('session');
    const session = await expectStatus<AuthRpc.Session>(request('POST', '/auth/login', { body: { email, password: PASSWORD } }), 200);
    expect(session).toMatchObject({ expiresIn: expect.any(Number), user: { email } });

    const refreshed = await expectStatus<AuthRpc.Session>(request('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } }), 200);
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    await expectStatus(request('GET', '/me', { token: refreshed.accessToken }), 200);

    await expectStatus(request('POST', '/auth/logout', { body: { refreshToken: refreshed.refreshToken } }), 204);
    await expectStatus(request('POST', '/auth/refresh', { body: { refreshToken: refreshed.refreshToken } }), 401);
    // The session's access token dies with it, long before it expires.
    const revoked = await request('GET', '/me', { token: refreshed.accessToken });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer realm="kinship"');
  });

  it('refuses forged, expired, alg-none and foreign-key tokens with 401', async () => {
    const { accessToken } = await register('tokens');
    const claims = decodeJwt(accessToken);
    const [header, payload, signature] = accessToken.split('.');
    const asOwnerOfAnother = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), wid: crypto.randomUUID() })).toString(
      'base64url',
    );
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      forged: `${header}.${asOwnerOfAnother}.${signature}`,
      expired: await signAccessToken(await authSigningKey(environment), claims, { issuedAt: now - 3600, expiresAt: now - 60 }),
      'alg none': new UnsecuredJWT(claims).encode(),
      'another key': await signAccessToken(await testSigningKey(), claims),
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const response = await request('GET', '/me', { token });
      expect({ kind, status: response.status }).toEqual({ kind, status: 401 });
    }
  });

  it('lets an admin change a member’s role, and refuses a viewer with 403 naming the permission', async () => {
    const owner = await register('team');
    const admin = await addMember(owner.accessToken, 'admin');
    const viewer = await addMember(owner.accessToken, 'viewer');
    const member = await addMember(owner.accessToken, 'member');
    const memberPath = `/users/${member.user!.id}`;

    const refused = await expectStatus<ErrorBody>(request('PATCH', memberPath, { token: viewer.accessToken, body: { role: 'manager' } }), 403);
    expect(refused.error.details).toEqual([{ issue: 'missing_permission', permission: 'users:manage' }]);
    const promoted = await expectStatus<AuthRpc.User>(request('PATCH', memberPath, { token: admin.accessToken, body: { role: 'manager' } }), 200);
    expect(promoted.role).toBe('manager');
  });

  it('refuses a deactivated member’s access token with 401 at once', async () => {
    const owner = await register('leaver');
    const member = await addMember(owner.accessToken, 'member');
    await expectStatus(request('GET', '/me', { token: member.accessToken }), 200);
    await expectStatus(request('DELETE', `/users/${member.user!.id}`, { token: owner.accessToken }), 204);
    await expectStatus(request('GET', '/me', { token: member.accessToken }), 401);
  });

  it('lets an API key act only within its scopes', async () => {
    const owner = await register('partner');
    const create = (scopes: string[]) =>
      expectStatus<AuthRpc.CreatedApiKey>(request('POST', '/api-keys', { token: owner.accessToken, body: { name: `key ${scopes.join(' ')}`, scopes } }), 201);
    const contactsOnly = await create(['contacts:read']);
    expect(contactsOnly.key).toEqual(expect.any(String));
    expect(contactsOnly.apiKey).toMatchObject({ scopes: ['contacts:read'] });

    const refused = await expectStatus<ErrorBody>(request('GET', '/users', { apiKey: contactsOnly.key }), 403);
    expect(refused.error.details).toEqual([{ issue: 'missing_permission', permission: 'users:read' }]);
    const readsUsers = await create(['users:read']);
    const page = await expectStatus<AuthRpc.UserPage>(request('GET', '/users', { apiKey: readsUsers.key }), 200);
    expect(page.data.map((user) => user.email)).toEqual([owner.email]);
    await expectStatus(request('GET', '/me', { apiKey: readsUsers.key }), 403);
  });

  it('answers bad input with 422 naming the field, before the auth service sees it', async () => {
    const fieldsOf = async (body: unknown) => {
      const { error } = await expectStatus<ErrorBody>(request('POST', '/auth/register', { body }), 422);
      expect(error.code).toBe('validation_failed');
      return [...new Set(error.details.map((detail) => detail.field))];
    };
    const valid = { email: uniqueEmail('input'), password: PASSWORD, name: 'Ada', workspaceName: 'Engines' };
    expect(await fieldsOf({ ...valid, email: 'not-an-email' })).toEqual(['email']);
    expect(await fieldsOf({ ...valid, role: 'owner' })).toEqual(['role']);
    expect(await fieldsOf({ ...valid, name: 'x'.repeat(201) })).toEqual(['name']);
    expect(await fieldsOf({ ...valid, workspaceName: 42 })).toEqual(['workspaceName']);
    await expectStatus(request('POST', '/auth/login', { body: { email: valid.email, password: PASSWORD } }), 401);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const owner = await register('params');
    const { error } = await expectStatus<ErrorBody>(request('GET', '/users/42', { token: owner.accessToken }), 400);
    expect(error).toMatchObject({ code: 'invalid_parameter', details: [{ field: 'id' }] });
  });

  it('throttles repeated failed sign-ins with 429 and Retry-After', async () => {
    const { email } = await register('guessed');
    for (let attempt = 0; attempt < LOGIN_MAX_FAILURES; attempt++) {
      await expectStatus(request('POST', '/auth/login', { body: { email, password: 'not the password at all' } }), 401);
    }
    const throttled = await request('POST', '/auth/login', { body: { email, password: PASSWORD } });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('records who did what from where in the audit log', async () => {
    const owner = await register('audited');
    const page = await expectStatus<AuthRpc.AuditLogPage>(request('GET', `/audit-logs?userId=${owner.user!.id}`, { token: owner.accessToken }), 200);
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data[0]).toMatchObject({ actorId: owner.user!.id, ip: '127.0.0.1', userAgent: 'gateway-e2e/1' });
  });
});
