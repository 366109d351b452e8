import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { RelatedRecord, RelatedType } from '@kinship/contracts/crm';
import { CursorCodec } from '../common/cursors.js';
import { listPage, type ListDefinition, type ListRequest, type Page, type SqlConditions } from '../common/list-query.js';

/** A note on the wire (API.md "/notes"). */
export interface Note {
  id: string;
  body: string;
  related: RelatedRecord;
  authorId: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface NoteRow {
  id: string;
  body: string;
  relatedType: RelatedType;
  relatedId: string;
  authorId: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

const COLUMNS = `r.id, r.body, r.related_type AS "relatedType", r.related_id AS "relatedId", r.author_id AS "authorId",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** Filters and sorts of GET /notes; `?q=` searches the body. */
export const NOTE_LIST: ListDefinition = {
  table: 'crm.notes',
  fields: {
    relatedType: { sql: 'r.related_type', kind: 'enum' },
    relatedId: { sql: 'r.related_id', kind: 'uuid' },
    authorId: { sql: 'r.author_id', kind: 'uuid' },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: '-createdAt',
  search: { vector: `to_tsvector('simple', r.body)`, text: 'lower(r.body)' },
};

export function toNote(row: NoteRow): Note {
  return {
    id: row.id,
    body: row.body,
    related: { type: row.relatedType, id: row.relatedId },
    authorId: row.authorId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  };
}

@Injectable()
export class NotesRepository {
  constructor(private readonly cursors: CursorCodec) {}

  async insert(manager: EntityManager, workspaceId: string, id: string, body: string, related: RelatedRecord, authorId: string | null): Promise<Note> {
    const rows: NoteRow[] = await manager.query(
      `INSERT INTO crm.notes AS r (id, workspace_id, body, related_type, related_id, author_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [id, workspaceId, body, related.type, related.id, authorId],
    );
    return toNote(rows[0]!);
  }

  /** The note, live or deleted, locked for an update when `forUpdate`. */
  async find(manager: EntityManager, workspaceId: string, id: string, forUpdate = false): Promise<Note | null> {
    const rows: NoteRow[] = await manager.query(`SELECT ${COLUMNS} FROM crm.notes r WHERE r.workspace_id = $1 AND r.id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`, [
      workspaceId,
      id,
    ]);
    return rows[0] ? toNote(rows[0]) : null;
  }

  async update(manager: EntityManager, workspaceId: string, id: string, body: string, related: RelatedRecord): Promise<Note> {
    const rows = await updateReturning<NoteRow>(
      manager,
      `UPDATE crm.notes r SET body = $3, related_type = $4, related_id = $5, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, body, related.type, related.id],
    );
    return toNote(rows[0]!);
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<Note> {
    const rows = await updateReturning<NoteRow>(
      manager,
      `UPDATE crm.notes r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return toNote(rows[0]!);
  }

  async list(manager: EntityManager, workspaceId: string, request: ListRequest, where: SqlConditions): Promise<Page<Note>> {
    const page = await listPage<NoteRow>(this.cursors, manager, workspaceId, NOTE_LIST, request, COLUMNS, where);
    return { rows: page.rows.map(toNote), nextCursor: page.nextCursor };
  }
}
