import { Injectable } from '@nestjs/common';
import type { SegmentKind } from '@kinship/contracts/crm';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CursorCodec } from '../common/cursors.js';
import { listPage, SqlConditions, type ListDefinition, type ListRequest, type Page } from '../common/list-query.js';
import type { ContactFilter } from './contact-filter.js';

/** A segment on the wire. Members are read with GET /segments/:id/contacts, not carried on the record. */
export interface Segment {
  id: string;
  name: string;
  kind: SegmentKind;
  /** Dynamic segments: the contact filter; null for static ones. */
  filter: ContactFilter | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface SegmentRow {
  id: string;
  name: string;
  kind: SegmentKind;
  filter: ContactFilter | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

const COLUMNS = `r.id, r.name, r.kind, r.filter, r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** Segments are few per workspace (tens, hundreds): no index of their own beyond the key. */
export const SEGMENT_LIST: ListDefinition = {
  table: 'crm.segments',
  fields: {
    kind: { sql: 'r.kind', kind: 'enum' },
    name: { sql: 'lower(r.name)', kind: 'text', sortable: true },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: '-createdAt',
};

function toSegment(row: SegmentRow): Segment {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    filter: row.filter,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** The condition "the contact r is a member of this static segment", for the contact list engine. */
export function staticMemberCondition(where: SqlConditions, segmentId: string): void {
  where.add(
    `EXISTS (SELECT 1 FROM crm.segment_contacts sc WHERE sc.workspace_id = r.workspace_id AND sc.segment_id = ${where.param(segmentId)}::uuid AND sc.contact_id = r.id)`,
  );
}

/** crm.segments and crm.segment_contacts (the members of static segments). */
@Injectable()
export class SegmentsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  async insert(
    manager: EntityManager,
    segment: { id: string; workspaceId: string; name: string; kind: SegmentKind; filter: ContactFilter | null; createdBy: string | null },
  ): Promise<Segment> {
    const rows: SegmentRow[] = await manager.query(
      `INSERT INTO crm.segments AS r (id, workspace_id, name, kind, filter, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLUMNS}`,
      [segment.id, segment.workspaceId, segment.name, segment.kind, segment.filter === null ? null : JSON.stringify(segment.filter), segment.createdBy],
    );
    return toSegment(rows[0]!);
  }

  /** Live or deleted; `lock` takes the row for the rest of the transaction. */
  async find(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<Segment | null> {
    const rows: SegmentRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM crm.segments r WHERE r.workspace_id = $1 AND r.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ? toSegment(rows[0]) : null;
  }

  async list(manager: EntityManager, workspaceId: string, request: ListRequest): Promise<Page<Segment>> {
    const where = new SqlConditions();
    if (request.q) where.add(`r.name ILIKE ${where.param(`%${request.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`)}`);
    const page = await listPage<SegmentRow>(this.cursors, manager, workspaceId, SEGMENT_LIST, request, COLUMNS, where);
    return { rows: page.rows.map(toSegment), nextCursor: page.nextCursor };
  }

  async update(manager: EntityManager, workspaceId: string, id: string, changes: { name?: string; filter?: ContactFilter }): Promise<Segment> {
    const rows = await updateReturning<SegmentRow>(
      manager,
      `UPDATE crm.segments r SET name = coalesce($3, name), filter = coalesce($4::jsonb, filter), updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, changes.name ?? null, changes.filter === undefined ? null : JSON.stringify(changes.filter)],
    );
    return toSegment(rows[0]!);
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<Segment> {
    const rows = await updateReturning<SegmentRow>(
      manager,
      `UPDATE crm.segments r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return toSegment(rows[0]!);
  }

  /** Of these ids, those of live contacts of the workspace, kept from deletion until the transaction ends. */
  async liveContactIds(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM crm.contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL FOR SHARE`,
      [workspaceId, ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  async addMembers(manager: EntityManager, workspaceId: string, segmentId: string, contactIds: string[]): Promise<void> {
    await manager.query(
      `INSERT INTO crm.segment_contacts (workspace_id, segment_id, contact_id)
       SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
      [workspaceId, segmentId, contactIds],
    );
  }

  async removeMembers(manager: EntityManager, workspaceId: string, segmentId: string, contactIds: string[]): Promise<void> {
    await manager.query(`DELETE FROM crm.segment_contacts WHERE workspace_id = $1 AND segment_id = $2 AND contact_id = ANY($3::uuid[])`, [
      workspaceId,
      segmentId,
      contactIds,
    ]);
  }

  /** Live members of a static segment (deleted contacts keep their membership row but are never members). */
  async countStaticMembers(manager: EntityManager, workspaceId: string, segmentId: string): Promise<number> {
    const rows: Array<{ count: string }> = await manager.query(
      `SELECT count(*) AS count FROM crm.segment_contacts sc
       JOIN crm.contacts c ON c.workspace_id = sc.workspace_id AND c.id = sc.contact_id
       WHERE sc.workspace_id = $1 AND sc.segment_id = $2 AND c.deleted_at IS NULL`,
      [workspaceId, segmentId],
    );
    return Number(rows[0]!.count);
  }
}
