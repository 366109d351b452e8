import { assertIdentifier, setWorkspace, transactionInWorkspace, WORKSPACE_SETTING } from '@kinship/persistence';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type MsgHdrs } from '@nats-io/transport-node';
import { context } from '@opentelemetry/api';
import type { DataSource, EntityManager } from 'typeorm';
import { validate as isUuid } from 'uuid';
import { assertNamespace, type DomainEvent } from './event-envelope.js';
import { assertConsumerName, deadLetterSubject, eventStreamName } from './stream.js';
import { silentLogger, type EventsLogger, type EventsMetrics } from './telemetry.js';
import { traceContextOf } from './trace-context.js';

/**
 * Runs inside the transaction that records the event in the inbox; its writes commit with that
 * record or not at all. That transaction is shared by the batch of events handled with it, so a
 * handler must neither commit nor roll back, and what it sets for the transaction
 * (set_config(…, true), SET LOCAL) is still set for the next events' handlers — except the
 * workspace setting of row-level security, which the consumer sets to the event's workspace (none
 * when the event has none) before each event; a handler must not change it.
 */
export type EventHandler = (event: DomainEvent, manager: EntityManager, position: StreamPosition) => Promise<void>;

/** Where the delivered event sits in the events stream, for read models that record how far they have applied it. */
export interface StreamPosition {
  streamSequence: number;
}

/** An event a batch's handler applied, with its place in the stream. */
export interface HandledEvent {
  event: DomainEvent;
  position: StreamPosition;
}

export interface EventConsumerOptions {
  dataSource: DataSource;
  /** The consuming service's schema, holding its inbox table. */
  schema: string;
  js: JetStreamClient;
  jsm: JetStreamManager;
  namespace: string;
  /** Durable consumer name, e.g. 'notifications-auth-events'; also names the dead-letter subject. */
  durableName: string;
  /** Subjects without the namespace, e.g. ['events.auth.>']. */
  filterSubjects: string[];
  handler: EventHandler;
  /**
   * The events the handler acts on, when its filter subject lets others through (e.g. events.crm.>
   * for contact events): the others are acknowledged with their batch and passed to afterBatch,
   * without an inbox record or a handler call, as taking one twice changes nothing. Default: all.
   */
  applies?: (event: DomainEvent) => boolean;
  /**
   * Where a consumer created for the first time starts: 'all' replays the stream (a read model
   * building itself from history), 'new' takes only later events (whoever sends mail must not
   * resend last month's). An existing durable consumer always resumes where it stopped. Default 'all'.
   */
  startFrom?: 'all' | 'new';
  /** Deliveries before an event that keeps failing is dead-lettered. Default 5. */
  maxDeliver?: number;
  /** Delay before redelivery after the 1st, 2nd, … failure; the last one repeats. Default [1000, 5000, 30000]. */
  backoffMs?: number[];
  /** How long a delivery may go unacknowledged before JetStream redelivers it. Default 30000. */
  ackWaitMs?: number;
  /**
   * Most events handled in one transaction (and asked of JetStream per pull). Default 50: beyond
   * 64 savepoints that write, PostgreSQL's per-transaction cache of subtransaction ids overflows,
   * which slows every other session's snapshots while the transaction lasts.
   */
  maxBatch?: number;
  /**
   * For handlers whose only effect is what they write in the transaction (read models): a batch
   * records its events in the inbox with one statement and runs the handlers without a savepoint
   * each, so maxBatch may go well beyond 64. When a handler fails, the whole batch is rolled back
   * and handled again the default way (a savepoint per event, at most 50 events a transaction),
   * which confines the failure to its event — so the handlers of the batch’s other events run twice,
   * and only their database writes must be what counts. A batch holding a redelivery goes the
   * default way at once.
   */
  setWise?: boolean;
  /**
   * Runs in the batch's transaction after its handlers, with the events they applied (not the
   * duplicates, not the failed ones), e.g. to record a stream position once per batch. If it
   * fails, the batch's events are handled again one transaction each.
   */
  afterBatch?: (manager: EntityManager, handled: HandledEvent[]) => Promise<void>;
  /**
   * With setWise, applies a batch's new events together instead of calling the handler for each:
   * once per run of consecutive events of one workspace (the workspace setting is that of their
   * workspace, as for the handler), in stream order. A read model can then write a whole run with
   * a few statements. When it fails, the batch goes the default way, which calls the handler an
   * event at a time, so the handler must have the same effect on one event as this has on a run.
   */
  applyBatch?: (events: HandledEvent[], manager: EntityManager) => Promise<void>;
  logger?: EventsLogger;
  metrics?: Pick<EventsMetrics, 'deadLetters' | 'consumerLag'>;
}

export const DEAD_LETTER_HEADERS = {
  error: 'Kinship-Error',
  consumer: 'Kinship-Consumer',
  deliveryCount: 'Kinship-Delivery-Count',
  originalSubject: 'Kinship-Original-Subject',
} as const;

/** An event received and parsed, on its way through a batch. */
interface Delivery {
  message: JsMsg;
  event: DomainEvent;
}

/** What became of a delivery inside the batch's transaction; it holds only if that transaction commits. */
type Outcome = { kind: 'handled' } | { kind: 'duplicate' } | { kind: 'failed'; error: unknown };

/** JetStream's own default of unacknowledged deliveries per consumer. */
const DEFAULT_MAX_ACK_PENDING = 1_000;

/** Most events in one transaction with a savepoint each (see maxBatch). */
const SAVEPOINT_BATCH = 50;

/**
 * A durable JetStream consumer with an idempotent inbox: each event is recorded in
 * `<schema>.inbox` in the same transaction as the handler's effect, so a redelivered event is
 * acknowledged without a second effect. A failing event is redelivered after a back-off, and
 * after maxDeliver deliveries it is published to `${namespace}deadletter.<durableName>` and
 * terminated.
 *
 * Events are handled one after the other in the order received, but the events received by the
 * time one is taken up (at most maxBatch) share one transaction, so one commit (one fsync) serves
 * them all; they are acknowledged after it. With setWise, that transaction also records them in
 * the inbox with one statement and runs their handlers without savepoints.
 */
export class EventConsumer {
  private readonly inboxTable: string;
  private readonly stream: string;
  private readonly deadLetterSubject: string;
  private readonly maxDeliver: number;
  private readonly backoffMs: number[];
  private readonly ackWaitMs: number;
  private readonly maxBatch: number;
  private readonly logger: EventsLogger;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: EventConsumerOptions) {
    this.inboxTable = `"${assertIdentifier(options.schema)}".inbox`;
    this.stream = eventStreamName(options.namespace);
    this.deadLetterSubject = deadLetterSubject(options.namespace, assertConsumerName(options.durableName));
    this.maxDeliver = options.maxDeliver ?? 5;
    this.backoffMs = options.backoffMs ?? [1_000, 5_000, 30_000];
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.maxBatch = options.maxBatch ?? SAVEPOINT_BATCH;
    this.logger = options.logger ?? silentLogger;
    if (!Number.isInteger(this.maxDeliver) || this.maxDeliver < 1) throw new Error('maxDeliver must be a positive integer');
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error('maxBatch must be a positive integer');
    if (options.filterSubjects.length === 0) throw new Error('filterSubjects must name at least one subject');
  }

  /** Declares the durable consumer (adding it, or updating its settings) and starts handling events. */
  async start(): Promise<void> {
    if (this.loop) return;
    await this.declareConsumer();
    const consumer = await this.options.js.consumers.get(this.stream, this.options.durableName);
    this.messages = await consumer.consume({ max_messages: this.maxBatch });
    this.loop = this.handleAll(this.messages);
  }

  /** Stops pulling, handles (and acks, naks or dead-letters) the messages already received, then returns. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
    this.messages = undefined;
    this.loop = undefined;
  }

  /** Events on the stream matching the filter and not yet delivered to this consumer. */
  async lag(): Promise<number> {
    const info = await this.options.jsm.consumers.info(this.stream, this.options.durableName);
    return info.num_pending;
  }

  private async declareConsumer(): Promise<void> {
    const { jsm, durableName, namespace } = this.options;
    const subjects = this.options.filterSubjects.map((subject) => assertNamespace(namespace) + subject);
    const config: Partial<ConsumerConfig> = {
      durable_name: durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: this.options.startFrom === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      ack_wait: nanos(this.ackWaitMs),
      // The limit of deliveries is kept here rather than in JetStream: at JetStream's limit it simply
      // stops delivering, so an event whose last delivery died with its consumer would be neither
      // handled nor dead-lettered. Back-offs go with each nak instead of a JetStream back-off list,
      // which needs a finite max_deliver and would replace ack_wait with its first entry.
      max_deliver: -1,
      // Events are acknowledged after their batch commits: JetStream's default of 1,000 unacknowledged
      // would hold a batch to whatever is left of that by the one before it.
      max_ack_pending: Math.max(DEFAULT_MAX_ACK_PENDING, 2 * this.maxBatch),
      // A single filter works on every server; a list of them needs NATS 2.10 or later.
      ...(subjects.length === 1 ? { filter_subject: subjects[0] } : { filter_subjects: subjects }),
    };
    try {
      await jsm.consumers.update(this.stream, durableName, config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
      await jsm.consumers.add(this.stream, config);
    }
  }

  /**
   * Receives messages into a queue while the loop below handles, one batch at a time, everything
   * queued by the time it gets to it. Ends once receiving has stopped and the queue is empty.
   */
  private async handleAll(messages: ConsumerMessages): Promise<void> {
    const queue: JsMsg[] = [];
    let receiving = true;
    let wake = (): void => {};
    const receiver = (async () => {
      try {
        for await (const message of messages) {
          queue.push(message);
          wake();
        }
      } catch (error) {
        this.logger.error({ err: error, consumer: this.options.durableName }, 'event consumer stopped receiving messages');
      } finally {
        receiving = false;
        wake();
      }
    })();
    while (receiving || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        // The messages of one pull come out of the library one microtask apart: let them all join the batch.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      try {
        await this.handleBatch(queue.splice(0, this.maxBatch));
      } catch (error) {
        // Only an ack, nak or term on a closed connection gets here; unsettled messages come back after ackWait.
        this.logger.error({ err: error, consumer: this.options.durableName }, 'event consumer could not settle a batch');
      }
    }
    await receiver;
  }

  /** Every message ends in an ack, a nak or a term. */
  private async handleBatch(messages: JsMsg[]): Promise<void> {
    const deliveries: Delivery[] = [];
    for (const message of messages) {
      this.options.metrics?.consumerLag?.set(message.info.pending);
      try {
        deliveries.push({ message, event: parseEvent(message.data) });
      } catch (error) {
        // No delivery will ever parse it, so it goes straight to the dead letters.
        await this.deadLetter(message, error);
      }
    }
    // Only events the consumer skips, and nothing to tell afterBatch: acknowledged without a transaction.
    if (!this.options.afterBatch && deliveries.every(({ event }) => !this.applies(event))) {
      await this.settleAll(
        deliveries,
        deliveries.map(() => ({ kind: 'handled' })),
      );
      return;
    }
    // A redelivery most likely failed before: straight to a savepoint per event, not a set-wise try first.
    if (this.options.setWise && deliveries.length > 0 && deliveries.every(({ message }) => message.info.deliveryCount === 1)) {
      const outcomes = await this.handleSetWise(deliveries);
      if (outcomes) {
        await this.settleAll(deliveries, outcomes);
        return;
      }
    }
    for (let start = 0; start < deliveries.length; start += SAVEPOINT_BATCH)
      await this.handleInOneTransaction(deliveries.slice(start, start + SAVEPOINT_BATCH));
  }

  /**
   * One transaction: one inbox insert for every delivery, then each new event's handler in stream
   * order, without savepoints, then afterBatch. Undefined when anything failed: the transaction
   * was rolled back, and the caller handles the deliveries a savepoint each.
   */
  private async handleSetWise(deliveries: Delivery[]): Promise<Outcome[] | undefined> {
    // The first event's workspace is set by the statement that opens the transaction: a round trip less per batch.
    const firstWorkspace = deliveries[0]?.event.workspaceId || null;
    try {
      return await transactionInWorkspace(this.options.dataSource, firstWorkspace, async (manager) => {
        const fresh = await this.recordAllInInbox(
          manager,
          deliveries.filter(({ event }) => this.applies(event)).map(({ event }) => event.id),
        );
        const outcomes: Outcome[] = [];
        const handled: HandledEvent[] = [];
        const { applyBatch } = this.options;
        // The run of events of the current workspace not yet given to applyBatch.
        let run: HandledEvent[] = [];
        const applyRun = async (): Promise<void> => {
          if (applyBatch && run.length > 0) await applyBatch(run, manager);
          run = [];
        };
        let workspace: string | undefined = firstWorkspace ?? undefined;
        for (const { message, event } of deliveries) {
          const position = { streamSequence: message.info.streamSequence };
          if (!this.applies(event)) {
            handled.push({ event, position });
            outcomes.push({ kind: 'handled' });
            continue;
          }
          // The same event twice in one batch (a redelivery) is new only the first time.
          if (!fresh.delete(event.id.toLowerCase())) {
            outcomes.push({ kind: 'duplicate' });
            continue;
          }
          const eventWorkspace = event.workspaceId ?? '';
          if (eventWorkspace !== workspace) {
            await applyRun();
            await setWorkspace(manager, eventWorkspace);
            workspace = eventWorkspace;
          }
          if (applyBatch) run.push({ event, position });
          else await context.with(traceContextOf(message.headers), () => this.options.handler(event, manager, position));
          handled.push({ event, position });
          outcomes.push({ kind: 'handled' });
        }
        await applyRun();
        if (handled.length > 0) await this.options.afterBatch?.(manager, handled);
        return outcomes;
      });
    } catch (error) {
      this.logger.warn(
        { err: error, consumer: this.options.durableName, events: deliveries.length },
        'set-wise event batch failed; handling its events a savepoint each',
      );
      return undefined;
    }
  }

  /**
   * Handles the deliveries in order in one transaction, each in a savepoint: a failing handler (or
   * inbox insert) is rolled back to its savepoint, which undoes its inbox row and its effect and
   * nothing else, and leaves the transaction usable for the next event; without it, the first error
   * would abort the transaction and every event with it. After the commit the handled and the
   * duplicate events are acknowledged, and the failed ones retried or dead-lettered.
   */
  private async handleInOneTransaction(deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = await this.options.dataSource.transaction(async (manager) => {
        const inTransaction: Outcome[] = [];
        for (const delivery of deliveries) inTransaction.push(await this.handleInSavepoint(manager, delivery));
        const handled = deliveries
          .filter((_delivery, index) => inTransaction[index]!.kind === 'handled')
          .map(({ message, event }) => ({ event, position: { streamSequence: message.info.streamSequence } }));
        if (handled.length > 0) await this.options.afterBatch?.(manager, handled);
        return inTransaction;
      });
    } catch (error) {
      // The transaction failed as a whole (its commit, or the connection), so none of it took effect.
      if (deliveries.length > 1) {
        // One event can still be the cause, e.g. by breaking a deferred constraint, checked only at the
        // commit: each gets a transaction of its own, so that only that one fails.
        this.logger.warn(
          { err: error, consumer: this.options.durableName, events: deliveries.length },
          'event batch transaction failed; handling its events one transaction each',
        );
        for (const delivery of deliveries) await this.handleInOneTransaction([delivery]);
        return;
      }
      outcomes = [{ kind: 'failed', error }];
    }
    await this.settleAll(deliveries, outcomes);
  }

  /**
   * Acknowledges the handled and duplicate deliveries with no await between them, so the NATS
   * client sends all the acks in one socket write (it flushes in a microtask: an await per ack
   * made it a write per ack, the largest cost of catching up); then settles the failed ones.
   */
  private async settleAll(deliveries: Delivery[], outcomes: Outcome[]): Promise<void> {
    for (const [index, delivery] of deliveries.entries()) if (outcomes[index]!.kind !== 'failed') this.acknowledge(delivery, outcomes[index]!);
    for (const [index, delivery] of deliveries.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.kind === 'failed') await this.retryOrDeadLetter(delivery, outcome.error);
    }
  }

  private async handleInSavepoint(manager: EntityManager, { message, event }: Delivery): Promise<Outcome> {
    // Never released, to spare a round trip per event: the commit ends them all (they nest meanwhile),
    // and ROLLBACK TO names the latest savepoint of that name, this event's.
    if (!this.applies(event)) return { kind: 'handled' };
    await manager.query('SAVEPOINT kinship_event');
    try {
      if (!(await this.recordInInbox(manager, event))) return { kind: 'duplicate' };
      if (message.info.deliveryCount > this.maxDeliver) {
        throw new Error(`no outcome after ${this.maxDeliver} deliveries: the consumer stopped or timed out while handling it`);
      }
      await context.with(traceContextOf(message.headers), () => this.options.handler(event, manager, { streamSequence: message.info.streamSequence }));
      return { kind: 'handled' };
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT kinship_event');
      return { kind: 'failed', error };
    }
  }

  private applies(event: DomainEvent): boolean {
    return this.options.applies?.(event) ?? true;
  }

  /** Retries a failed event after a back-off, or dead-letters it after maxDeliver deliveries. */
  private async retryOrDeadLetter({ message, event }: Delivery, error: unknown): Promise<void> {
    const deliveryCount = message.info.deliveryCount;
    const log = { consumer: this.options.durableName, eventId: event.id, type: event.type, deliveryCount };
    if (deliveryCount >= this.maxDeliver) {
      await this.deadLetter(message, error);
      return;
    }
    const retryInMs = this.backoffFor(deliveryCount);
    this.logger.warn({ ...log, err: error, retryInMs }, 'event handler failed; the event will be redelivered');
    message.nak(retryInMs);
  }

  /**
   * True if the event is new to this consumer; false if the inbox already holds it. The same
   * statement sets the workspace setting of row-level security to the event's (none when it has
   * none): an earlier event's workspace, still set in this transaction, would let this event's
   * handler see that workspace's rows. One statement rather than two, to spare a database round
   * trip per event.
   */
  private async recordInInbox(manager: EntityManager, event: DomainEvent): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `WITH confined AS (SELECT set_config($3, $4, true))
       INSERT INTO ${this.inboxTable} (consumer, event_id) SELECT $1::text, $2::uuid FROM confined
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.durableName, event.id, WORKSPACE_SETTING, event.workspaceId ?? ''],
    );
    return inserted.length === 1;
  }

  /** The ids among these that are new to this consumer, all recorded in the inbox by one statement. */
  private async recordAllInInbox(manager: EntityManager, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const inserted = await manager.query<Array<{ event_id: string }>>(
      `INSERT INTO ${this.inboxTable} (consumer, event_id) SELECT $1::text, id FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.durableName, eventIds],
    );
    return new Set(inserted.map((row) => row.event_id));
  }

  private async deadLetter(message: JsMsg, error: unknown): Promise<void> {
    const { durableName, js } = this.options;
    const deliveryCount = message.info.deliveryCount;
    const reason = error instanceof Error ? error.message : String(error);
    const headers = copyHeaders(message.headers);
    // Header values cannot span lines.
    headers.set(DEAD_LETTER_HEADERS.error, reason.replace(/[\r\n]+/g, ' ').slice(0, 1_000));
    headers.set(DEAD_LETTER_HEADERS.consumer, durableName);
    headers.set(DEAD_LETTER_HEADERS.deliveryCount, String(deliveryCount));
    headers.set(DEAD_LETTER_HEADERS.originalSubject, message.subject);
    const log = { consumer: durableName, subject: message.subject, streamSequence: message.info.streamSequence, deliveryCount };
    try {
      // One dead letter per consumer and stream message, even if this publish is retried.
      await js.publish(this.deadLetterSubject, message.data, { msgID: `${durableName}:${message.info.streamSequence}`, headers });
    } catch (publishError) {
      this.logger.error({ ...log, err: publishError }, 'could not publish a dead letter; the event will be redelivered');
      message.nak(this.backoffFor(deliveryCount));
      return;
    }
    message.term();
    this.options.metrics?.deadLetters?.inc();
    this.logger.error({ ...log, err: error, deadLetterSubject: this.deadLetterSubject }, 'event dead-lettered');
  }

  private acknowledge({ message, event }: Delivery, outcome: Outcome): void {
    message.ack();
    if (outcome.kind === 'duplicate') {
      this.logger.info(
        { consumer: this.options.durableName, eventId: event.id, type: event.type, deliveryCount: message.info.deliveryCount },
        'event already handled; acknowledged again',
      );
    }
  }

  private backoffFor(deliveryCount: number): number {
    if (this.backoffMs.length === 0) return 0;
    return this.backoffMs[Math.min(deliveryCount, this.backoffMs.length) - 1];
  }
}

function parseEvent(data: Uint8Array): DomainEvent {
  const value: unknown = JSON.parse(new TextDecoder().decode(data));
  const candidate = value as Partial<DomainEvent> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.id !== 'string' || !isUuid(candidate.id) || typeof candidate.type !== 'string') {
    throw new Error('message is not a domain event envelope (needs a UUID id and a type)');
  }
  return candidate as DomainEvent;
}

function copyHeaders(source: MsgHdrs | undefined): MsgHdrs {
  const copy = natsHeaders();
  if (!source) return copy;
  for (const [name, values] of source) {
    for (const value of values) copy.append(name, value);
  }
  return copy;
}
