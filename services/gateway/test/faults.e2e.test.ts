import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WEBHOOK_EVENT_TYPES } from '@kinship/contracts/notifications';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventStreamName } from '@kinship/messaging';
import type { RunningService } from '@kinship/platform';
import {
  createTestEnvironment,
  startMailbox,
  startPrivateServers,
  startTestService,
  type Mailbox,
  type PrivateServerName,
  type PrivateServers,
  type TestEnvironment,
} from '@kinship/testing';
import pg from 'pg';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { WEBHOOKS_CONSUMER } from '../../notifications/src/webhooks/webhook-events.consumer.js';
import { eventually, PartnerServer } from '../../notifications/test/webhooks-support.js';
import { startGateway } from '../src/gateway.js';

// The whole stack on PostgreSQL, Redis and NATS of this suite alone, which it stops and starts.
const PASSWORD = 'copper-ladder-orchid-sunrise-9';
const RPC_TIMEOUT_MS = 3000;
/** A request still unanswered this long after it was sent counts as hung. */
const HANG_LIMIT_MS = RPC_TIMEOUT_MS + 3000;
const WRITE_EVERY_MS = 100;
/** Every this many writes one is an invitation, whose email goes through a Bull queue. */
const INVITATION_EVERY = 10;
const OUTAGE_MS = 4000;
const RECOVERY_LIMIT_MS = 20_000;
/**
 * A job Redis took while it went away is not lost but late: a webhook delivery leased and never
 * queued is due again when its lease ends (WEBHOOKS_TIMEOUT_MS + 60 s), a job that was active comes
 * back at Bull's stalled-job check (30 s).
 */
const LATE_DELIVERY_MS = 90_000;
const SERVICE_ENV = { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) };
/** Rows of the import queued just before Redis goes away. */
const IMPORT_ROWS = 200;

interface Write {
  kind: 'contact' | 'invitation';
  email: string;
  sentAt: number;
  answeredAt: number;
  /** 0: no answer within HANG_LIMIT_MS. */
  status: number;
  code?: string;
  retryAfter?: string | null;
  id?: string;
}

interface Readiness {
  service: string;
  at: number;
  /** 0: no answer within 3 s. */
  status: number;
  ready: boolean;
  code?: string;
}

interface Outage {
  server: PrivateServerName;
  stoppedAt: number;
  startedAt: number;
  /** Per service: ms from the server's start until its /health/ready answered 200 again. */
  readyAfterMs: Record<string, number>;
  /** ms from the server's start until a write sent after it succeeded. */
  writesAfterMs: number;
  /** Contacts the partner had received when the server stopped, and when it started again. */
  deliveredAtStop: number;
  deliveredAtStart: number;
}

describe('faults: NATS, PostgreSQL and Redis restart under steady writes through the gateway', () => {
  let servers: PrivateServers;
  let environment: TestEnvironment;
  let mailbox: Mailbox;
  let partner: PartnerServer;
  let services: Record<'auth' | 'crm' | 'notifications' | 'gateway', RunningService>;
  let api: string;
  let token: string;
  const writes: Write[] = [];
  const readiness: Readiness[] = [];
  const outages: Outage[] = [];
  /** How many contacts the partner had received, sampled with the readiness probes. */
  const deliveries: Array<{ at: number; delivered: number }> = [];
  let importId: string;
  let importTimes: { startedAt: number; finishedAt: number } | undefined;
  /** Webhook requests beyond one per contact (same event id each time). */
  let webhookRepeats: number | undefined;
  let writing = true;
  let writer: Promise<void>;
  let watcher: Promise<void>;

  async function send(kind: Write['kind']): Promise<void> {
    const email = `${kind}-${randomBytes(5).toString('hex')}@example.com`;
    const path = kind === 'contact' ? '/contacts' : '/invitations';
    const body = kind === 'contact' ? { firstName: 'Steady', lastName: 'Writer', email } : { email, role: 'member' };
    const write: Write = { kind, email, sentAt: Date.now(), answeredAt: 0, status: 0 };
    try {
      const response = await fetch(`${api}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(HANG_LIMIT_MS),
      });
      const text = await response.text();
      // A body that is not JSON has no envelope: its code stays unset and fails the envelope checks.
      const answer = (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as { id?: string; error?: { code: string } };
      Object.assign(write, { status: response.status, code: answer.error?.code, id: answer.id, retryAfter: response.headers.get('retry-after') });
    } catch {
      // No whole answer within HANG_LIMIT_MS: status 0.
    }
    write.answeredAt = Date.now();
    writes.push(write);
  }

  /** A write every WRITE_EVERY_MS, each without waiting for the previous one, as independent clients would. */
  async function writeSteadily(): Promise<void> {
    const inFlight: Array<Promise<void>> = [];
    for (let tick = 1; writing; tick += 1) {
      inFlight.push(send(tick % INVITATION_EVERY === 0 ? 'invitation' : 'contact'));
      await sleep(WRITE_EVERY_MS);
    }
    await Promise.all(inFlight);
  }

  async function watchReadiness(): Promise<void> {
    while (writing) {
      deliveries.push({ at: Date.now(), delivered: partner.at('/contacts').length });
      await Promise.all(
        Object.entries(services).map(async ([service, running]) => {
          const at = Date.now();
          const sample = await fetch(`${running.url}/health/ready`, { signal: AbortSignal.timeout(3000) }).then(
            async (response) => ({ status: response.status, code: ((await response.json()) as { error?: { code?: string } }).error?.code }),
            () => ({ status: 0, code: undefined }),
          );
          readiness.push({ service, at, ready: sample.status === 200, ...sample });
        }),
      );
      await sleep(200);
    }
  }

  async function streamMessages(): Promise<{ messages: number; firstSeq: number }> {
    const nats = await connect({ servers: environment.natsUrl });
    try {
      const { state } = await (await jetstreamManager(nats)).streams.info(eventStreamName(environment.natsNamespace));
      return { messages: state.messages, firstSeq: state.first_seq };
    } finally {
      await nats.close();
    }
  }

  /** Stops the server for OUTAGE_MS, starts it again and waits until every service is ready and writes succeed. */
  async function restart(server: PrivateServerName, beforeStop?: () => Promise<void>): Promise<Outage> {
    await sleep(1000);
    await beforeStop?.();
    const stoppedAt = Date.now();
    const deliveredAtStop = partner.at('/contacts').length;
    await servers.stop(server);
    await sleep(OUTAGE_MS);
    const deliveredAtStart = partner.at('/contacts').length;
    await servers.start(server);
    const startedAt = Date.now();
    const outage = await eventually(() => {
      const readyAfterMs: Record<string, number> = {};
      for (const service of Object.keys(services)) {
        const back = readiness.find((sample) => sample.service === service && sample.at >= startedAt && sample.ready);
        if (!back) throw new Error(`${service} is not ready yet`);
        readyAfterMs[service] = back.at - startedAt;
      }
      const written = writes.find((write) => write.sentAt >= startedAt && write.status === 201);
      if (!written) throw new Error('no write has succeeded since the restart');
      return { server, stoppedAt, startedAt, readyAfterMs, writesAfterMs: written.answeredAt - startedAt, deliveredAtStop, deliveredAtStart };
    }, RECOVERY_LIMIT_MS);
    outages.push(outage);
    return outage;
  }

  const during = (outage: Outage) => writes.filter((write) => write.answeredAt >= outage.stoppedAt && write.sentAt <= outage.startedAt + outage.writesAfterMs);
  const wentDown = (outage: Outage, service: string) =>
    readiness.some((sample) => sample.service === service && !sample.ready && sample.at >= outage.stoppedAt && sample.at <= outage.startedAt);

  /** What a client saw while the server was out: only successes and 503/504 envelopes, nothing hung; and probes saw 503s. */
  function expectOnlyRetryableFailures(outage: Outage): void {
    const probes = readiness.filter((sample) => !sample.ready && sample.at >= outage.stoppedAt && sample.at <= outage.startedAt);
    expect(probes.filter((sample) => sample.status !== 503)).toEqual([]);
    expect(probes.filter((sample) => sample.service === 'gateway').map((sample) => sample.code)).not.toContain('internal_error');
    const failed = during(outage).filter((write) => write.status !== 201);
    expect(failed.filter((write) => write.status !== 503 && write.status !== 504)).toEqual([]);
    for (const write of failed) {
      expect(write.code).toBe(write.status === 503 ? 'service_unavailable' : 'upstream_timeout');
      if (write.status === 503) expect(write.retryAfter).toMatch(/^\d+$/);
    }
  }

  beforeAll(async () => {
    servers = await startPrivateServers();
    environment = await createTestEnvironment('faults', servers.urls);
    mailbox = await startMailbox();
    partner = new PartnerServer();
    await partner.start();
    const auth = await startTestService(authService, environment, SERVICE_ENV);
    // An import job Redis held when it went away is taken over after its lock, as a killed worker's is.
    const crm = await startTestService(crmService, environment, {
      ...SERVICE_ENV,
      IMPORT_BATCH_SIZE: '100',
      IMPORT_JOB_LOCK_MS: '3000',
      IMPORT_STALLED_CHECK_MS: '2000',
    });
    const notifications = await startTestService(notificationsService, environment, {
      ...SERVICE_ENV,
      SMTP_URL: mailbox.smtpUrl,
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS_POLL_INTERVAL_MS: '100',
      WEBHOOKS_TIMEOUT_MS: '2000',
      WEBHOOKS_RETRY_SCHEDULE_MS: '500,1000,2000',
    });
    const gateway = await startGateway({ ...environment.env, ...SERVICE_ENV });
    services = { auth, crm, notifications, gateway };
    api = `${gateway.url}/api/v1`;

    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `owner-${randomBytes(4).toString('hex')}@example.com`, password: PASSWORD, name: 'Fay Faults', workspaceName: 'Faults' }),
    });
    expect(registered.status).toBe(201);
    token = ((await registered.json()) as { accessToken: string }).accessToken;
    const endpoint = await fetch(`${api}/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: partner.url('/contacts'), events: ['contact.created'] }),
    });
    expect(endpoint.status).toBe(201);

    writer = writeSteadily();
    watcher = watchReadiness();
  }, 120_000);

  afterAll(async () => {
    writing = false;
    await Promise.all([writer, watcher]);
    if (process.env.FAULTS_FIGURES)
      writeFileSync(
        process.env.FAULTS_FIGURES,
        JSON.stringify({ outages: figures(), writes: writes.length, delivered: partner.at('/contacts').length, webhookRepeats, importTimes }, null, 2),
      );
    for (const running of Object.values(services ?? {}).reverse()) await running.close();
    await partner?.close();
    await mailbox?.close();
    await environment?.dispose();
    await servers?.close();
  });

  /** What the run measured, for the operations notes (FAULTS_FIGURES=<file> writes it). */
  function figures() {
    return outages.map((outage) => {
      const seen = during(outage);
      const statuses: Record<string, number> = {};
      for (const write of seen) statuses[write.status] = (statuses[write.status] ?? 0) + 1;
      const slowest = Math.max(0, ...seen.map((write) => write.answeredAt - write.sentAt));
      const resumed = deliveries.find((sample) => sample.at >= outage.startedAt && sample.delivered > outage.deliveredAtStart);
      return {
        ...outage,
        downMs: outage.startedAt - outage.stoppedAt,
        statuses,
        slowestMs: slowest,
        deliveriesResumedAfterMs: resumed ? resumed.at - outage.startedAt : null,
      };
    });
  }

  it('NATS: services reconnect by themselves, clients get 503/504 meanwhile, and the JetStream file store keeps the stream', async () => {
    const before = await streamMessages();
    const outage = await restart('nats');
    const after = await streamMessages();
    expect(after.firstSeq).toBe(before.firstSeq);
    expect(after.messages).toBeGreaterThanOrEqual(before.messages);
    for (const service of Object.keys(services)) expect({ service, wentDown: wentDown(outage, service) }).toEqual({ service, wentDown: true });
    expectOnlyRetryableFailures(outage);
  });

  it('PostgreSQL: services reconnect by themselves, and a request that needs the database gets a 503, never a 500', async () => {
    const outage = await restart('postgres');
    for (const service of ['auth', 'crm', 'notifications']) expect({ service, wentDown: wentDown(outage, service) }).toEqual({ service, wentDown: true });
    expectOnlyRetryableFailures(outage);
    expect(during(outage).filter((write) => write.status === 503).length).toBeGreaterThan(0);
  });

  it('Redis: services reconnect by themselves, and requests fail fast with 503 instead of waiting for Redis', async () => {
    // Queued just before Redis stops: its job is in Redis, waiting or being worked, when Redis goes away.
    const queueImport = async () => {
      const rows = Array.from({ length: IMPORT_ROWS }, (_, row) => `imported-${row}-${randomBytes(3).toString('hex')}@example.com,Imported,Row ${row}`);
      const form = new FormData();
      form.append('entity', 'contacts');
      form.append('file', new Blob([`Email,First Name,Last Name\n${rows.join('\n')}\n`]), 'before-redis-restart.csv');
      const upload = await fetch(`${api}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(upload.status).toBe(202);
      importId = ((await upload.json()) as { id: string }).id;
    };
    const outage = await restart('redis', queueImport);
    for (const service of Object.keys(services)) expect({ service, wentDown: wentDown(outage, service) }).toEqual({ service, wentDown: true });
    expectOnlyRetryableFailures(outage);
    const refused = during(outage).filter((write) => write.status === 503 && write.sentAt > outage.stoppedAt + 200 && write.sentAt < outage.startedAt);
    expect(refused.length).toBeGreaterThan(0);
    // Waiting for Redis took up to 2 s (ioredis' reconnection back-off); a refusal takes milliseconds, 1 s leaves room for a loaded machine.
    expect(refused.filter((write) => write.answeredAt - write.sentAt > 1000)).toEqual([]);
  });

  it(
    'afterwards every committed change was published once and handled once by every consumer, and no queued webhook, email or import was lost',
    async () => {
      await sleep(1000);
      writing = false;
      await Promise.all([writer, watcher]);
      expect(writes.filter((write) => write.status !== 201 && write.status !== 503 && write.status !== 504)).toEqual([]);
      // The import queued before Redis went away finished, every row once.
      const imported = await eventually(async () => {
        const response = await fetch(`${api}/imports/${importId}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { status: string; created: number; failed: number; startedAt: string; finishedAt: string };
        expect(body.status).toBe('completed');
        return body;
      }, LATE_DELIVERY_MS);
      importTimes = { startedAt: Date.parse(imported.startedAt), finishedAt: Date.parse(imported.finishedAt) };
      expect(imported).toMatchObject({ created: IMPORT_ROWS, failed: 0 });

      const database = new pg.Client({ connectionString: environment.databaseUrl });
      await database.connect();
      try {
        const count = async (sql: string) => Number(((await database.query(sql)).rows[0] as { count: string }).count);
        const outboxRows =
          'SELECT count(*) FROM (SELECT id FROM auth.outbox UNION ALL SELECT id FROM crm.outbox UNION ALL SELECT id FROM notifications.outbox) rows';
        const outboxRowsOfTypes =
          'SELECT count(*) FROM (SELECT type FROM auth.outbox UNION ALL SELECT type FROM crm.outbox UNION ALL SELECT type FROM notifications.outbox) rows';
        await eventually(async () => {
          expect(
            await count(
              `SELECT count(*) FROM (SELECT id FROM auth.outbox WHERE published_at IS NULL UNION ALL SELECT id FROM crm.outbox WHERE published_at IS NULL UNION ALL SELECT id FROM notifications.outbox WHERE published_at IS NULL) rows`,
            ),
          ).toBe(0);
          // The webhooks consumer records every event of the types it delivers (those withheld, such as
          // user.email_verification_requested, are acknowledged without an inbox row).
          expect(await count(`SELECT count(*) FROM notifications.inbox WHERE consumer = '${WEBHOOKS_CONSUMER}'`)).toBe(
            await count(`${outboxRowsOfTypes} WHERE type IN (${WEBHOOK_EVENT_TYPES.map((type) => `'${type}'`).join(', ')})`),
          );
        }, 30_000);
        // Each event once in the stream: republished ones were dropped as duplicates.
        expect((await streamMessages()).messages).toBe(await count(outboxRows));

        // The steady writer's contacts, each announced by contact.created (imported ones come in batches of contacts.imported).
        const contacts = (await database.query(`SELECT id FROM crm.contacts WHERE email LIKE 'contact-%'`)).rows.map((row: { id: string }) => row.id).sort();
        expect(await count(`SELECT count(*) FROM crm.contacts WHERE email LIKE 'imported-%'`)).toBe(IMPORT_ROWS);
        const created = writes.filter((write) => write.kind === 'contact' && write.status === 201).map((write) => write.id!);
        expect(contacts).toEqual(expect.arrayContaining(created));
        const announced = (await database.query(`SELECT payload->>'aggregateId' AS id FROM crm.outbox WHERE type = 'contact.created'`)).rows
          .map((row: { id: string }) => row.id)
          .sort();
        expect(announced).toEqual(contacts);
        // Webhooks are at least once (docs/webhooks.md): a partner that deduplicates on Kinship-Event-Id,
        // as told to, sees each contact exactly once. A second request happens when the attempt reached
        // the partner but PostgreSQL went away before it was recorded.
        const eventIdsByContact = () => {
          const seen = new Map<string, Set<string>>();
          for (const request of partner.at('/contacts')) {
            const contact = (JSON.parse(request.body) as { aggregateId: string }).aggregateId;
            seen.set(contact, (seen.get(contact) ?? new Set()).add(String(request.headers['kinship-event-id'])));
          }
          return seen;
        };
        await eventually(() => expect([...eventIdsByContact().keys()].sort()).toEqual(contacts), LATE_DELIVERY_MS);
        expect([...eventIdsByContact().values()].filter((eventIds) => eventIds.size !== 1)).toEqual([]);
        webhookRepeats = partner.at('/contacts').length - contacts.length;

        // Email likewise: a message the SMTP server accepted just before PostgreSQL went away is sent again.
        const invited = writes.filter((write) => write.kind === 'invitation' && write.status === 201).map((write) => write.email);
        await eventually(() => expect(invited.filter((email) => !mailbox.messages().some((mail) => mail.to.includes(email)))).toEqual([]), LATE_DELIVERY_MS);
        await eventually(async () => expect(await count(`SELECT count(*) FROM notifications.messages WHERE status <> 'sent'`)).toBe(0), LATE_DELIVERY_MS);
      } finally {
        await database.end();
      }
    },
    60_000 + 2 * LATE_DELIVERY_MS,
  );
});
