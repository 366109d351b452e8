import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Role } from '@kinship/contracts';
import { postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { authService } from '../../auth/src/auth.service.js';
import { authSigningKey, invitationToken, signAccessToken } from '../../gateway/test/support.js';
import { startGateway } from '../../gateway/src/gateway.js';
import { crmService } from '../src/crm.service.js';

export const PASSWORD = 'amber-cobalt-violin-meadow-4';

export interface ApiResponse<Body = any> {
  status: number;
  body: Body;
  headers: Headers;
}

/** A signed-in caller of the public API. */
export interface Caller {
  workspaceId: string;
  userId: string;
  role: Role;
  token: string;
  get<Body = any>(path: string): Promise<ApiResponse<Body>>;
  post<Body = any>(path: string, body?: unknown): Promise<ApiResponse<Body>>;
  patch<Body = any>(path: string, body?: unknown): Promise<ApiResponse<Body>>;
  put<Body = any>(path: string, body?: unknown): Promise<ApiResponse<Body>>;
  delete<Body = any>(path: string): Promise<ApiResponse<Body>>;
}

/** auth, crm and the gateway of one suite, in its own database and NATS namespace. */
export interface CrmStack {
  environment: TestEnvironment;
  auth: RunningService;
  crm: RunningService;
  gateway: RunningService;
  /** http://127.0.0.1:<port>/api/v1 */
  api: string;
  /** Connects as the superuser that ran the migrations (row-level security does not bind it), to look behind the API. */
  owner: DataSource;
  /** Registers a new workspace; its owner is the caller. */
  signUp(label?: string): Promise<Caller>;
  /** A caller of another role in the same workspace (a token signed with the auth service's own key). */
  as(workspace: Caller, role: Role, userId?: string): Promise<Caller>;
  /** A real user of the owner's workspace, invited with the role and signed in: one who may own or be assigned records. */
  member(owner: Caller, role: Role): Promise<Caller>;
  /** An API-key caller with the given scopes, created by the workspace's owner. */
  apiKey(owner: Caller, scopes: string[]): Promise<Caller>;
  close(): Promise<void>;
}

async function call(api: string, method: string, path: string, credentials: { token?: string; apiKey?: string }, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  if (credentials.apiKey) headers['x-api-key'] = credentials.apiKey;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

function caller(api: string, identity: { workspaceId: string; userId: string; role: Role }, credentials: { token?: string; apiKey?: string }): Caller {
  return {
    ...identity,
    token: credentials.token ?? '',
    get: (path) => call(api, 'GET', path, credentials),
    post: (path, body) => call(api, 'POST', path, credentials, body ?? {}),
    patch: (path, body) => call(api, 'PATCH', path, credentials, body ?? {}),
    put: (path, body) => call(api, 'PUT', path, credentials, body ?? {}),
    delete: (path) => call(api, 'DELETE', path, credentials),
  };
}

export async function startCrmStack(suite: string, crmOverrides: Record<string, string> = {}): Promise<CrmStack> {
  const environment = await createTestEnvironment(suite);
  const auth = await startTestService(authService, environment);
  const signingKey = await authSigningKey(environment);
  const crm = await startTestService(crmService, environment, crmOverrides);
  const gateway = await startGateway(environment.env);
  const api = `${gateway.url}/api/v1`;
  const owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'crm', poolSize: 2 }));
  await owner.initialize();
  // Opened by the first member(): it reads invitation tokens from the suite's event stream.
  let nats: NatsConnection | undefined;
  let streams: JetStreamManager | undefined;
  return {
    environment,
    auth,
    crm,
    gateway,
    api,
    owner,
    async signUp(label = 'owner') {
      const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
      const response = await call(api, 'POST', '/auth/register', {}, { email, password: PASSWORD, name: 'Test Owner', workspaceName: `${label} workspace` });
      expect(response.status).toBe(201);
      const { user, workspace, accessToken } = response.body as { user: { id: string }; workspace: { id: string }; accessToken: string };
      return caller(api, { workspaceId: workspace.id, userId: user.id, role: 'owner' }, { token: accessToken });
    },
    async as(workspace, role, userId = randomUUID()) {
      const token = await signAccessToken(signingKey, { sub: userId, wid: workspace.workspaceId, role, sid: randomUUID(), typ: 'access' });
      return caller(api, { workspaceId: workspace.workspaceId, userId, role }, { token });
    },
    async member(ownerCaller, role) {
      const invitation = await ownerCaller.post('/invitations', { email: `${role}-${randomBytes(4).toString('hex')}@example.com`, role });
      expect(invitation.status).toBe(201);
      nats ??= await connect({ servers: environment.natsUrl });
      streams ??= await jetstreamManager(nats);
      // The newest token of an invitation is the valid one: when the stack runs notifications, its
      // invitation email may ask auth for one after this test did. Then the test asks again.
      let accepted: ApiResponse | undefined;
      for (let attempt = 0; attempt < 3 && accepted?.status !== 201; attempt++) {
        const token = await invitationToken(environment, streams, (invitation.body as { id: string }).id);
        accepted = await call(api, 'POST', '/invitations/accept', {}, { token, name: `A ${role}`, password: PASSWORD });
      }
      expect(accepted!.status).toBe(201);
      const { user, accessToken } = accepted!.body as { user: { id: string }; accessToken: string };
      return caller(api, { workspaceId: ownerCaller.workspaceId, userId: user.id, role }, { token: accessToken });
    },
    async apiKey(ownerCaller, scopes) {
      const response = await ownerCaller.post('/api-keys', { name: `key ${randomBytes(3).toString('hex')}`, scopes });
      expect(response.status).toBe(201);
      return caller(api, { workspaceId: ownerCaller.workspaceId, userId: '', role: 'viewer' }, { apiKey: (response.body as { key: string }).key });
    },
    async close() {
      await gateway.close();
      await crm.close();
      await auth.close();
      await nats?.close();
      await owner.destroy();
      await environment.dispose();
    },
  };
}

/** Waits until `check` returns a value (events arrive asynchronously). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

/** The events crm has written to its outbox, of one type and (when given) one aggregate, oldest first. */
export async function outboxEvents(
  stack: CrmStack,
  type: string,
  aggregateId?: string,
): Promise<Array<{ id: string; aggregateId: string; actorId: string | null; data: any }>> {
  return stack.owner.query(
    `SELECT id, payload->>'aggregateId' AS "aggregateId", payload->>'actorId' AS "actorId", payload->'data' AS data
     FROM crm.outbox WHERE type = $1 AND ($2::text IS NULL OR payload->>'aggregateId' = $2) ORDER BY position`,
    [type, aggregateId ?? null],
  );
}

/** Expects the shared error envelope with this status and, when given, a detail naming `field`. */
export function expectError(response: ApiResponse, status: number, field?: string): void {
  expect({ status: response.status, code: typeof response.body?.error?.code }).toEqual({ status, code: 'string' });
  if (field) expect(response.body.error.details.map((detail: { field?: string }) => detail.field)).toContain(field);
}
