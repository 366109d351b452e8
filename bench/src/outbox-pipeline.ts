/**
 * What the transactional outbox costs on the way from a committed write to a projection:
 * OutboxWriter (insert in the writer's transaction) → OutboxRelay (poll, publish with PubAck,
 * mark published) → JetStream → EventConsumer (inbox insert + the handler's insert, one
 * transaction per event). Measured against bare JetStream: awaited publishes, a pull consumer
 * that acknowledges, no database.
 */
import { performance } from 'node:perf_hooks';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  deadLetterStreamName,
  ensureEventStream,
  EventConsumer,
  eventStreamName,
  messagingTablesSql,
  OutboxRelay,
  OutboxWriter,
  subjectFor,
  type DomainEvent,
  type EventsLogger,
} from '@kinship/messaging';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { fixed, numberFromEnv, percentiles, print, saveResult, waitUntil } from './lib.js';

const SCHEMA = 'bench';
const SERVICE = 'bench';
const EVENT_TYPE = 'contact.touched';
const WARMUP_EVENTS = 500;
/** 1,000 events/s unless BENCH_RATE says otherwise, e.g. to look for the rate the consumer sustains. */
const STEADY_RATE = numberFromEnv('BENCH_RATE', 1_000);
const STEADY_SECONDS = numberFromEnv('BENCH_DURATION', 10);
/** Steady writes: one transaction of STEADY_BATCH events every STEADY_BATCH_EVERY_MS, i.e. STEADY_RATE events/s. */
const STEADY_BATCH = 10;
const STEADY_BATCH_EVERY_MS = (1_000 * STEADY_BATCH) / STEADY_RATE;
const FULL_EVENTS = Math.floor(numberFromEnv('BENCH_EVENTS', 20_000));
const FULL_BATCH = 100;
/** Past this, a phase that has not been fully consumed counts as a failure to measure. */
const DRAIN_TIMEOUT_MS = 120_000;

type Phase = 'warmup' | 'steady' | 'full' | 'raw';

/**
 * `t` is performance.now() when the event is built, the moment OutboxWriter stamps occurredAt;
 * it is used for the lag instead of occurredAt because occurredAt has only millisecond resolution.
 */
interface BenchData {
  phase: Phase;
  t: number;
}

/** Lag of each event by id: a redelivered event keeps its first figure instead of counting twice. */
class LagRecorder {
  readonly lags = new Map<string, number>();
  lastHandledAt = 0;

  record(id: string, sentAt: number): void {
    const now = performance.now();
    if (!this.lags.has(id)) this.lags.set(id, now - sentAt);
    this.lastHandledAt = now;
  }

  get count(): number {
    return this.lags.size;
  }
}

/** Every warning or error of the relay and the consumer is a failure to measure: the pipeline did not run clean. */
class CountingLogger implements EventsLogger {
  readonly problems: string[] = [];
  info(): void {}
  warn(fields: object, message: string): void {
    this.problems.push(`warn: ${message} ${JSON.stringify(fields)}`);
  }
  error(fields: object, message: string): void {
    this.problems.push(`error: ${message} ${JSON.stringify(fields)}`);
  }
}

interface Bed {
  environment: TestEnvironment;
  dataSource: DataSource;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

function envelope(phase: Phase): { id: string; type: string; workspaceId: null; actorId: null; aggregateId: string; data: BenchData } {
  return { id: uuidv7(), type: EVENT_TYPE, workspaceId: null, actorId: null, aggregateId: uuidv7(), data: { phase, t: performance.now() } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function setUp(): Promise<Bed> {
  const environment = await createTestEnvironment('bench outbox');
  try {
    const dataSource = new DataSource({ type: 'postgres', url: environment.databaseUrl });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA ${SCHEMA}`);
    for (const statement of messagingTablesSql(SCHEMA).up) await dataSource.query(statement);
    // What the handler writes: a read model row per event, as a real projection would.
    await dataSource.query(`CREATE TABLE ${SCHEMA}.projection (event_id uuid PRIMARY KEY, aggregate_id uuid NOT NULL, phase text NOT NULL)`);
    const nc = await connect({ servers: environment.natsUrl });
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm, environment.natsNamespace, { maxAgeDays: 1, maxBytes: 0 });
    return { environment, dataSource, nc, js: jetstream(nc), jsm };
  } catch (error) {
    // The throwaway database would otherwise outlive the failed run.
    await environment.dispose();
    throw error;
  }
}

async function tearDown(bed: Bed): Promise<void> {
  for (const stream of [eventStreamName(bed.environment.natsNamespace), deadLetterStreamName(bed.environment.natsNamespace)]) {
    await bed.jsm.streams.delete(stream).catch(() => false);
  }
  await bed.nc.drain();
  await bed.dataSource.destroy();
  await bed.environment.dispose();
}

/** Lag figures of a phase, in milliseconds, and its throughput from `startedAt` to the last event handled. */
function summarise(recorder: LagRecorder, startedAt: number) {
  const lag = percentiles([...recorder.lags.values()]);
  const seconds = (recorder.lastHandledAt - startedAt) / 1000;
  return { events: recorder.count, seconds, eventsPerSecond: recorder.count / seconds, lagP50Ms: lag.p50, lagP99Ms: lag.p99, lagMaxMs: lag.max };
}

async function main(): Promise<number> {
  const bed = await setUp();
  const logger = new CountingLogger();
  const recorders: Record<Phase, LagRecorder> = { warmup: new LagRecorder(), steady: new LagRecorder(), full: new LagRecorder(), raw: new LagRecorder() };
  const namespace = bed.environment.natsNamespace;
  const writer = new OutboxWriter({ schema: SCHEMA, service: SERVICE, namespace });
  const relay = new OutboxRelay({ dataSource: bed.dataSource, schema: SCHEMA, js: bed.js, logger });
  const consumer = new EventConsumer({
    dataSource: bed.dataSource,
    schema: SCHEMA,
    js: bed.js,
    jsm: bed.jsm,
    namespace,
    durableName: 'bench-projection',
    filterSubjects: [`events.${SERVICE}.>`],
    logger,
    handler: async (event: DomainEvent, manager) => {
      const data = event.data as BenchData;
      await manager.query(`INSERT INTO ${SCHEMA}.projection (event_id, aggregate_id, phase) VALUES ($1, $2, $3)`, [event.id, event.aggregateId, data.phase]);
      // Taken inside the consumer's transaction, just before its commit and ack: the last step the handler can see.
      recorders[data.phase].record(event.id, data.t);
    },
  });

  /** One transaction of `count` events, then notify() so the relay does not wait for its next poll. */
  async function writeTransaction(phase: Phase, count: number): Promise<void> {
    await bed.dataSource.transaction(async (manager) => {
      for (let i = 0; i < count; i += 1) await writer.add(manager, envelope(phase));
    });
    relay.notify();
  }

  /**
   * Seconds from `startedAtWallMs` until the relay marked the phase's last event published; says
   * whether the relay or the consumer is the slower stage. published_at is the relay transaction's
   * now(), its start, so this is early by at most one batch.
   */
  async function relayDoneAfter(phase: Phase, startedAtWallMs: number): Promise<number> {
    const [{ last }] = await bed.dataSource.query<{ last: number }[]>(
      `SELECT extract(epoch FROM max(published_at)) * 1000 AS last FROM ${SCHEMA}.outbox WHERE payload->'data'->>'phase' = $1`,
      [phase],
    );
    return (Number(last) - startedAtWallMs) / 1000;
  }

  function assertClean(): void {
    if (logger.problems.length > 0) throw new Error(`the pipeline reported problems:\n  ${logger.problems.slice(0, 5).join('\n  ')}`);
  }

  async function drained(phase: Phase, expected: number): Promise<void> {
    const done = await waitUntil(() => recorders[phase].count >= expected || logger.problems.length > 0, DRAIN_TIMEOUT_MS);
    assertClean();
    if (!done) throw new Error(`${phase}: only ${recorders[phase].count} of ${expected} events consumed after ${DRAIN_TIMEOUT_MS / 1000} s`);
  }

  try {
    relay.start();
    await consumer.start();

    // Warm-up: JIT, the pool's connections, the consumer's first pulls; not counted.
    for (let i = 0; i < WARMUP_EVENTS / STEADY_BATCH; i += 1) await writeTransaction('warmup', STEADY_BATCH);
    await drained('warmup', WARMUP_EVENTS);

    // (a) Steady: batch k is due at start + k × STEADY_BATCH_EVERY_MS; a writer that falls behind writes the late
    // batches at once (no skipping), so a slow write path shows as an achieved rate below STEADY_RATE.
    const steadyTotal = Math.round(STEADY_RATE * STEADY_SECONDS);
    print(`outbox steady: ${STEADY_RATE} events/s for ${STEADY_SECONDS} s (${STEADY_BATCH} events per transaction every ${STEADY_BATCH_EVERY_MS} ms)…`);
    const steadyStart = performance.now();
    const steadyStartWall = Date.now();
    for (let batch = 0; batch * STEADY_BATCH < steadyTotal; batch += 1) {
      const wait = steadyStart + batch * STEADY_BATCH_EVERY_MS - performance.now();
      if (wait > 1) await sleep(wait);
      await writeTransaction('steady', Math.min(STEADY_BATCH, steadyTotal - batch * STEADY_BATCH));
    }
    const steadyWriteSeconds = (performance.now() - steadyStart) / 1000;
    await drained('steady', steadyTotal);
    const steady = {
      ...summarise(recorders.steady, steadyStart),
      writtenPerSecond: steadyTotal / steadyWriteSeconds,
      relayDoneAfterSeconds: await relayDoneAfter('steady', steadyStartWall),
    };

    // (b) Full speed: one writer, transactions of 100 back to back, relay and consumer running alongside.
    print(`outbox full speed: ${FULL_EVENTS} events in transactions of ${FULL_BATCH}…`);
    const fullStart = performance.now();
    const fullStartWall = Date.now();
    for (let written = 0; written < FULL_EVENTS; written += FULL_BATCH) {
      await writeTransaction('full', Math.min(FULL_BATCH, FULL_EVENTS - written));
    }
    const fullWriteSeconds = (performance.now() - fullStart) / 1000;
    await drained('full', FULL_EVENTS);
    const full = {
      ...summarise(recorders.full, fullStart),
      writtenPerSecond: FULL_EVENTS / fullWriteSeconds,
      writesDoneAfterSeconds: fullWriteSeconds,
      relayDoneAfterSeconds: await relayDoneAfter('full', fullStartWall),
    };

    await consumer.stop();
    await relay.stop();
    assertClean();

    // Every handled event committed its projection row and its inbox row, or the pipeline lost work.
    const [{ rows }] = await bed.dataSource.query<{ rows: number }[]>(`SELECT count(*)::int AS rows FROM ${SCHEMA}.projection`);
    const [{ inbox }] = await bed.dataSource.query<{ inbox: number }[]>(`SELECT count(*)::int AS inbox FROM ${SCHEMA}.inbox`);
    const expectedRows = WARMUP_EVENTS + steadyTotal + FULL_EVENTS;
    if (rows !== expectedRows || inbox !== expectedRows) throw new Error(`expected ${expectedRows} projection and inbox rows, found ${rows} and ${inbox}`);

    // Baseline: the same number of envelopes of the same size, published with an awaited PubAck
    // one after the other (as the relay does) and pulled 10 at a time (as EventConsumer does), no database.
    print(`raw JetStream: ${FULL_EVENTS} messages, awaited publish, bare pull consumer…`);
    const raw = await rawJetStream(bed, recorders.raw);

    const ratio = full.eventsPerSecond / raw.eventsPerSecond;
    const lagLine = (s: { lagP50Ms: number; lagP99Ms: number; lagMaxMs: number }) =>
      `lag p50 ${fixed(s.lagP50Ms).padStart(7)} ms   p99 ${fixed(s.lagP99Ms).padStart(7)} ms   max ${fixed(s.lagMaxMs).padStart(7)} ms`;
    print();
    print('Outbox pipeline — lag = consumer handler time − event creation (occurredAt), same process clock');
    print(
      `  (a) steady  ${steadyTotal} events: written ${fixed(steady.writtenPerSecond, 0)}/s, consumed ${fixed(steady.eventsPerSecond, 0)}/s ` +
        `(first write → last consumed ${fixed(steady.seconds, 2)} s)   ${lagLine(steady)}`,
    );
    print(
      `      stages: writes committed after ${fixed(steadyWriteSeconds, 2)} s, relay published the last after ${fixed(steady.relayDoneAfterSeconds, 2)} s, ` +
        `consumer handled the last after ${fixed(steady.seconds, 2)} s`,
    );
    if (steady.eventsPerSecond < 0.95 * steady.writtenPerSecond) {
      print(`      the consumer did not keep up with ${STEADY_RATE}/s: the lag above is a growing backlog, not a steady-state delay`);
    }
    print(
      `  (b) full    ${FULL_EVENTS} events: first write → last consumed ${fixed(full.seconds, 2)} s = ${fixed(full.eventsPerSecond, 0)} events/s   ${lagLine(full)}`,
    );
    print(
      `      stages: writes committed after ${fixed(full.writesDoneAfterSeconds, 2)} s (${fixed(full.writtenPerSecond, 0)}/s), ` +
        `relay published the last after ${fixed(full.relayDoneAfterSeconds, 2)} s, consumer handled the last after ${fixed(full.seconds, 2)} s`,
    );
    print(
      `  raw JetStream ${FULL_EVENTS} msgs: first publish → last consumed ${fixed(raw.seconds, 2)} s = ${fixed(raw.eventsPerSecond, 0)} msgs/s   ${lagLine(raw)}`,
    );
    print(`  ratio outbox pipeline ÷ raw JetStream throughput: ${fixed(ratio, 3)}`);
    print('  note: PostgreSQL, nats-server and this process (writer, relay, consumer) share the machine; one writer, one relay, one consumer.');

    await saveResult('outbox-pipeline', { steadyRate: STEADY_RATE, steadySeconds: STEADY_SECONDS, fullEvents: FULL_EVENTS, steady, full, raw, ratio });
    return 0;
  } finally {
    await consumer.stop();
    await relay.stop();
    await tearDown(bed);
  }
}

/** Publishes FULL_EVENTS envelopes to the events stream under another service's subject and consumes them bare. */
async function rawJetStream(bed: Bed, recorder: LagRecorder) {
  const namespace = bed.environment.natsNamespace;
  const stream = eventStreamName(namespace);
  const subject = subjectFor(namespace, 'raw', EVENT_TYPE);
  await bed.jsm.consumers.add(stream, { durable_name: 'bench-raw', ack_policy: AckPolicy.Explicit, filter_subject: subject });
  const messages = await (await bed.js.consumers.get(stream, 'bench-raw')).consume({ max_messages: 10 });
  const consuming = (async () => {
    for await (const message of messages) {
      const event = message.json<DomainEvent<BenchData>>();
      recorder.record(event.id, event.data.t);
      message.ack();
    }
  })();
  const start = performance.now();
  for (let i = 0; i < FULL_EVENTS; i += 1) {
    const event = { ...envelope('raw'), version: 1, occurredAt: new Date().toISOString() };
    await bed.js.publish(subject, JSON.stringify(event), { msgID: event.id });
  }
  const finished = await waitUntil(() => recorder.count >= FULL_EVENTS, DRAIN_TIMEOUT_MS);
  await messages.close();
  await consuming;
  if (!finished) throw new Error(`raw: only ${recorder.count} of ${FULL_EVENTS} messages consumed after ${DRAIN_TIMEOUT_MS / 1000} s`);
  return summarise(recorder, start);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`outbox-pipeline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    // exit() rather than exitCode: after a failure midway, open connections could keep the process alive.
    process.exit(1);
  },
);
