import { Injectable } from '@nestjs/common';
import { isCurrency, type EventType } from '@kinship/contracts';
import type { DomainEvent, StreamPosition } from '@kinship/messaging';
import { eventFilterSubject, eventOfTypes, type DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';

/** The projections this service keeps; each is one durable consumer named `reporting-<name>`. */
export const PROJECTIONS = ['pipelines', 'deals', 'contacts', 'tasks', 'companies', 'notes', 'emails', 'billing', 'records'] as const;
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
  /** Applies a run of one workspace's events in stream order at once, as the live consumer's set-wise batch does; skips those of other types. */
  applyRun: (events: DomainEvent[], manager: EntityManager) => Promise<void>;
}

/** Every projection's subjects and handler, so a rebuild can replay the stream through the same code as the live consumers. */
@Injectable()
export class ProjectionHandlers {
  readonly all: RegisteredProjection[] = [];
}

/**
 * Events a projection applies in one transaction: one inbox statement, one statement per
 * projection run and one position update serve them all. Catch-up from far behind is bound by
 * round trips per batch (each 20–60 ms on the loaded machine whatever it does), so the bigger the
 * better, up to what a batch's statements take well within the 30 s ack wait.
 */
export const PROJECTION_BATCH = 5_000;

/**
 * Declares a projection of events of the given types: a durable consumer from the start of the
 * stream whose effects, inbox records and new stream position commit together, a batch of events
 * at a time (set-wise: no savepoint per event, the inbox in one statement, the position once per
 * batch), so a redelivered event changes nothing and the recorded position never runs ahead of
 * what was applied. The position moves with every event the consumer takes, of the projection's
 * types or not.
 *
 * `apply` gets a run of events of one workspace in stream order (a whole batch's, or one event
 * when a failed batch is replayed a savepoint each to find the bad event, or during a rebuild),
 * and must leave the read model as applying them one by one would.
 */
export function subscribeProjection<T extends EventType>(
  events: DomainEvents,
  handlers: ProjectionHandlers,
  projection: ProjectionName,
  types: readonly T[],
  apply: (events: Array<EventOf<T>>, manager: EntityManager) => Promise<void>,
): void {
  const handles = eventOfTypes(types);
  handlers.all.push({
    projection,
    subjects: [eventFilterSubject(types)],
    apply: async (event, manager) => {
      if (handles(event)) await apply([event], manager);
    },
    applyRun: async (events, manager) => {
      const typed = events.filter(handles);
      if (typed.length > 0) await apply(typed, manager);
    },
  });
  events.subscribe(
    types,
    {
      durableName: consumerName(projection),
      startFrom: 'all',
      setWise: true,
      maxBatch: PROJECTION_BATCH,
      applyBatch: (run, manager) =>
        apply(
          run.map(({ event }) => event),
          manager,
        ),
      afterBatch: (manager, handled) => {
        const last = handled.reduce((newest, candidate) => (candidate.position.streamSequence > newest.position.streamSequence ? candidate : newest));
        return recordPosition(manager, projection, last.event, last.position);
      },
    },
    (event, manager) => apply([event], manager),
  );
}

/**
 * Splits events into layers in which no key (an entity's id) comes up twice: an event goes into the
 * layer after the last one holding an earlier event of any of its keys, so each entity's events
 * keep their stream order across the layers. Within a layer, one statement can apply every event
 * at once, as no row is written twice; the projections' rows of one entity depend on that entity's
 * events alone, so the order between different entities' events does not matter. Splitting the
 * stream into stretches at every repeat instead made a statement per few events where entities
 * come up again soon (the bench's contacts, one in ten updated right after its creation: about 100 events/s).
 */
export function layersWithoutRepeats<E>(events: E[], keys: (event: E) => readonly string[]): E[][] {
  const layers: E[][] = [];
  const lastLayer = new Map<string, number>();
  for (const event of events) {
    const eventKeys = keys(event);
    const layer = 1 + Math.max(-1, ...eventKeys.map((key) => lastLayer.get(key) ?? -1));
    (layers[layer] ??= []).push(event);
    for (const key of eventKeys) lastLayer.set(key, layer);
  }
  return layers;
}

/**
 * Applies a run of one workspace's events as changes of records by id, each record's in stream
 * order: `write` gets each layer in which no record comes up twice, to apply in one statement.
 */
export async function applyChangesById<E extends DomainEvent, C extends { id: string }>(
  events: E[],
  manager: EntityManager,
  changesOf: (event: E) => C[],
  write: (manager: EntityManager, workspaceId: string, changes: C[]) => Promise<void>,
): Promise<void> {
  const workspaceId = workspaceOf(events);
  for (const layer of layersWithoutRepeats(events.flatMap(changesOf), (change) => [change.id])) await write(manager, workspaceId, layer);
}

/**
 * For the projections whose events come seldom enough that a statement or two each is no
 * bottleneck (pipelines, billing): a run applied an event at a time.
 */
export function oneByOne<E>(apply: (event: E, manager: EntityManager) => Promise<void>): (events: E[], manager: EntityManager) => Promise<void> {
  return async (events, manager) => {
    for (const event of events) await apply(event, manager);
  };
}

/** The workspace of a run of events (the consumer hands over runs of one workspace). */
export function workspaceOf(events: DomainEvent[]): string {
  const [first] = events;
  if (!first) throw new Error('a run of events is never empty');
  const workspaceId = required(first.workspaceId, first, 'workspaceId');
  for (const event of events) if (event.workspaceId !== workspaceId) throw new Error(`${event.type} ${event.id} is of another workspace than its run`);
  return workspaceId;
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
