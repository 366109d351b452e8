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
 * Events a projection applies in one transaction: one inbox statement and one position update
 * serve them all (catch-up from far behind is bound by statements per event).
 */
export const PROJECTION_BATCH = 500;

/**
 * Declares a projection of events of the given types: a durable consumer from the start of the
 * stream whose effects, inbox records and new stream position commit together, a batch of events
 * at a time (set-wise: no savepoint per event, the inbox in one statement, the position once per
 * batch), so a redelivered event changes nothing and the recorded position never runs ahead of
 * what was applied. The position moves with every event the consumer takes, of the projection's
 * types or not.
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
    {
      durableName: consumerName(projection),
      startFrom: 'all',
      setWise: true,
      maxBatch: PROJECTION_BATCH,
      afterBatch: (manager, handled) => {
        const last = handled.reduce((newest, candidate) => (candidate.position.streamSequence > newest.position.streamSequence ? candidate : newest));
        return recordPosition(manager, projection, last.event, last.position);
      },
    },
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
