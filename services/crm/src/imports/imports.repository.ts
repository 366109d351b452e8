import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { ImportDateFormat, ImportKind } from '@kinship/contracts/crm';
import type { ColumnTarget } from './column-mapping.js';
import type { RecordType } from './import-entities.js';

export const IMPORT_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled', 'undone'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export type ImportMode = 'merge' | 'overwrite';

/** GET /imports/:id shows the first errors; the rest are in the error CSV. */
export const ERRORS_SHOWN = 100;

export interface ImportRow {
  id: string;
  workspaceId: string;
  entity: ImportKind;
  /** A records import's custom object key, and the field its rows are matched on (null: every row creates). */
  object: string | null;
  matchField: string | null;
  mode: ImportMode;
  lifecycleBackward: boolean;
  status: ImportStatus;
  fileKey: string;
  fileName: string;
  requestedMapping: Record<string, ColumnTarget>;
  dateFormat: ImportDateFormat | null;
  mapping: Record<string, ColumnTarget> | null;
  columns: string[] | null;
  unmappedColumns: string[];
  total: number | null;
  position: number;
  batches: number;
  created: number;
  updated: number;
  conflicts: number;
  failed: number;
  failureReason: string | null;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledAt: Date | null;
  undoneAt: Date | null;
}

const IMPORT_COLUMNS = `id, workspace_id AS "workspaceId", entity, object_key AS "object", match_field AS "matchField", mode, lifecycle_backward AS "lifecycleBackward", status, file_key AS "fileKey",
  file_name AS "fileName", requested_mapping AS "requestedMapping", date_format AS "dateFormat", mapping, columns, unmapped_columns AS "unmappedColumns", total, position, batches,
  created, updated, conflicts, failed, failure_reason AS "failureReason", requested_by AS "requestedBy", created_at AS "createdAt",
  started_at AS "startedAt", finished_at AS "finishedAt", cancelled_at AS "cancelledAt", undone_at AS "undoneAt"`;

export interface ImportErrorRow {
  line: number;
  message: string;
  values: string[];
}

export interface ConflictRow {
  id: string;
  importId: string;
  recordType: RecordType | 'record';
  recordId: string;
  line: number;
  field: string;
  existingValue: unknown;
  incomingValue: unknown;
  status: 'open' | 'resolved';
  resolution: string | null;
  resolvedValue: unknown;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

const CONFLICT_COLUMNS = `id, import_id AS "importId", record_type AS "recordType", record_id AS "recordId", line, field,
  existing_value AS "existingValue", incoming_value AS "incomingValue", status, resolution, resolved_value AS "resolvedValue",
  resolved_by AS "resolvedBy", resolved_at AS "resolvedAt", created_at AS "createdAt"`;

export interface BatchProgress {
  position: number;
  created: number;
  updated: number;
  conflicts: number;
  failed: number;
}

/** crm.imports and its side tables; every method runs in the caller's transaction (row-level security set). */
@Injectable()
export class ImportsRepository {
  async insert(
    manager: EntityManager,
    values: Pick<
      ImportRow,
      | 'id'
      | 'workspaceId'
      | 'entity'
      | 'object'
      | 'matchField'
      | 'mode'
      | 'lifecycleBackward'
      | 'fileKey'
      | 'fileName'
      | 'requestedMapping'
      | 'dateFormat'
      | 'requestedBy'
    >,
  ): Promise<ImportRow> {
    const rows: ImportRow[] = await manager.query(
      `INSERT INTO crm.imports (id, workspace_id, entity, mode, lifecycle_backward, status, file_key, file_name, requested_mapping, date_format, requested_by,
         object_key, match_field)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12) RETURNING ${IMPORT_COLUMNS}`,
      [
        values.id,
        values.workspaceId,
        values.entity,
        values.mode,
        values.lifecycleBackward,
        values.fileKey,
        values.fileName,
        JSON.stringify(values.requestedMapping),
        values.dateFormat,
        values.requestedBy,
        values.object,
        values.matchField,
      ],
    );
    return rows[0]!;
  }

  async find(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ImportRow | null> {
    const rows: ImportRow[] = await manager.query(
      `SELECT ${IMPORT_COLUMNS} FROM crm.imports WHERE workspace_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  async list(manager: EntityManager, workspaceId: string, limit: number): Promise<ImportRow[]> {
    return manager.query(`SELECT ${IMPORT_COLUMNS} FROM crm.imports WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [workspaceId, limit]);
  }

  /** Marks a queued (or resumed) import as running and records what its columns fill. */
  async start(manager: EntityManager, id: string, mapping: { columns: string[]; byColumn: Record<string, ColumnTarget>; unmapped: string[] }): Promise<void> {
    await manager.query(
      `UPDATE crm.imports SET status = 'processing', started_at = coalesce(started_at, now()), columns = $2, mapping = $3, unmapped_columns = $4
       WHERE id = $1 AND status IN ('queued', 'processing')`,
      [id, mapping.columns, JSON.stringify(mapping.byColumn), mapping.unmapped],
    );
  }

  async addProgress(manager: EntityManager, id: string, progress: BatchProgress): Promise<void> {
    await manager.query(
      `UPDATE crm.imports SET position = $2, batches = batches + 1, created = created + $3, updated = updated + $4, conflicts = conflicts + $5, failed = failed + $6
       WHERE id = $1`,
      [id, progress.position, progress.created, progress.updated, progress.conflicts, progress.failed],
    );
  }

  async finish(manager: EntityManager, id: string, status: 'completed' | 'failed', failureReason: string | null = null): Promise<ImportRow> {
    const rows = await updateReturning<ImportRow>(
      manager,
      `UPDATE crm.imports SET status = $2, finished_at = now(), failure_reason = $3, total = CASE WHEN $2 = 'completed' THEN position ELSE total END
       WHERE id = $1 RETURNING ${IMPORT_COLUMNS}`,
      [id, status, failureReason],
    );
    return rows[0]!;
  }

  async setStatus(manager: EntityManager, id: string, status: 'cancelled' | 'undone'): Promise<void> {
    const column = status === 'cancelled' ? 'cancelled_at' : 'undone_at';
    await manager.query(`UPDATE crm.imports SET status = $2, ${column} = now(), finished_at = coalesce(finished_at, now()) WHERE id = $1`, [id, status]);
  }

  /** A bad row's cells as the file had them, but a NUL (which PostgreSQL text cannot hold) as U+FFFD, so the error CSV shows where it was. */
  async insertErrors(manager: EntityManager, workspaceId: string, importId: string, errors: ImportErrorRow[]): Promise<void> {
    if (errors.length === 0) return;
    const storable = errors.map((error) => ({ ...error, values: error.values.map((cell) => cell.replaceAll('\u0000', '\uFFFD')) }));
    await manager.query(
      `INSERT INTO crm.import_errors (workspace_id, import_id, line, message, "values")
       SELECT $1, $2, u.line, u.message, u."values" FROM jsonb_to_recordset($3::jsonb) AS u(line integer, message text, "values" text[])`,
      [workspaceId, importId, JSON.stringify(storable)],
    );
  }

  /** Bad rows in line order after `afterLine`, a page at a time (the error CSV is streamed from these pages). */
  async errors(manager: EntityManager, importId: string, afterLine: number, limit: number): Promise<ImportErrorRow[]> {
    return manager.query(`SELECT line, message, "values" FROM crm.import_errors WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3`, [
      importId,
      afterLine,
      limit,
    ]);
  }

  async conflicts(
    manager: EntityManager,
    importId: string,
    options: { status?: 'open' | 'resolved'; afterId?: string; limit: number },
  ): Promise<ConflictRow[]> {
    return manager.query(
      `SELECT ${CONFLICT_COLUMNS} FROM crm.import_conflicts
       WHERE import_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id > $3) ORDER BY id LIMIT $4`,
      [importId, options.status ?? null, options.afterId ?? null, options.limit],
    );
  }

  async findConflicts(manager: EntityManager, importId: string, ids: string[] | 'all'): Promise<ConflictRow[]> {
    return manager.query(
      `SELECT ${CONFLICT_COLUMNS} FROM crm.import_conflicts WHERE import_id = $1 AND status = 'open' AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
       ORDER BY id FOR UPDATE`,
      [importId, ids === 'all' ? null : ids],
    );
  }

  async findConflict(manager: EntityManager, importId: string, id: string): Promise<ConflictRow | null> {
    const rows: ConflictRow[] = await manager.query(`SELECT ${CONFLICT_COLUMNS} FROM crm.import_conflicts WHERE import_id = $1 AND id = $2 FOR UPDATE`, [
      importId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async resolveConflicts(
    manager: EntityManager,
    ids: string[],
    resolution: string,
    resolvedBy: string | null,
    values: Map<string, unknown> = new Map(),
  ): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE crm.import_conflicts c SET status = 'resolved', resolution = $2, resolved_by = $3, resolved_at = now(), resolved_value = u.value
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, value jsonb) WHERE c.id = u.id`,
      [JSON.stringify(ids.map((id) => ({ id, value: values.has(id) ? values.get(id) : null }))), resolution, resolvedBy],
    );
  }

  async closeOpenConflicts(manager: EntityManager, importId: string): Promise<void> {
    await manager.query(
      `UPDATE crm.import_conflicts SET status = 'resolved', resolution = 'closed_by_undo', resolved_at = now() WHERE import_id = $1 AND status = 'open'`,
      [importId],
    );
  }

  /** What an import did to records of a type, a page at a time in record id order. */
  async importedRecords(
    manager: EntityManager,
    importId: string,
    recordType: RecordType | 'record',
    action: 'created' | 'updated',
    afterId: string | null,
    limit: number,
  ): Promise<Array<{ id: string; previous: Record<string, unknown> | null }>> {
    return manager.query(
      `SELECT record_id AS id, previous FROM crm.import_records
       WHERE import_id = $1 AND record_type = $2 AND action = $3 AND ($4::uuid IS NULL OR record_id > $4) ORDER BY record_id LIMIT $5`,
      [importId, recordType, action, afterId, limit],
    );
  }
}
