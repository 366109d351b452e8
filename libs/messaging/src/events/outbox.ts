import { assertIdentifier } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
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
    // Outside a transaction the row would be committed on its own, whatever happens to the state change.
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.add needs the EntityManager of an open transaction');
    }
    const envelope: DomainEvent<T> = {
      id: event.id ?? uuidv7(),
      type: event.type,
      version: event.version ?? 1,
      occurredAt: event.occurredAt ?? new Date().toISOString(),
      workspaceId: event.workspaceId,
      actorId: event.actorId,
      aggregateId: event.aggregateId,
      data: event.data,
    };
    const subject = subjectFor(this.options.namespace, this.options.service, envelope.type);
    await manager.query(
      `INSERT INTO ${this.table} (id, subject, type, payload, headers, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [envelope.id, subject, envelope.type, JSON.stringify(envelope), JSON.stringify(captureTraceHeaders()), envelope.occurredAt],
    );
    return envelope;
  }
}
