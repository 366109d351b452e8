import { assertIdentifier, newId, preparedQuery, type Statement } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { assertNamespace, subjectFor, type DomainEvent } from './event-envelope.js';
import { captureTraceHeaders } from './trace-context.js';

/**
 * DDL of the outbox and inbox tables in a service's own schema, for its TypeORM migration
 * (`up` in order in `up()`, `down` in `down()`). The schema itself belongs to the service.
 */
export function messagingTablesSql(schema: string): { up: string[]; down: string[] } {
  const qualified = `"${assertIdentifier(schema)}"`;
  return {
    up: [
      `CREATE TABLE ${qualified}.outbox (
        id uuid PRIMARY KEY,
        position bigint GENERATED ALWAYS AS IDENTITY,
        subject text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        published_at timestamptz
      )`,
      // The relay only ever reads unpublished rows in position order; published rows stay out of the index.
      `CREATE INDEX outbox_unpublished_position_idx ON ${qualified}.outbox (position) WHERE published_at IS NULL`,
      `CREATE TABLE ${qualified}.inbox (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`,
    ],
    down: [`DROP TABLE ${qualified}.inbox`, `DROP TABLE ${qualified}.outbox`],
  };
}

export interface OutboxWriterOptions {
  /** The service's schema, holding its outbox table. */
  schema: string;
  /** The service part of the subject: `events.<service>.<type>`. */
  service: string;
  /** NATS namespace prefixed to every subject ('' in production). */
  namespace: string;
}

/** An event as a caller writes it: id, occurredAt and version are filled in unless given. */
export type NewDomainEvent<T = unknown> = Omit<DomainEvent<T>, 'id' | 'occurredAt' | 'version'> &
  Partial<Pick<DomainEvent<T>, 'id' | 'occurredAt' | 'version'>>;

/** An event ready for the outbox: prepare() made it, write() stores it. */
export interface PendingEvent<T = unknown> {
  envelope: DomainEvent<T>;
  subject: string;
  headers: Record<string, string>;
}

/**
 * Writes domain events to the outbox inside the caller's transaction, so an event exists if and
 * only if the state change that caused it was committed. The relay publishes it afterwards;
 * call its notify() after the commit to have it published at once.
 */
export class OutboxWriter {
  private readonly table: string;

  constructor(private readonly options: OutboxWriterOptions) {
    this.table = `"${assertIdentifier(options.schema)}".outbox`;
    assertNamespace(options.namespace);
  }

  async add<T>(manager: EntityManager, event: NewDomainEvent<T>): Promise<DomainEvent<T>> {
    const pending = this.prepare(event);
    await this.write(manager, [pending]);
    return pending.envelope;
  }

  /** The event's envelope and outbox row, to be written later by write() in the same transaction. */
  prepare<T>(event: NewDomainEvent<T>): PendingEvent<T> {
    const envelope: DomainEvent<T> = {
      id: event.id ?? newId(),
      type: event.type,
      version: event.version ?? 1,
      occurredAt: event.occurredAt ?? new Date().toISOString(),
      workspaceId: event.workspaceId,
      actorId: event.actorId,
      aggregateId: event.aggregateId,
      data: event.data,
    };
    // The trace context is the caller's now, not whatever is current when the row is written.
    return { envelope, subject: subjectFor(this.options.namespace, this.options.service, envelope.type), headers: captureTraceHeaders() };
  }

  /** Writes prepared events in one statement, in their order (the outbox position follows it). */
  async write(manager: EntityManager, events: readonly PendingEvent[]): Promise<void> {
    // Outside a transaction the rows would be committed on their own, whatever happens to the state change.
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.write needs the EntityManager of an open transaction');
    }
    const statement = this.statement(events);
    if (statement) await preparedQuery(manager, statement.sql, statement.parameters);
  }

  /**
   * The statement that writes prepared events, in their order, for a transaction to run as its
   * last write (transactionInWorkspace); null for none. Run it as a prepared statement: one text
   * per service, written by nearly every transaction that changes something.
   */
  statement(events: readonly PendingEvent[]): Statement | null {
    if (events.length === 0) return null;
    // The payloads go as one JSON array, not a jsonb[]: pg escapes every quote of a jsonb[] element,
    // which for large payloads (an import's events of 500 records) cost more than the JSON itself.
    return {
      sql: `INSERT INTO ${this.table} (id, subject, type, payload, headers, occurred_at)
       SELECT event.id, event.subject, event.type, payload.value, event.headers, event.occurred_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $5::jsonb[], $6::timestamptz[]) WITH ORDINALITY AS event(id, subject, type, headers, occurred_at, n)
       JOIN jsonb_array_elements($4::jsonb) WITH ORDINALITY AS payload(value, n) USING (n)
       ORDER BY n`,
      parameters: [
        events.map((event) => event.envelope.id),
        events.map((event) => event.subject),
        events.map((event) => event.envelope.type),
        JSON.stringify(events.map((event) => event.envelope)),
        events.map((event) => JSON.stringify(event.headers)),
        events.map((event) => event.envelope.occurredAt),
      ],
    };
  }
}
