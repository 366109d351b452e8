import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import { eventStreamName, NamespacedClientNats, ServiceClient, type DomainEvent } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AuthConfig } from '../src/auth.config.js';
import { authService } from '../src/auth.service.js';

/** Strong enough for the policy, and typed by no one else. */
export const PASSWORD = 'plum-ferry-quartz-lantern-7';
export const OTHER_PASSWORD = 'violet-anchor-meadow-harbor-3';

/** The auth service of one suite, in its own database and NATS namespace, and what a test needs around it. */
export interface AuthTestBed {
  environment: TestEnvironment;
  service: RunningService<AuthConfig>;
  client: ServiceClient;
  /** Connects as the role that ran the migrations (the owner), for what the service itself may not do. */
  owner: DataSource;
  redis: Redis;
  nats: NatsConnection;
  jsm: JetStreamManager;
  close(): Promise<void>;
}

export async function startAuth(suite: string, overrides: Record<string, string> = {}): Promise<AuthTestBed> {
  const environment = await createTestEnvironment(suite);
  const service = await startTestService(authService, environment, overrides);
  const client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 5000);
  const owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'auth', poolSize: 2 }));
  await owner.initialize();
  const redis = new Redis(environment.redisUrl);
  const nats = await connect({ servers: environment.natsUrl });
  const jsm = await jetstreamManager(nats);
  return {
    environment,
    service,
    client,
    owner,
    redis,
    nats,
    jsm,
    async close() {
      await client.close();
      await service.close();
      await owner.destroy();
      redis.disconnect();
      await nats.close();
      await environment.dispose();
    },
  };
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

/** A client address of its own per test, so that sign-in throttling of one test never touches another. */
export function uniqueIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** What the gateway sends for a public route. */
export function publicContext(ip = uniqueIp()): RequestContext {
  return { workspaceId: null, userId: null, role: null, scopes: [], requestId: `test-${randomBytes(4).toString('hex')}`, ip, userAgent: 'auth-tests/1.0' };
}

/** What another service sends on its own account (notifications, crm): the workspace, no user. */
export function systemContext(workspaceId: string): RequestContext {
  return { ...publicContext(), workspaceId };
}

/** What the gateway sends for a request signed in as this user. */
export function userContext(user: AuthRpc.User | null): RequestContext {
  if (!user) throw new Error('no user in the reply');
  return { ...publicContext(), workspaceId: user.workspaceId, userId: user.id, role: user.role };
}

export function call<T>(bed: AuthTestBed, pattern: string, data: unknown, context: RequestContext = publicContext()): Promise<T> {
  return bed.client.send<T>(pattern, data, context);
}

export function register(bed: AuthTestBed, label: string, overrides: Partial<AuthRpc.RegisterRequest> = {}): Promise<AuthRpc.RegisterReply> {
  return call<AuthRpc.RegisterReply>(bed, 'auth.registration.register', {
    email: uniqueEmail(label),
    password: PASSWORD,
    name: `${label} person`,
    workspaceName: `${label} workspace`,
    ...overrides,
  });
}

export function login(bed: AuthTestBed, email: string, password = PASSWORD, context = publicContext()): Promise<AuthRpc.Session> {
  return call<AuthRpc.Session>(bed, 'auth.sessions.login', { email, password }, context);
}

/** Asserts the RpcError a request fails with; `field` must be among its details. */
export async function expectError(request: Promise<unknown>, expected: { status: number; code?: string; field?: string }): Promise<void> {
  const error = await request.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toMatchObject({ status: expected.status, ...(expected.code ? { code: expected.code } : {}) });
  if (expected.field) expect((error as { details: Array<{ field?: string }> }).details.map((detail) => detail.field)).toContain(expected.field);
}

/** Every event of the suite's stream, in order. */
export async function streamEvents(bed: AuthTestBed): Promise<DomainEvent[]> {
  const stream = eventStreamName(bed.environment.natsNamespace);
  const { state } = await bed.jsm.streams.info(stream);
  const events: DomainEvent[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
    const message = await bed.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (message) events.push(message.json<DomainEvent>());
  }
  return events;
}

/** Waits for the relay to publish an event of this type that matches. */
export async function waitForEvent<T>(bed: AuthTestBed, type: string, matches: (data: T) => boolean = () => true): Promise<DomainEvent<T>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = (await streamEvents(bed)).find((event) => event.type === type && matches(event.data as T));
    if (found) return found as DomainEvent<T>;
    if (Date.now() > deadline) throw new Error(`no ${type} event published within 5 s`);
    await sleep(50);
  }
}

/** An event that asks for a one-time link to be emailed. */
export type LinkEvent = DomainEvent<AuthEvents.UserInvited | AuthEvents.UserPasswordResetRequested | AuthEvents.UserEmailVerificationRequested>;

/** The link's token, as notifications gets it to send the email (the event carries none). */
export async function linkToken(bed: AuthTestBed, event: LinkEvent): Promise<string> {
  const request: AuthRpc.IssueOneTimeTokenRequest =
    'invitationId' in event.data
      ? { kind: 'invitation', requestId: event.data.invitationId }
      : { kind: event.type === 'user.password_reset_requested' ? 'password_reset' : 'email_verification', requestId: event.data.requestId };
  const context: RequestContext = { workspaceId: event.workspaceId, userId: null, role: null, scopes: [], requestId: `test-${randomBytes(4).toString('hex')}` };
  return (await call<AuthRpc.OneTimeToken>(bed, 'auth.one-time-tokens.issue', request, context)).token;
}
