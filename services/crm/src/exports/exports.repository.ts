import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ExportEntity, ExportFormat, ExportStatus } from '@kinship/contracts/crm';
import type { ListDefinition } from '../common/list-query.js';
import type { StoredListFilter } from '../common/list-filter.js';

export interface ExportRow {
  id: string;
  entity: ExportEntity;
  /** The custom object's key of a records export. */
  object: string | null;
  /** Without `id` (see storedFilter). */
  filter: StoredListFilter;
  /** How many ids the stored filter's `id` names; null without one. */
  selected: number | null;
  format: ExportFormat;
  status: ExportStatus;
  totalRows: number;
  fileKey: string | null;
  /** bigint, as text from the driver. */
  size: string | null;
  error: string | null;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

/** An export on the wire. */
export interface Export {
  id: string;
  entity: ExportEntity;
  object: string | null;
  filter: StoredListFilter;
  selected: number | null;
  format: ExportFormat;
  status: ExportStatus;
  /** Rows written so far; all of them once completed. */
  totalRows: number;
  /** Bytes of the file, once completed. */
  size: number | null;
  /** The name the download is saved under. */
  fileName: string;
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When the file is removed from storage. */
  expiresAt: string | null;
}

/**
 * An export as answered: the selected ids (up to EXPORT_IDS_MAX, 390 KB) are counted, not read, so a
 * page of exports stays one NATS message; the job reads them with storedFilter.
 */
export const EXPORT_COLUMNS = `r.id, r.entity, r.object_key AS "object", r.filter - 'id' AS filter, jsonb_array_length(r.filter -> 'id') AS selected, r.format, r.status, r.total_rows AS "totalRows", r.file_key AS "fileKey", r.size,
  r.error, r.requested_by AS "requestedBy", r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt",
  r.expires_at AS "expiresAt"`;

/**
 * GET /exports: newest first, filtered by status or entity. Exports are never soft-deleted; the
 * list engine reads `deleted_at` of every list, so the table is read with that column as null.
 */
export const EXPORT_LIST: ListDefinition = {
  table: '(SELECT e.*, NULL::timestamptz AS deleted_at FROM crm.exports e)',
  fields: {
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    status: { sql: 'r.status', kind: 'enum' },
    entity: { sql: 'r.entity', kind: 'enum' },
    requestedBy: { sql: 'r.requested_by', kind: 'uuid' },
  },
  defaultSort: '-createdAt',
};

export function exportFileName(row: Pick<ExportRow, 'entity' | 'object' | 'format' | 'createdAt'>): string {
  const stamp = row.createdAt.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${row.object ?? row.entity}-${stamp}.${row.format}`;
}

export function toExport(row: ExportRow): Export {
  return {
    id: row.id,
    entity: row.entity,
    object: row.object,
    filter: row.filter,
    selected: row.selected,
    format: row.format,
    status: row.status,
    totalRows: row.totalRows,
    size: row.size === null ? null : Number(row.size),
    fileName: exportFileName(row),
    error: row.error,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

/** crm.exports: raw SQL, scoped by workspace_id on top of row-level security. */
@Injectable()
export class ExportsRepository {
  async insert(
    manager: EntityManager,
    values: {
      id: string;
      workspaceId: string;
      entity: ExportEntity;
      object: string | null;
      filter: StoredListFilter;
      format: ExportFormat;
      requestedBy: string | null;
    },
  ): Promise<ExportRow> {
    const rows: ExportRow[] = await manager.query(
      `INSERT INTO crm.exports AS r (id, workspace_id, entity, object_key, filter, format, status, requested_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'queued', $7) RETURNING ${EXPORT_COLUMNS}`,
      [values.id, values.workspaceId, values.entity, values.object, JSON.stringify(values.filter), values.format, values.requestedBy],
    );
    return rows[0]!;
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<ExportRow | null> {
    const rows: ExportRow[] = await manager.query(`SELECT ${EXPORT_COLUMNS} FROM crm.exports r WHERE r.workspace_id = $1 AND r.id = $2`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /** The filter as stored, with its selected ids: what the job reads the rows with. */
  async storedFilter(manager: EntityManager, workspaceId: string, id: string): Promise<StoredListFilter> {
    const rows: Array<{ filter: StoredListFilter }> = await manager.query(`SELECT filter FROM crm.exports WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
    ]);
    return rows[0]!.filter;
  }

  /** Starts (or restarts, after a worker died) the job's run: the row count begins again. */
  async start(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(`UPDATE crm.exports SET status = 'processing', started_at = now(), total_rows = 0, error = NULL WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
    ]);
  }

  async progress(manager: EntityManager, workspaceId: string, id: string, totalRows: number): Promise<void> {
    await manager.query(`UPDATE crm.exports SET total_rows = $3 WHERE workspace_id = $1 AND id = $2`, [workspaceId, id, totalRows]);
  }

  async complete(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    result: { totalRows: number; fileKey: string; size: number; ttlDays: number },
  ): Promise<void> {
    await manager.query(
      `UPDATE crm.exports SET status = 'completed', total_rows = $3, file_key = $4, size = $5, finished_at = now(),
         expires_at = now() + make_interval(days => $6) WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, result.totalRows, result.fileKey, result.size, result.ttlDays],
    );
  }

  async fail(manager: EntityManager, workspaceId: string, id: string, error: string): Promise<void> {
    await manager.query(`UPDATE crm.exports SET status = 'failed', error = $3, finished_at = now() WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
      error,
    ]);
  }

  /** The keys of the live custom field definitions of an entity, in the order they were defined. */
  async customFieldKeys(manager: EntityManager, workspaceId: string, entity: string): Promise<string[]> {
    const rows: Array<{ key: string }> = await manager.query(
      `SELECT key FROM crm.custom_field_definitions WHERE workspace_id = $1 AND entity = $2 AND deleted_at IS NULL ORDER BY created_at, key`,
      [workspaceId, entity],
    );
    return rows.map((row) => row.key);
  }
}
