import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { applyChangesById, required, ProjectionHandlers, subscribeProjection } from './projection.js';

const TYPES = ['record.created', 'record.updated', 'record.restored', 'record.deleted', 'records.imported', 'records.import_undone'] as const;
type RecordEvent = EventOf<(typeof TYPES)[number]>;

/**
 * reporting.object_records from crm's custom-object record events and import batches
 * (records.imported counts like that many single creates or updates), as the companies projection
 * keeps companies.
 */
@Injectable()
export class RecordsProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(this.events, this.handlers, 'records', TYPES, (events, manager) =>
      applyChangesById(events, manager, changesOf, (writer, workspaceId, changes) => this.write(writer, workspaceId, changes)),
    );
  }

  /** Changes of distinct records in one statement: upserts (dated by their event when new) and deletions. */
  private async write(manager: EntityManager, workspaceId: string, changes: RecordChange[]): Promise<void> {
    await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, upsert boolean, at timestamptz, object text, values jsonb, "createdBy" uuid)
       ), deleted AS (
         UPDATE reporting.object_records SET deleted_at = c.at FROM input c
         WHERE NOT c.upsert AND reporting.object_records.workspace_id = $1 AND reporting.object_records.id = ANY($3::uuid[]) AND reporting.object_records.id = c.id
       )
       INSERT INTO reporting.object_records (workspace_id, id, object_key, values, created_by, created_at)
       SELECT $1, c.id, c.object, coalesce(c.values, '{}'), c."createdBy", c.at FROM input c WHERE c.upsert
       ON CONFLICT (workspace_id, id) DO UPDATE SET values = EXCLUDED.values, created_by = coalesce(EXCLUDED.created_by, reporting.object_records.created_by),
         deleted_at = NULL`,
      [workspaceId, JSON.stringify(changes), changes.map((change) => change.id)],
    );
  }
}

/** One record's change by an event, as a row of the statement's input: upserted as the event carries it, or marked deleted. */
type RecordChange = { id: string; at: string } & (({ upsert: true } & CrmEvents.ObjectRecord) | { upsert: false });

/** An event's changes in the order it makes them. */
function changesOf(event: RecordEvent): RecordChange[] {
  const at = event.occurredAt;
  const upserted = (records: CrmEvents.ObjectRecord[]): RecordChange[] => records.map((record) => ({ ...record, upsert: true, at }));
  const deleted = (ids: string[]): RecordChange[] => ids.map((id) => ({ id, upsert: false, at }));
  switch (event.type) {
    case 'record.created':
    case 'record.updated':
    case 'record.restored':
      return upserted([required(event.data.record, event, 'record')]);
    case 'record.deleted':
      return deleted([event.data.recordId]);
    case 'records.imported':
      return upserted(event.data.records);
    case 'records.import_undone':
      return [...deleted(event.data.deletedIds), ...upserted(event.data.restored)];
  }
}
