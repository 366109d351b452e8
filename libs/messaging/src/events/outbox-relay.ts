import { assertIdentifier } from '@kinship/persistence';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { DataSource, EntityManager } from 'typeorm';
import { silentLogger, type EventsLogger, type EventsMetrics } from './telemetry.js';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** The service's schema, holding its outbox table. */
  schema: string;
  js: JetStreamClient;
  /** Most events published per transaction. Default 100. */
  batchSize?: number;
  /** How long to wait for new events when the outbox is drained, unless notify() comes first. Default 1000. */
  pollIntervalMs?: number;
  logger?: EventsLogger;
  metrics?: Pick<EventsMetrics, 'outboxBacklog'>;
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: { aggregateId?: string };
  headers: Record<string, string>;
}

/**
 * Splits a batch (in outbox order) into waves that may be published concurrently: an event goes to
 * the wave after the one holding its aggregate's previous event, so each wave has at most one
 * event per aggregate and an aggregate's events go out in outbox order, one wave after another.
 * Within a wave, outbox order is kept. An event without an aggregate id is its own aggregate.
 */
export function wavesOf<T extends { id: string; payload: { aggregateId?: string } }>(rows: readonly T[]): T[][] {
  const waves: T[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const aggregate = row.payload.aggregateId ?? row.id;
    const wave = seen.get(aggregate) ?? 0;
    seen.set(aggregate, wave + 1);
    (waves[wave] ??= []).push(row);
  }
  return waves;
}

const MAX_RETRY_DELAY_MS = 30_000;
/** Counting the backlog is a query of its own; once every few seconds is enough for a gauge. */
const BACKLOG_REFRESH_MS = 5_000;

/**
 * Publishes the outbox to JetStream in outbox order and marks what was published. All its state
 * is in the table, so a restarted relay carries on where the last one stopped. A crash after
 * publishing and before marking publishes those events again; JetStream drops them as
 * duplicates of their Nats-Msg-Id (the event id) within the stream's duplicate window.
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly relayLockKey: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: EventsLogger;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Set by notify(); tells the loop not to sleep, as events may have been committed since its last batch. */
  private notified = false;
  private endSleep: (() => void) | undefined;
  private endSleepOnNotify = false;
  private backlogMeasuredAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    const schema = assertIdentifier(options.schema);
    this.table = `"${schema}".outbox`;
    this.relayLockKey = `kinship.outbox_relay.${schema}`;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.logger = options.logger ?? silentLogger;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error('batchSize must be a positive integer');
    if (!(this.pollIntervalMs > 0)) throw new Error('pollIntervalMs must be positive');
  }

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling and waits for the batch in flight to be published and marked. */
  async stop(): Promise<void> {
    this.running = false;
    this.endSleep?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Publish now instead of at the next poll; call it after committing a transaction that wrote events. */
  notify(): void {
    this.notified = true;
    if (this.endSleepOnNotify) this.endSleep?.();
  }

  /** Events committed and not yet published. */
  async backlog(): Promise<number> {
    const [row] = await this.options.dataSource.query<{ backlog: number }[]>(`SELECT count(*)::int AS backlog FROM ${this.table} WHERE published_at IS NULL`);
    return row.backlog;
  }

  /** Deletes published events older than the given age; returns how many. Run it from a periodic job. */
  async purgePublished(olderThanHours: number): Promise<number> {
    if (!(olderThanHours >= 0)) throw new Error('olderThanHours must be zero or more');
    const [, deleted] = await this.options.dataSource.query<[unknown[], number]>(
      `DELETE FROM ${this.table} WHERE published_at < now() - $1 * interval '1 hour'`,
      [olderThanHours],
    );
    return deleted;
  }

  /**
   * Publishes up to batchSize events and marks them published in the same transaction; returns how
   * many were published. The batch goes out in waves (wavesOf): each wave's publishes are sent
   * together, in outbox order, and their PubAcks awaited together, so a batch costs a round trip to
   * NATS per wave instead of per event. A wave holds at most one event of an aggregate, and an
   * aggregate's next event waits for the next wave: if NATS fails one publish, the wave's other
   * acknowledged events are still marked, no later wave is sent, and the error is thrown, so an
   * aggregate's events never reach the stream out of order.
   */
  async publishBatch(): Promise<number> {
    const outcome = await this.options.dataSource.transaction(async (manager) => {
      // One relay per schema at a time: two relays taking alternate batches would publish out of order.
      // The lock is the statement's one-time filter, taken before any row is read: no rows without it.
      const rows = await manager.query<OutboxRow[]>(
        `SELECT id, subject, payload, headers FROM ${this.table}
         WHERE (SELECT pg_try_advisory_xact_lock(hashtext($2))) AND published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize, this.relayLockKey],
      );
      const publishedIds: string[] = [];
      let failure: Error | undefined;
      for (const wave of wavesOf(rows)) {
        const outcomes = await Promise.allSettled(wave.map((row) => this.publish(row)));
        outcomes.forEach((outcome, index) => {
          if (outcome.status === 'fulfilled') publishedIds.push(wave[index]!.id);
          else failure ??= outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
        });
        if (failure) break;
      }
      if (publishedIds.length > 0) await this.markPublished(manager, publishedIds);
      return { published: publishedIds.length, failure };
    });
    if (outcome.failure) throw outcome.failure;
    return outcome.published;
  }

  /** The last step of a batch. Protected so that a test can make a relay die between publishing and marking. */
  protected async markPublished(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  private async publish(row: OutboxRow): Promise<void> {
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(row.headers)) headers.set(name, value);
    const ack = await this.options.js.publish(row.subject, JSON.stringify(row.payload), { msgID: row.id, headers });
    if (ack.duplicate) {
      this.logger.info({ eventId: row.id, subject: row.subject }, 'event was already in the stream, published before a restart');
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.notified = false;
      let published: number;
      try {
        published = await this.publishBatch();
        await this.refreshBacklogGauge();
        failures = 0;
      } catch (error) {
        failures += 1;
        const retryInMs = Math.min(this.pollIntervalMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
        this.logger.error({ err: error, failures, retryInMs }, 'outbox relay failed; events stay unpublished until the retry');
        // notify() must not cut this short, or every committed write would retry against a failing NATS.
        await this.sleep(retryInMs, false);
        continue;
      }
      // A full batch means more may be waiting; so may a notify() that came during the batch.
      if (published === this.batchSize || this.notified) continue;
      await this.sleep(this.pollIntervalMs, true);
    }
  }

  private async refreshBacklogGauge(): Promise<void> {
    const gauge = this.options.metrics?.outboxBacklog;
    if (!gauge || Date.now() - this.backlogMeasuredAt < BACKLOG_REFRESH_MS) return;
    this.backlogMeasuredAt = Date.now();
    gauge.set(await this.backlog());
  }

  /** Waits, unless stop() (or notify(), if endOnNotify) comes first. */
  private sleep(ms: number, endOnNotify: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endSleep = undefined;
        this.endSleepOnNotify = false;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.endSleep = end;
      this.endSleepOnNotify = endOnNotify;
    });
  }
}
