import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServiceConfig } from '@kinship/config';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventType } from '@kinship/contracts';
import { EventConsumer, ensureEventStream, OutboxRelay, OutboxWriter, type DomainEvent, type HandledEvent, type NewDomainEvent, type StreamPosition } from '@kinship/messaging';
import { ServiceMetrics, type Logger } from '@kinship/observability';
import { WORKSPACE_SETTING } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { LOGGER, NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '../tokens.js';

/** Emits an event of a type the contracts know (libs/contracts EVENT_TYPES). */
export type Emit = <T>(event: NewDomainEvent<T> & { type: EventType }) => Promise<DomainEvent<T>>;

/** Published events are kept this long for inspection before the hourly purge removes them. */
const PUBLISHED_RETENTION_HOURS = 72;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Handles one consumed event in the consumer's transaction; what it emits commits with its effect
 * and the inbox record (the relay publishes it on its next poll).
 */
export type SubscriptionHandler = (event: DomainEvent, manager: EntityManager, emit: Emit, position: StreamPosition) => Promise<void>;

export interface Subscription {
  /** Durable consumer name, unique per consuming service and purpose, e.g. 'crm-workspace-setup'. */
  durableName: string;
  /** Subjects without the namespace, e.g. ['events.auth.workspace.created']. */
  filterSubjects: string[];
  /** Runs in the consumer's transaction, confined by row-level security to the event's workspace. */
  handler: SubscriptionHandler;
  /** 'new' to skip the events published before the consumer first existed; default 'all'. */
  startFrom?: 'all' | 'new';
  maxDeliver?: number;
  backoffMs?: number[];
  /** Most events a transaction (EventConsumer's maxBatch); beyond 50 only with setWise. */
  maxBatch?: number;
  /** The handler only writes in its transaction (a read model): batches without a savepoint per event (EventConsumer's setWise). */
  setWise?: boolean;
  /** Runs in the batch's transaction after its handlers, with the events they applied (EventConsumer's afterBatch). */
  afterBatch?: (manager: EntityManager, handled: HandledEvent[]) => Promise<void>;
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
   * given; what it emits is published after the commit, and never if it rolls back.
   */
  async transaction<T>(workspaceId: string | null, work: (manager: EntityManager, emit: Emit) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(async (manager) => {
      if (workspaceId) await manager.query('SELECT set_config($1, $2, true)', [WORKSPACE_SETTING, workspaceId]);
      const emit: Emit = (event) => this.writer.add(manager, event);
      return work(manager, emit);
    });
    this.relay.notify();
    return result;
  }

  /** Declares a durable consumer; call it from a feature's constructor or onModuleInit. */
  subscribe(subscription: Subscription): void {
    if (this.started) throw new Error(`subscribe "${subscription.durableName}" before the application starts`);
    this.subscriptions.push(subscription);
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nats);
    await ensureEventStream(jsm, this.info.namespace, { maxAgeDays: this.config.EVENTS_MAX_AGE_DAYS, maxBytes: this.config.EVENTS_MAX_BYTES });
    this.relay.start();
    for (const subscription of this.subscriptions) {
      const consumer = new EventConsumer({
        dataSource: this.dataSource,
        schema: this.schema(),
        js: jetstream(this.nats),
        jsm,
        namespace: this.info.namespace,
        ...subscription,
        // The consumer confines each event's handler to the event's workspace (row-level security).
        handler: (event, manager, position) => subscription.handler(event, manager, (newEvent) => this.writer.add(manager, newEvent), position),
        logger: this.logger,
        metrics: {
          deadLetters: this.metrics.deadLetters.labels({ service: this.info.name, consumer: subscription.durableName }),
          consumerLag: this.metrics.consumerLag.labels({ service: this.info.name, consumer: subscription.durableName }),
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
      this.metrics.consumerLag.set({ service: this.info.name, consumer: this.subscriptions[index]!.durableName }, await consumer.lag());
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

  private schema(): string {
    const { schema } = this.dataSource.options as { schema?: string };
    if (!schema) throw new Error('the service DataSource has no schema');
    return schema;
  }
}
