import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServiceConfig } from '@kinship/config';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventType } from '@kinship/contracts';
import {
  EventConsumer,
  ensureEventStream,
  OutboxRelay,
  OutboxWriter,
  type DomainEvent,
  type HandledEvent,
  type NewDomainEvent,
  type PendingEvent,
  type StreamPosition,
} from '@kinship/messaging';
import { ServiceMetrics, type Logger } from '@kinship/observability';
import { transactionInWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { LOGGER, NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '../tokens.js';
import { eventFilterSubject, eventOfTypes, type BatchHandler, type EventHandler, type EventOf, type SubscriptionOptions } from './event-subscription.js';

/** Emits an event of a type the contracts know (libs/contracts EVENT_TYPES). */
export type Emit = <T>(event: NewDomainEvent<T> & { type: EventType }) => Promise<DomainEvent<T>>;

/** Published events are kept this long for inspection before the hourly purge removes them. */
const PUBLISHED_RETENTION_HOURS = 72;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** A durable consumer declared by subscribe(): its filter subject, and what it does with each event it takes. */
interface Subscription {
  options: SubscriptionOptions;
  filterSubject: string;
  /** Whether an event the filter subject lets through is of one of the subscribed types. */
  applies: (event: DomainEvent) => boolean;
  handle: (event: DomainEvent, manager: EntityManager, position: StreamPosition) => Promise<void>;
  handleBatch?: (events: HandledEvent[], manager: EntityManager) => Promise<void>;
}

/**
 * A service's side of domain events: state changes and the events they cause commit in one
 * transaction (the outbox); a relay publishes them; subscriptions consume other services'
 * events with an inbox, so each has one effect.
 */
@Injectable()
export class DomainEvents implements OnApplicationBootstrap {
  private readonly writer: OutboxWriter;
  private readonly relay: OutboxRelay;
  private readonly consumers: EventConsumer[] = [];
  private readonly subscriptions: Subscription[] = [];
  private started = false;
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
    private readonly config: ServiceConfig,
  ) {
    const schema = this.schema();
    this.writer = new OutboxWriter({ schema, service: info.name, namespace: info.namespace });
    this.relay = new OutboxRelay({
      dataSource,
      schema,
      js: jetstream(nats),
      logger,
      metrics: { outboxBacklog: metrics.outboxBacklog.labels({ service: info.name }) },
    });
  }

  /**
   * Runs work in one transaction, confined to a workspace by row-level security when one is
   * given; what it emits is published after the commit, and never if it rolls back. The events
   * are written to the outbox in one statement when the work is done (one round trip, not one
   * per event), still inside its transaction: its last write, sent with the COMMIT.
   */
  async transaction<T>(workspaceId: string | null, work: (manager: EntityManager, emit: Emit) => Promise<T>): Promise<T> {
    const pending: PendingEvent[] = [];
    const result = await transactionInWorkspace(
      this.dataSource,
      workspaceId || null,
      (manager) => work(manager, this.collector(pending)),
      () => this.writer.statement(pending),
    );
    this.relay.notify();
    return result;
  }

  /**
   * Runs work once per item in one transaction, each in its own savepoint: an item whose work
   * throws has its writes and its events undone and the others go on (a bulk change whose records
   * succeed or fail one by one). Answers each item's value or error, in order.
   */
  async transactionEach<I, T>(
    workspaceId: string | null,
    items: readonly I[],
    work: (manager: EntityManager, emit: Emit, item: I) => Promise<T>,
  ): Promise<Array<{ value: T } | { error: unknown }>> {
    const pending: PendingEvent[] = [];
    const outcomes = await transactionInWorkspace(
      this.dataSource,
      workspaceId || null,
      async (manager) => {
        const results: Array<{ value: T } | { error: unknown }> = [];
        for (const item of items) {
          const itemEvents: PendingEvent[] = [];
          await manager.query('SAVEPOINT each_item');
          try {
            const value = await work(manager, this.collector(itemEvents), item);
            await manager.query('RELEASE SAVEPOINT each_item');
            pending.push(...itemEvents);
            results.push({ value });
          } catch (error) {
            await manager.query('ROLLBACK TO SAVEPOINT each_item');
            results.push({ error });
          }
        }
        return results;
      },
      () => this.writer.statement(pending),
    );
    this.relay.notify();
    return outcomes;
  }

  /**
   * Declares a durable consumer of events of the given types (EVENT_TYPES of @kinship/contracts:
   * a misspelt type fails to compile), whose handler gets each one with its payload typed; call it
   * from a feature's constructor or onModuleInit. The consumer's filter subject is derived from the
   * types (eventFilterSubject); events of other types it lets through are acknowledged and skipped,
   * without an inbox record.
   */
  subscribe<T extends EventType>(types: T | readonly T[], options: SubscriptionOptions & { applyBatch?: BatchHandler<T> }, handler: EventHandler<T>): void {
    if (this.started) throw new Error(`subscribe "${options.durableName}" before the application starts`);
    const listed: readonly T[] = typeof types === 'string' ? [types] : types;
    const handles = eventOfTypes(listed);
    const { applyBatch } = options;
    this.subscriptions.push({
      options,
      filterSubject: eventFilterSubject(listed),
      applies: handles,
      // What the handler emits is written to the outbox in one statement when it returns, still in
      // its transaction (and savepoint), as transaction() does: one round trip, not one per event.
      handle: async (event, manager, position) => {
        if (!handles(event)) return;
        const pending: PendingEvent[] = [];
        await handler(event, manager, this.collector(pending), position);
        await this.writer.write(manager, pending);
      },
      handleBatch:
        applyBatch &&
        (async (events, manager) => {
          const typed = events.filter((handled): handled is { event: EventOf<T>; position: StreamPosition } => handles(handled.event));
          if (typed.length === 0) return;
          const pending: PendingEvent[] = [];
          await applyBatch(typed, manager, this.collector(pending));
          await this.writer.write(manager, pending);
        }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nats);
    await ensureEventStream(jsm, this.info.namespace, { maxAgeDays: this.config.EVENTS_MAX_AGE_DAYS, maxBytes: this.config.EVENTS_MAX_BYTES });
    this.relay.start();
    for (const { options, filterSubject, applies, handle, handleBatch } of this.subscriptions) {
      const consumer = new EventConsumer({
        dataSource: this.dataSource,
        schema: this.schema(),
        js: jetstream(this.nats),
        jsm,
        namespace: this.info.namespace,
        durableName: options.durableName,
        filterSubjects: [filterSubject],
        startFrom: options.startFrom,
        maxDeliver: options.maxDeliver,
        backoffMs: options.backoffMs,
        maxBatch: options.maxBatch,
        setWise: options.setWise,
        afterBatch: options.afterBatch,
        applyBatch: handleBatch,
        applies,
        // The consumer confines each event's handler to the event's workspace (row-level security).
        handler: handle,
        logger: this.logger,
        metrics: {
          deadLetters: this.metrics.deadLetters.labels({ service: this.info.name, consumer: options.durableName }),
          consumerLag: this.metrics.consumerLag.labels({ service: this.info.name, consumer: options.durableName }),
        },
      });
      await consumer.start();
      this.consumers.push(consumer);
    }
    this.metrics.refreshOnScrape(() => this.refreshGauges());
    this.purgeTimer = setInterval(() => void this.purgePublished(), PURGE_INTERVAL_MS).unref();
    this.started = true;
  }

  private async refreshGauges(): Promise<void> {
    this.metrics.outboxBacklog.set({ service: this.info.name }, await this.relay.backlog());
    for (const [index, consumer] of this.consumers.entries()) {
      this.metrics.consumerLag.set({ service: this.info.name, consumer: this.subscriptions[index]!.options.durableName }, await consumer.lag());
    }
  }

  private async purgePublished(): Promise<void> {
    try {
      const purged = await this.relay.purgePublished(PUBLISHED_RETENTION_HOURS);
      if (purged > 0) this.logger.info({ purged }, 'purged published outbox rows');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not purge published outbox rows');
    }
  }

  /** Stops consuming, then publishes what is already committed; called before NATS closes. */
  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.relay.stop();
  }

  /** An Emit that prepares each event into `pending`, for one outbox write at the end of the work. */
  private collector(pending: PendingEvent[]): Emit {
    return (event) => {
      const prepared = this.writer.prepare(event);
      pending.push(prepared);
      return Promise.resolve(prepared.envelope);
    };
  }

  private schema(): string {
    const { schema } = this.dataSource.options as { schema?: string };
    if (!schema) throw new Error('the service DataSource has no schema');
    return schema;
  }
}
