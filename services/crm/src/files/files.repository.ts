import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FileRecordLink, FileRecordType, StoredFileInfo } from '@kinship/contracts/crm';
import { CursorCodec, isPostgresTimestamp } from '../common/cursors.js';
import { OBJECT_RECORDS_OF_LIVE_OBJECTS } from '../common/related-records.js';

/** A file as stored, with the key of its bytes in the object store. */
export interface FileRow {
  info: StoredFileInfo;
  objectKey: string;
}

interface Row {
  id: string;
  objectKey: string;
  name: string;
  contentType: string;
  size: string;
  createdBy: string | null;
  createdAt: Date;
  attachedTo: FileRecordLink[] | null;
}

/** crm's record types: invoices are billing's (FilesService asks billing). */
type CrmRecordType = Exclude<FileRecordType, 'invoice'>;

/** The table and owner column of each crm record type files attach to; tickets and custom object records have no owner. */
const RECORD_TABLES: Record<CrmRecordType, { table: string; owner: string }> = {
  contact: { table: 'crm.contacts', owner: 'owner_id' },
  company: { table: 'crm.companies', owner: 'owner_id' },
  deal: { table: 'crm.deals', owner: 'owner_id' },
  ticket: { table: 'crm.tickets', owner: 'NULL::uuid' },
  note: { table: 'crm.notes', owner: 'author_id' },
  record: { table: OBJECT_RECORDS_OF_LIVE_OBJECTS, owner: 'NULL::uuid' },
};

const COLUMNS = `f.id, f.object_key AS "objectKey", f.name, f.content_type AS "contentType", f.size, f.created_by AS "createdBy", f.created_at AS "createdAt",
  (SELECT jsonb_agg(jsonb_build_object('type', a.record_type, 'id', a.record_id) ORDER BY a.attached_at, a.record_type, a.record_id)
     FROM crm.file_attachments a WHERE a.workspace_id = f.workspace_id AND a.file_id = f.id) AS "attachedTo"`;

function toFile(row: Row): FileRow {
  return {
    objectKey: row.objectKey,
    info: {
      id: row.id,
      name: row.name,
      contentType: row.contentType,
      size: Number(row.size),
      createdBy: row.createdBy,
      attachedTo: row.attachedTo ?? [],
      createdAt: row.createdAt.toISOString(),
    },
  };
}

interface PageCursor {
  at: string;
  id: string;
}

@Injectable()
export class FilesRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /** The live record's owner (null for none), or undefined when there is no live record of that id in the workspace. */
  async recordOwner(manager: EntityManager, workspaceId: string, record: { type: CrmRecordType; id: string }): Promise<string | null | undefined> {
    const { table, owner } = RECORD_TABLES[record.type];
    const rows: Array<{ owner: string | null }> = await manager.query(
      `SELECT ${owner} AS owner FROM ${table} WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [workspaceId, record.id],
    );
    return rows.length ? rows[0]!.owner : undefined;
  }

  /** Serialises the quota check of a workspace's uploads until the transaction ends. */
  async lockUsage(manager: EntityManager, workspaceId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('kinship.crm.files.usage'), hashtext($1))`, [workspaceId]);
  }

  async usage(manager: EntityManager, workspaceId: string): Promise<{ used: number; files: number }> {
    const [row]: Array<{ used: string; files: number }> = await manager.query(
      `SELECT coalesce(sum(size), 0) AS used, count(*)::int AS files FROM crm.files WHERE workspace_id = $1 AND deleted_at IS NULL`,
      [workspaceId],
    );
    return { used: Number(row!.used), files: row!.files };
  }

  async insert(
    manager: EntityManager,
    workspaceId: string,
    file: { id: string; objectKey: string; name: string; contentType: string; size: number; createdBy: string | null },
  ): Promise<void> {
    await manager.query(`INSERT INTO crm.files (id, workspace_id, object_key, name, content_type, size, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      file.id,
      workspaceId,
      file.objectKey,
      file.name,
      file.contentType,
      file.size,
      file.createdBy,
    ]);
  }

  /** Attaching twice keeps the first attachment. */
  async attach(manager: EntityManager, workspaceId: string, fileId: string, record: FileRecordLink, attachedBy: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO crm.file_attachments (workspace_id, file_id, record_type, record_id, attached_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [workspaceId, fileId, record.type, record.id, attachedBy],
    );
  }

  /** A live file; `lock` holds its row until the transaction ends. */
  async find(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<FileRow | null> {
    const rows: Row[] = await manager.query(
      `SELECT ${COLUMNS} FROM crm.files f WHERE f.workspace_id = $1 AND f.id = $2 AND f.deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows.length ? toFile(rows[0]!) : null;
  }

  async softDelete(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(`UPDATE crm.files SET deleted_at = now() WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`, [workspaceId, id]);
  }

  /** The record's live files, most recently attached first, keyset-paged. */
  async listForRecord(
    manager: EntityManager,
    workspaceId: string,
    record: FileRecordLink,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ rows: StoredFileInfo[]; nextCursor: string | null }> {
    const list = `record-files:${record.type}:${record.id}`;
    const after = cursor
      ? this.cursors.decode<PageCursor>(
          list,
          cursor,
          (fields) => isPostgresTimestamp(fields.at) && typeof fields.id === 'string' && /^[0-9a-f-]{36}$/.test(fields.id),
        )
      : null;
    const parameters: unknown[] = [workspaceId, record.type, record.id, limit + 1];
    let condition = '';
    if (after) {
      parameters.push(after.at, after.id);
      condition = 'AND (a.attached_at, a.file_id) < ($5::timestamptz, $6::uuid)';
    }
    const rows: Array<Row & { attachedAtText: string }> = await manager.query(
      `SELECT ${COLUMNS}, a.attached_at::text AS "attachedAtText"
         FROM crm.file_attachments a JOIN crm.files f ON f.workspace_id = a.workspace_id AND f.id = a.file_id
        WHERE a.workspace_id = $1 AND a.record_type = $2 AND a.record_id = $3 AND f.deleted_at IS NULL ${condition}
        ORDER BY a.attached_at DESC, a.file_id DESC
        LIMIT $4`,
      parameters,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? this.cursors.encode(list, { at: last.attachedAtText, id: last.id }) : null;
    return { rows: page.map((row) => toFile(row).info), nextCursor };
  }
}
