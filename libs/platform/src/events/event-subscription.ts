import { EVENT_TYPES, type EventPayloads, type EventType } from '@kinship/contracts';
import type { DomainEvent, HandledEvent, StreamPosition } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import type { Emit } from './domain-events.service.js';

/** A domain event of one of the types T, its `data` typed by the contracts; `switch (event.type)` narrows it. */
export type EventOf<T extends EventType> = { [K in T]: DomainEvent<EventPayloads[K]> & { type: K } }[T];

/**
 * Handles one consumed event in the consumer's transaction, confined by row-level security to
 * the event's workspace; what it emits commits with its effect and the inbox record.
 */
export type EventHandler<T extends EventType> = (event: EventOf<T>, manager: EntityManager, emit: Emit, position: StreamPosition) => Promise<void>;

/**
 * Applies a run of consumed events of one workspace at once (EventConsumer's applyBatch), those of
 * other types left out; what it emits commits with the batch.
 */
export type BatchHandler<T extends EventType> = (
  events: Array<{ event: EventOf<T>; position: StreamPosition }>,
  manager: EntityManager,
  emit: Emit,
) => Promise<void>;

export interface SubscriptionOptions {
  /** Durable consumer name, unique per consuming service and purpose, e.g. 'crm-workspace-setup'. */
  durableName: string;
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
 * The consumer's filter subject (without the namespace): one type's own subject; for several, the
 * narrowest wildcard that covers them, `events.<service>.<aggregate>.>` or `events.<service>.>`,
 * else `events.>` (NATS 2.9 allows one filter subject per consumer). Events of other types it
 * lets through are taken and skipped.
 */
export function eventFilterSubject(types: readonly EventType[]): string {
  const [first, ...others] = types;
  if (!first) throw new Error('a subscription names at least one event type');
  const service = EVENT_TYPES[first].service;
  if (others.length === 0) return `events.${service}.${first}`;
  if (others.some((type) => EVENT_TYPES[type].service !== service)) return 'events.>';
  const aggregate = aggregateOf(first);
  if (others.every((type) => aggregateOf(type) === aggregate)) return `events.${service}.${aggregate}.>`;
  return `events.${service}.>`;
}

/** A guard telling the events of the given types from the others a consumer's filter lets through. */
export function eventOfTypes<T extends EventType>(types: readonly T[]): (event: DomainEvent) => event is EventOf<T> {
  const handled: ReadonlySet<string> = new Set(types);
  return (event): event is EventOf<T> => handled.has(event.type);
}

function aggregateOf(type: EventType): string {
  return type.slice(0, type.indexOf('.'));
}
