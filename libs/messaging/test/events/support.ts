import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { deadLetterStreamName, ensureEventStream, eventStreamName, messagingTablesSql } from '../../src/events/index.js';

export const SCHEMA = 'svc';
/** The test streams' limits: a day, no size cap. */
export const TEST_RETENTION = { maxAgeDays: 1, maxBytes: 0 };

export interface EventsTestBed {
  env: TestEnvironment;
  namespace: string;
  dataSource: DataSource;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Namespaces whose streams are deleted by tearDown (the suite's own is always included). */
  namespaces: string[];
}

/** A database with the messaging tables in schema `svc`, a NATS connection and the suite's streams. */
export async function setUpTestBed(suite: string): Promise<EventsTestBed> {
  const env = await createTestEnvironment(suite);
  const dataSource = new DataSource({ type: 'postgres', url: env.databaseUrl });
  await dataSource.initialize();
  await dataSource.query(`CREATE SCHEMA ${SCHEMA}`);
  for (const statement of messagingTablesSql(SCHEMA).up) await dataSource.query(statement);
  const nc = await connect({ servers: env.natsUrl });
  const jsm = await jetstreamManager(nc);
  await ensureEventStream(jsm, env.natsNamespace, TEST_RETENTION);
  return { env, namespace: env.natsNamespace, dataSource, nc, js: jetstream(nc), jsm, namespaces: [env.natsNamespace] };
}

export async function tearDownTestBed(bed: EventsTestBed | undefined): Promise<void> {
  if (!bed) return;
  for (const namespace of bed.namespaces) {
    for (const stream of [eventStreamName(namespace), deadLetterStreamName(namespace)]) {
      await bed.jsm.streams.delete(stream).catch(() => false);
    }
  }
  await bed.nc.drain();
  await bed.dataSource.destroy();
  await bed.env.dispose();
}

/** Empties the outbox, the inbox and both streams, so each test starts from nothing. */
export async function resetTestBed(bed: EventsTestBed): Promise<void> {
  await bed.dataSource.query(`TRUNCATE ${SCHEMA}.outbox, ${SCHEMA}.inbox`);
  await bed.jsm.streams.purge(eventStreamName(bed.namespace));
  await bed.jsm.streams.purge(deadLetterStreamName(bed.namespace));
}

export async function waitFor(description: string, condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await delay(25);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every message stored in a stream, in stream order. */
export async function storedMessages(jsm: JetStreamManager, stream: string): Promise<StoredMsg[]> {
  const { state } = await jsm.streams.info(stream);
  const messages: StoredMsg[] = [];
  if (state.messages === 0) return messages;
  for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
    const message = await jsm.streams.getMessage(stream, { seq });
    if (message) messages.push(message);
  }
  return messages;
}

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

/** A promise settled from outside, e.g. to hold a handler until the test lets it go. */
export function deferred(): Deferred {
  let resolve = (): void => {};
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}
