import { Injectable } from '@nestjs/common';
import type { CustomFieldEntity } from '@kinship/contracts/crm';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CursorCodec } from '../common/cursors.js';
import type { StoredListFilter } from '../common/list-filter.js';
import { listPage, SqlConditions, type ListDefinition, type ListRequest, type Page } from '../common/list-query.js';

/** A view on the wire. */
export interface View {
  id: string;
  name: string;
  entity: string;
  columns: string[];
  filters: StoredListFilter;
  sort: string | null;
  /** Whether the reader opens the list with it: their own choice, in crm.view_defaults. */
  isDefault: boolean;
  shared: boolean;
  userId: string;
  createdAt: string;
  updatedAt: string;
}

/** What a write stores: every field of the view but its owner and times. */
export type ViewFields = Pick<View, 'name' | 'columns' | 'filters' | 'sort' | 'shared'>;

/** A view as stored; whether it is a reader's default is theirs (crm.view_defaults). */
export type StoredView = Omit<View, 'isDefault'>;

interface ViewRow extends Omit<StoredView, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `r.id, r.name, r.entity, r.columns, r.filters, r.sort, r.shared, r.user_id AS "userId",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

/**
 * A user has a handful of views per list, and a workspace a handful shared: the unique name index
 * (workspace, user, entity, lower(name)) and the partial index of the shared ones serve the list.
 */
const VIEW_LIST: ListDefinition = {
  table: 'crm.views',
  fields: {
    entity: { sql: 'r.entity', kind: 'text' },
    name: { sql: 'lower(r.name)', kind: 'text', sortable: true },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: 'name',
  softDeleted: false,
};

function toView(row: ViewRow): StoredView {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** crm.views: every statement names the user, or reads the views shared with the workspace beside theirs. */
@Injectable()
export class ViewsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /**
   * Serialises the writes of one user's views of one list until the transaction ends, so a name
   * checked free stays free and two "make default" requests do not both win.
   */
  async lockList(manager: EntityManager, workspaceId: string, userId: string, entity: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`crm.views:${workspaceId}:${userId}:${entity}`]);
  }

  async insert(manager: EntityManager, view: ViewFields & { id: string; workspaceId: string; userId: string; entity: string }): Promise<StoredView> {
    const rows: ViewRow[] = await manager.query(
      `INSERT INTO crm.views AS r (id, workspace_id, user_id, entity, name, columns, filters, sort, shared)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) RETURNING ${COLUMNS}`,
      [view.id, view.workspaceId, view.userId, view.entity, view.name, JSON.stringify(view.columns), JSON.stringify(view.filters), view.sort, view.shared],
    );
    return toView(rows[0]!);
  }

  /** The user's own view, or one shared with the workspace. */
  async find(manager: EntityManager, workspaceId: string, userId: string, id: string): Promise<StoredView | null> {
    const rows: ViewRow[] = await manager.query(`SELECT ${COLUMNS} FROM crm.views r WHERE r.workspace_id = $1 AND (r.user_id = $2 OR r.shared) AND r.id = $3`, [
      workspaceId,
      userId,
      id,
    ]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** The id of the user's view of the list with this name, whatever its case. */
  async idByName(manager: EntityManager, workspaceId: string, userId: string, entity: string, name: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM crm.views WHERE workspace_id = $1 AND user_id = $2 AND entity = $3 AND lower(name) = lower($4)`,
      [workspaceId, userId, entity, name],
    );
    return rows[0]?.id ?? null;
  }

  /** A page of the user's views and those shared with the workspace. */
  async list(manager: EntityManager, workspaceId: string, userId: string, request: ListRequest): Promise<Page<StoredView>> {
    const where = new SqlConditions();
    where.add(`(r.user_id = ${where.param(userId)}::uuid OR r.shared)`);
    if (request.q) where.add(`r.name ILIKE ${where.param(`%${request.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`)}`);
    const page = await listPage<ViewRow>(this.cursors, manager, workspaceId, VIEW_LIST, request, COLUMNS, where);
    return { rows: page.rows.map(toView), nextCursor: page.nextCursor };
  }

  async update(manager: EntityManager, workspaceId: string, userId: string, id: string, view: ViewFields): Promise<StoredView> {
    const rows = await updateReturning<ViewRow>(
      manager,
      `UPDATE crm.views r SET name = $4, columns = $5::jsonb, filters = $6::jsonb, sort = $7, shared = $8, updated_at = now()
       WHERE r.workspace_id = $1 AND r.user_id = $2 AND r.id = $3 RETURNING ${COLUMNS}`,
      [workspaceId, userId, id, view.name, JSON.stringify(view.columns), JSON.stringify(view.filters), view.sort, view.shared],
    );
    return toView(rows[0]!);
  }

  /** The ids of the views the user opens their lists with (one per list at most). */
  async defaultIds(manager: EntityManager, workspaceId: string, userId: string): Promise<Set<string>> {
    const rows: Array<{ viewId: string }> = await manager.query(`SELECT view_id AS "viewId" FROM crm.view_defaults WHERE workspace_id = $1 AND user_id = $2`, [
      workspaceId,
      userId,
    ]);
    return new Set(rows.map((row) => row.viewId));
  }

  /** Makes the view the user's default of its list, in place of the one before. */
  async setDefault(manager: EntityManager, workspaceId: string, userId: string, entity: string, viewId: string): Promise<void> {
    await manager.query(
      `INSERT INTO crm.view_defaults (workspace_id, user_id, entity, view_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, user_id, entity) DO UPDATE SET view_id = EXCLUDED.view_id`,
      [workspaceId, userId, entity, viewId],
    );
  }

  /** Unsets the user's default when it is this view. */
  async unsetDefault(manager: EntityManager, workspaceId: string, userId: string, viewId: string): Promise<void> {
    await manager.query(`DELETE FROM crm.view_defaults WHERE workspace_id = $1 AND user_id = $2 AND view_id = $3`, [workspaceId, userId, viewId]);
  }

  /** A view no longer shared is no one's default but its owner's. */
  async unsetOthersDefaults(manager: EntityManager, workspaceId: string, ownerId: string, viewId: string): Promise<void> {
    await manager.query(`DELETE FROM crm.view_defaults WHERE workspace_id = $1 AND user_id <> $2 AND view_id = $3`, [workspaceId, ownerId, viewId]);
  }

  async delete(manager: EntityManager, workspaceId: string, userId: string, id: string): Promise<boolean> {
    const [, deleted] = (await manager.query(`DELETE FROM crm.views WHERE workspace_id = $1 AND user_id = $2 AND id = $3`, [workspaceId, userId, id])) as [
      unknown,
      number,
    ];
    return deleted > 0;
  }

  /** Of these keys, those of live custom fields of the entity. */
  async liveCustomFieldKeys(manager: EntityManager, workspaceId: string, entity: CustomFieldEntity, keys: string[]): Promise<Set<string>> {
    const rows: Array<{ key: string }> = await manager.query(
      `SELECT key FROM crm.custom_field_definitions WHERE workspace_id = $1 AND entity = $2 AND key = ANY($3::text[]) AND deleted_at IS NULL`,
      [workspaceId, entity, keys],
    );
    return new Set(rows.map((row) => row.key));
  }
}
