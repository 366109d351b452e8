import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventStreamName, NamespacedClientNats, ServiceClient, type DomainEvent } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId, postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import type { NotificationsConfig } from '../src/notifications.config.js';
import { notificationsService } from '../src/notifications.service.js';

/** A request the partner's server received. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A partner's HTTP server on loopback that records every request and answers as scripted per path. */
export class PartnerServer {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server: Server | undefined;
  private port = 0;

  /** Answers the next requests to the path with these statuses, in order; the last one repeats. Default 200. */
  answer(path: string, ...statuses: number[]): void {
    this.scripts.set(path, statuses);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path) ?? [200];
        const status = script.length > 1 ? script.shift()! : script[0]!;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `partner says ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** What a partner does with a delivery: checks the signature over "t.body" with its secret. */
export function verifySignature(request: ReceivedWebhook, secret: string): boolean {
  const header = String(request.headers['kinship-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

/** Retries an assertion until it passes or the time is up. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
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

/** The notifications service of one suite and what a test needs around it. */
export interface WebhooksTestBed {
  environment: TestEnvironment;
  notifications: RunningService<NotificationsConfig>;
  client: ServiceClient;
  /** Connects as the role that ran the migrations, to look at rows the way the service cannot. */
  owner: DataSource;
  nats: NatsConnection;
  jsm: JetStreamManager;
  partner: PartnerServer;
  close(): Promise<void>;
}

export async function startWebhooksBed(suite: string, overrides: Record<string, string>, environment?: TestEnvironment): Promise<WebhooksTestBed> {
  const env = environment ?? (await createTestEnvironment(suite));
  const notifications = await startTestService(notificationsService, env, overrides);
  const client = new ServiceClient(new NamespacedClientNats({ servers: env.natsUrl }, env.natsNamespace), 5000);
  const owner = new DataSource(postgresOptions({ url: env.databaseUrl, schema: 'notifications', poolSize: 2 }));
  await owner.initialize();
  const nats = await connect({ servers: env.natsUrl });
  const jsm = await jetstreamManager(nats);
  const partner = new PartnerServer();
  await partner.start();
  return {
    environment: env,
    notifications,
    client,
    owner,
    nats,
    jsm,
    partner,
    async close() {
      await client.close();
      await notifications.close();
      await owner.destroy();
      await nats.close();
      await partner.close();
      await env.dispose();
    },
  };
}

/** What the gateway sends for a request of a signed-in user of this role. */
export function userContext(workspaceId: string, userId: string = randomUUID(), role = 'owner'): RequestContext {
  return { workspaceId, userId, role, scopes: [], requestId: `test-${randomBytes(4).toString('hex')}`, ip: '127.0.0.1', userAgent: 'webhooks-tests/1.0' };
}

/** Publishes an event as a producer's relay would, `Nats-Msg-Id` chosen by the caller. */
export async function publishEvent(bed: WebhooksTestBed, service: string, event: DomainEvent, msgId = event.id): Promise<void> {
  await jetstream(bed.nats).publish(`${bed.environment.natsNamespace}events.${service}.${event.type}`, JSON.stringify(event), { msgID: msgId });
}

export function anEvent(workspaceId: string, type: string, data: unknown): DomainEvent {
  return { id: newId(), type, version: 1, occurredAt: new Date().toISOString(), workspaceId, actorId: null, aggregateId: randomUUID(), data };
}

/** Every event of the suite's stream, in order. */
export async function streamEvents(bed: WebhooksTestBed): Promise<DomainEvent[]> {
  const stream = eventStreamName(bed.environment.natsNamespace);
  const { state } = await bed.jsm.streams.info(stream);
  const events: DomainEvent[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
    const message = await bed.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (message) events.push(message.json<DomainEvent>());
  }
  return events;
}

export async function waitForEvent<T>(bed: WebhooksTestBed, type: string, matches: (data: T) => boolean = () => true): Promise<DomainEvent<T>> {
  return eventually(async () => {
    const found = (await streamEvents(bed)).find((event) => event.type === type && matches(event.data as T));
    if (!found) throw new Error(`no ${type} event published`);
    return found as DomainEvent<T>;
  }, 10000);
}
