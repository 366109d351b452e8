import { Injectable } from '@nestjs/common';
import { isCurrency, type EventType } from '@kinship/contracts';
import type { DomainEvent, StreamPosition } from '@kinship/messaging';
import { eventFilterSubject, eventOfTypes, type DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';

/** The projections this service keeps; each is one durable consumer named `reporting-<name>`. */
export const PROJECTIONS = ['pipelines', 'deals', 'contacts', 'tasks', 'companies', 'notes', 'emails', 'billing'] as const;
export type ProjectionName = (typeof PROJECTIONS)[number];

export function consumerName(projection: ProjectionName): string {
  return `reporting-${projection}`;
}

export type ProjectionHandler = (event: DomainEvent, manager: EntityManager) => Promise<void>;

export interface RegisteredProjection {
  projection: ProjectionName;
  /** The live consumer's filter subject, as one list of them. */
  subjects: string[];
  /** Applies an event of the projection's types; skips one of another type its subject lets through, as the live consumer does. */
  apply: ProjectionHandler;
}

/** Every projection's subjects and handler, so a rebuild can replay the stream through the same code as the live consumers. */
@Injectable()
export class ProjectionHandlers {
  readonly all: RegisteredProjection[] = [];
}

/**
 * Declares a projection of events of the given types: a durable consumer from the start of the
 * stream whose effect, inbox record and new stream position commit together, so a redelivered
 * event changes nothing and the recorded position never runs ahead of what was applied. The
 * position moves with every event the consumer takes, of the projection's types or not.
 */
export function subscribeProjection<T extends EventType>(
  events: DomainEvents,
  handlers: ProjectionHandlers,
  projection: ProjectionName,
  types: readonly T[],
  apply: (event: EventOf<T>, manager: EntityManager) => Promise<void>,
): void {
  const handles = eventOfTypes(types);
  handlers.all.push({
    projection,
    subjects: [eventFilterSubject(types)],
    apply: async (event, manager) => {
      if (handles(event)) await apply(event, manager);
    },
  });
  events.subscribe(
    types,
    { durableName: consumerName(projection), startFrom: 'all', afterEach: (event, manager, position) => recordPosition(manager, projection, event, position) },
    (event, manager) => apply(event, manager),
  );
}

async function recordPosition(manager: EntityManager, projection: ProjectionName, event: DomainEvent, position: StreamPosition): Promise<void> {
  await manager.query(
    `INSERT INTO reporting.projection_positions (projection, stream_sequence, last_event_id, last_occurred_at, applied_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (projection) DO UPDATE SET stream_sequence = EXCLUDED.stream_sequence, last_event_id = EXCLUDED.last_event_id,
       last_occurred_at = EXCLUDED.last_occurred_at, applied_at = EXCLUDED.applied_at
     WHERE reporting.projection_positions.stream_sequence < EXCLUDED.stream_sequence`,
    [projection, position.streamSequence, event.id, event.occurredAt],
  );
}

/** Throws when an event lacks the record its type promises; the consumer retries, then dead-letters it. */
export function required<T>(value: T | null | undefined, event: DomainEvent, field: string): T {
  if (value === null || value === undefined) throw new Error(`${event.type} ${event.id} has no ${field}`);
  return value;
}

/** Throws on an amount in a currency that is not ISO 4217: retried, then dead-lettered, never counted in a made-up currency. */
export function knownCurrency(currency: string, event: DomainEvent): void {
  if (!isCurrency(currency)) throw new Error(`${event.type} ${event.id} has an unknown currency ${JSON.stringify(currency)}`);
}
