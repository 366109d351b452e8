import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AuthRpc, CrmEvents, NotificationsRpc } from '@kinship/contracts';
import { NamespacedClientNats, ServiceClient, subjectFor, type DomainEvent } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startMailbox, startTestService, type Mailbox, type ReceivedMail, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import type { NotificationsConfig } from '../src/notifications.config.js';
import { notificationsService } from '../src/notifications.service.js';

export const PASSWORD = 'plum-ferry-quartz-lantern-7';
export const PUBLIC_URL = 'https://app.kinship.test';
export const SEND_ATTEMPTS = 3;

/** auth (the source of users and security events) and notifications, sending to a mailbox of the suite's own. */
export interface NotificationsTestBed {
  environment: TestEnvironment;
  mailbox: Mailbox;
  auth: RunningService;
  notifications: RunningService<NotificationsConfig>;
  client: ServiceClient;
  nats: NatsConnection;
  close(): Promise<void>;
}

/** Notifications starts before anything happens: its consumers take only events published after they first exist. */
export async function startNotifications(suite: string, overrides: Record<string, string> = {}): Promise<NotificationsTestBed> {
  const environment = await createTestEnvironment(suite);
  const mailbox = await startMailbox();
  const notifications = await startTestService(notificationsService, environment, {
    SMTP_URL: mailbox.smtpUrl,
    PUBLIC_URL,
    SEND_ATTEMPTS: String(SEND_ATTEMPTS),
    SEND_BACKOFF_MS: '100',
    ...overrides,
  });
  const auth = await startTestService(authService, environment);
  const client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 5000);
  const nats = await connect({ servers: environment.natsUrl });
  return {
    environment,
    mailbox,
    auth,
    notifications,
    client,
    nats,
    async close() {
      await client.close();
      await nats.close();
      await auth.close();
      await notifications.close();
      await mailbox.close();
      await environment.dispose();
    },
  };
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

export function publicContext(): RequestContext {
  return { workspaceId: null, userId: null, role: null, scopes: [], requestId: `test-${randomBytes(4).toString('hex')}` };
}

export function userContext(user: { id: string; workspaceId: string; role: string }): RequestContext {
  return { ...publicContext(), workspaceId: user.workspaceId, userId: user.id, role: user.role };
}

export function call<T>(bed: NotificationsTestBed, pattern: string, data: unknown, context: RequestContext = publicContext()): Promise<T> {
  return bed.client.send<T>(pattern, data, context);
}

/** A new workspace and its owner, signed up through auth. */
export async function registerOwner(
  bed: NotificationsTestBed,
  label: string,
): Promise<AuthRpc.RegisterReply & { user: AuthRpc.User; context: RequestContext }> {
  const reply = await call<AuthRpc.RegisterReply>(bed, 'auth.registration.register', {
    email: uniqueEmail(label),
    password: PASSWORD,
    name: `${label} person`,
    workspaceName: `${label} workspace`,
  });
  return { ...reply, user: reply.user!, context: userContext(reply.user!) };
}

/** Invites an address as a member, accepts the invitation from the emailed link, and returns the new member. */
export async function addMember(bed: NotificationsTestBed, owner: RequestContext, label: string): Promise<{ user: AuthRpc.User; context: RequestContext }> {
  const email = uniqueEmail(label);
  await call(bed, 'auth.invitations.create', { email, role: 'member' }, owner);
  const [invitation] = await bed.mailbox.waitForMessages(1, { to: email });
  const session = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', {
    token: tokenFrom(invitation!.text, '/invitations/accept'),
    name: `${label} person`,
    password: PASSWORD,
  });
  return { user: session.user!, context: userContext(session.user!) };
}

/** The token of the link to PUBLIC_URL + path in an email's text part. */
export function tokenFrom(text: string, path: string): string {
  const escaped = `${PUBLIC_URL}${path}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`${escaped}\\?token=([^\\s\\]]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return decodeURIComponent(match[1]!);
}

/** Publishes a crm event as crm's outbox relay would (crm itself is not needed to test what follows from it). */
export async function publishCrmEvent<T>(
  bed: NotificationsTestBed,
  event: { type: string; workspaceId: string; actorId: string | null; aggregateId: string; data: T },
): Promise<DomainEvent<T>> {
  const envelope: DomainEvent<T> = { id: newId(), version: 1, occurredAt: new Date().toISOString(), ...event };
  await jetstream(bed.nats).publish(subjectFor(bed.environment.natsNamespace, 'crm', event.type), JSON.stringify(envelope), { msgID: envelope.id });
  return envelope;
}

export function taskAssigned(workspaceId: string, assigneeId: string, task: Partial<CrmEvents.Task> = {}) {
  const id = newId();
  return {
    type: 'task.assigned',
    workspaceId,
    actorId: newId(),
    aggregateId: id,
    data: {
      task: {
        id,
        title: 'Call Charles',
        priority: 'high',
        status: 'open',
        assigneeId,
        dueAt: '2026-11-24T09:00:00.000Z',
        createdAt: new Date().toISOString(),
        ...task,
      },
    } satisfies CrmEvents.TaskAssigned,
  };
}

export async function notificationsOf(bed: NotificationsTestBed, context: RequestContext, query: object = {}): Promise<NotificationsRpc.NotificationPage> {
  return call<NotificationsRpc.NotificationPage>(bed, 'notifications.notifications.list', query, context);
}

/** Polls until `read` returns something that passes `done`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await sleep(100);
  }
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

/** The first mail to this address with this subject, once it has arrived. */
export async function waitForMail(bed: NotificationsTestBed, to: string, subject: string): Promise<ReceivedMail> {
  const found = await eventually(
    async () => bed.mailbox.messages().filter((mail) => mail.to.includes(to) && mail.subject === subject),
    (mails) => mails.length > 0,
  );
  return found[0]!;
}
