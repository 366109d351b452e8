import { Injectable } from '@nestjs/common';
import { OBJECT_ACCESS_ROLES, objectAccessOf, type ObjectAccess, type ObjectAccessLevel, type ObjectAccessRole } from '@kinship/contracts';
import { newId, updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CursorCodec } from '../common/cursors.js';
import { listPage, SqlConditions, type ListDefinition, type ListRequest, type Page } from '../common/list-query.js';
import type { ObjectFieldDefinition, RecordValues } from './object-schema.js';

/** An object type on the wire (API.md "/objects"). */
export interface ObjectType {
  id: string;
  key: string;
  singularLabel: string;
  pluralLabel: string;
  icon: string | null;
  fields: ObjectFieldDefinition[];
  /** Every narrowable role's access to its records, the defaults filled in. */
  access: Record<ObjectAccessRole, ObjectAccessLevel>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface ObjectRow {
  id: string;
  key: string;
  singularLabel: string;
  pluralLabel: string;
  icon: string | null;
  fields: ObjectFieldDefinition[];
  access: ObjectAccess;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

const OBJECT_COLUMNS = `r.id, r.key, r.singular_label AS "singularLabel", r.plural_label AS "pluralLabel", r.icon, r.fields, r.access,
  r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** A workspace holds at most a hundred object types, so every field may be sorted on without an index of its own. */
const OBJECT_LIST: ListDefinition = {
  table: 'crm.object_definitions',
  fields: {
    key: { sql: 'r.key', kind: 'text', sortable: true },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: 'createdAt',
};

function toObjectType(row: ObjectRow): ObjectType {
  return {
    id: row.id,
    key: row.key,
    singularLabel: row.singularLabel,
    pluralLabel: row.pluralLabel,
    icon: row.icon,
    fields: row.fields,
    access: Object.fromEntries(OBJECT_ACCESS_ROLES.map((role) => [role, objectAccessOf(role, row.access)])) as Record<ObjectAccessRole, ObjectAccessLevel>,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** A record of a custom object on the wire. */
export interface ObjectRecord {
  id: string;
  object: string;
  values: RecordValues;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface RecordRow {
  id: string;
  values: RecordValues;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

const RECORD_COLUMNS = `r.id, r.values, r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

function toRecord(object: string, row: RecordRow): ObjectRecord {
  return {
    id: row.id,
    object,
    values: row.values,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** Which object types a list shows: every one, all but those narrowing a role to none, or only those named. */
export type ObjectVisibility = 'all' | { hiddenTo: ObjectAccessRole } | { only: string[] };

export interface NewObjectType {
  id: string;
  workspaceId: string;
  key: string;
  singularLabel: string;
  pluralLabel: string;
  icon: string | null;
  fields: ObjectFieldDefinition[];
  access: ObjectAccess;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** crm.object_definitions, crm.object_metadata_versions and crm.object_records. */
@Injectable()
export class ObjectsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  /**
   * Bumps the workspace's definition version and returns it. Every definition change calls it first
   * in its transaction: the row lock orders concurrent changes of one workspace (limits stay exact)
   * and the new version tells every replica's catalog, on its next read, that its copy is stale.
   */
  async bumpVersion(manager: EntityManager, workspaceId: string): Promise<string> {
    const rows: Array<{ version: string }> = await manager.query(
      `INSERT INTO crm.object_metadata_versions AS v (workspace_id, version) VALUES ($1, 1)
       ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1 RETURNING v.version::text AS version`,
      [workspaceId],
    );
    return rows[0]!.version;
  }

  /** The workspace's definition version ('0' before its first definition): one primary-key read. */
  async version(manager: EntityManager, workspaceId: string): Promise<string> {
    const rows: Array<{ version: string }> = await manager.query('SELECT version::text AS version FROM crm.object_metadata_versions WHERE workspace_id = $1', [
      workspaceId,
    ]);
    return rows[0]?.version ?? '0';
  }

  async countLive(manager: EntityManager, workspaceId: string): Promise<number> {
    const rows: Array<{ count: number }> = await manager.query(
      'SELECT count(*)::int AS count FROM crm.object_definitions WHERE workspace_id = $1 AND deleted_at IS NULL',
      [workspaceId],
    );
    return rows[0]!.count;
  }

  async insert(manager: EntityManager, object: NewObjectType): Promise<ObjectType> {
    const rows: ObjectRow[] = await manager.query(
      `INSERT INTO crm.object_definitions AS r (id, workspace_id, key, singular_label, plural_label, icon, fields, access)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) RETURNING ${OBJECT_COLUMNS}`,
      [
        object.id,
        object.workspaceId,
        object.key,
        object.singularLabel,
        object.pluralLabel,
        object.icon,
        JSON.stringify(object.fields),
        JSON.stringify(object.access),
      ],
    );
    return toObjectType(rows[0]!);
  }

  /** Live or deleted; `lock` takes the row for an update in the same transaction. */
  async findByKey(manager: EntityManager, workspaceId: string, key: string, lock = false): Promise<ObjectType | null> {
    const rows: ObjectRow[] = await manager.query(
      `SELECT ${OBJECT_COLUMNS} FROM crm.object_definitions r WHERE r.workspace_id = $1 AND r.key = $2${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, key],
    );
    return rows[0] ? toObjectType(rows[0]) : null;
  }

  /** Every live object type of the workspace (what the catalog compiles). */
  async allLive(manager: EntityManager, workspaceId: string): Promise<ObjectType[]> {
    const rows: ObjectRow[] = await manager.query(`SELECT ${OBJECT_COLUMNS} FROM crm.object_definitions r WHERE r.workspace_id = $1 AND r.deleted_at IS NULL`, [
      workspaceId,
    ]);
    return rows.map(toObjectType);
  }

  async list(manager: EntityManager, workspaceId: string, request: ListRequest, visibility: ObjectVisibility): Promise<Page<ObjectType>> {
    const where = new SqlConditions();
    if (visibility !== 'all') {
      if ('hiddenTo' in visibility) where.add(`coalesce(r.access->>${where.param(visibility.hiddenTo)}, '') <> 'none'`);
      else where.add(`r.key = ANY(${where.param(visibility.only)}::text[])`);
    }
    if (request.q) {
      const pattern = where.param(`%${escapeLike(request.q)}%`);
      where.add(`(r.key ILIKE ${pattern} OR r.singular_label ILIKE ${pattern} OR r.plural_label ILIKE ${pattern})`);
    }
    const page = await listPage<ObjectRow>(this.cursors, manager, workspaceId, OBJECT_LIST, request, OBJECT_COLUMNS, where);
    return { rows: page.rows.map(toObjectType), nextCursor: page.nextCursor };
  }

  async update(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    changes: { singularLabel?: string; pluralLabel?: string; icon?: string | null; fields?: ObjectFieldDefinition[]; access?: ObjectAccess },
  ): Promise<ObjectType> {
    const rows = await updateReturning<ObjectRow>(
      manager,
      `UPDATE crm.object_definitions r SET singular_label = coalesce($3, singular_label), plural_label = coalesce($4, plural_label),
         icon = CASE WHEN $5 THEN $6 ELSE icon END, fields = coalesce($7::jsonb, fields), access = access || coalesce($8::jsonb, '{}'), updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${OBJECT_COLUMNS}`,
      [
        workspaceId,
        id,
        changes.singularLabel ?? null,
        changes.pluralLabel ?? null,
        changes.icon !== undefined,
        changes.icon ?? null,
        changes.fields ? JSON.stringify(changes.fields) : null,
        changes.access ? JSON.stringify(changes.access) : null,
      ],
    );
    return toObjectType(rows[0]!);
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<ObjectType> {
    const rows = await updateReturning<ObjectRow>(
      manager,
      `UPDATE crm.object_definitions r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${OBJECT_COLUMNS}`,
      [workspaceId, id],
    );
    return toObjectType(rows[0]!);
  }

  /** Rewrites the search text of every record of an object after its searchable fields changed. */
  async refreshSearchText(manager: EntityManager, workspaceId: string, objectId: string, searchable: string[]): Promise<void> {
    const parts = searchable.map((_key, index) => `r.values->>$${index + 3}`);
    const text = parts.length ? `lower(concat_ws(' ', ${parts.join(', ')}))` : `''`;
    await manager.query(`UPDATE crm.object_records r SET search_text = ${text} WHERE r.workspace_id = $1 AND r.object_id = $2`, [
      workspaceId,
      objectId,
      ...searchable,
    ]);
  }

  /** Removes a field's values from every record of the object, live and deleted. */
  async dropFieldValues(manager: EntityManager, workspaceId: string, objectId: string, key: string): Promise<void> {
    await manager.query(`UPDATE crm.object_records r SET values = r.values - $3::text WHERE r.workspace_id = $1 AND r.object_id = $2 AND r.values ? $3`, [
      workspaceId,
      objectId,
      key,
    ]);
  }

  async insertRecord(
    manager: EntityManager,
    record: { id: string; workspaceId: string; objectId: string; values: RecordValues; searchText: string; createdBy: string | null },
    objectKey: string,
  ): Promise<ObjectRecord> {
    const rows: RecordRow[] = await manager.query(
      `INSERT INTO crm.object_records AS r (id, workspace_id, object_id, values, search_text, created_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING ${RECORD_COLUMNS}`,
      [record.id, record.workspaceId, record.objectId, JSON.stringify(record.values), record.searchText, record.createdBy],
    );
    return toRecord(objectKey, rows[0]!);
  }

  /** Live or deleted, of this object only; `lock` takes the row for an update. */
  async findRecord(manager: EntityManager, workspaceId: string, objectId: string, objectKey: string, id: string, lock = false): Promise<ObjectRecord | null> {
    const rows: RecordRow[] = await manager.query(
      `SELECT ${RECORD_COLUMNS} FROM crm.object_records r WHERE r.workspace_id = $1 AND r.object_id = $2 AND r.id = $3${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, objectId, id],
    );
    return rows[0] ? toRecord(objectKey, rows[0]) : null;
  }

  async updateRecord(
    manager: EntityManager,
    workspaceId: string,
    objectKey: string,
    id: string,
    values: RecordValues,
    searchText: string,
  ): Promise<ObjectRecord> {
    const rows = await updateReturning<RecordRow>(
      manager,
      `UPDATE crm.object_records r SET values = $3::jsonb, search_text = $4, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${RECORD_COLUMNS}`,
      [workspaceId, id, JSON.stringify(values), searchText],
    );
    return toRecord(objectKey, rows[0]!);
  }

  async setRecordDeleted(manager: EntityManager, workspaceId: string, objectKey: string, id: string, deleted: boolean): Promise<ObjectRecord> {
    const rows = await updateReturning<RecordRow>(
      manager,
      `UPDATE crm.object_records r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${RECORD_COLUMNS}`,
      [workspaceId, id],
    );
    return toRecord(objectKey, rows[0]!);
  }

  async listRecords(
    manager: EntityManager,
    workspaceId: string,
    objectId: string,
    objectKey: string,
    definition: ListDefinition,
    request: ListRequest,
    where: SqlConditions,
  ): Promise<Page<ObjectRecord>> {
    where.add(`r.object_id = ${where.param(objectId)}::uuid`);
    const page = await listPage<RecordRow>(this.cursors, manager, workspaceId, definition, request, RECORD_COLUMNS, where);
    return { rows: page.rows.map((row) => toRecord(objectKey, row)), nextCursor: page.nextCursor };
  }

  /** Which of `ids` are live records of the object in the workspace. */
  async liveRecordIds(manager: EntityManager, workspaceId: string, objectId: string, ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await manager.query(
      'SELECT id FROM crm.object_records WHERE workspace_id = $1 AND object_id = $2 AND id = ANY($3::uuid[]) AND deleted_at IS NULL',
      [workspaceId, objectId, ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Written with the change it tells, so a record's timeline shows when it was created and which fields each update changed. */
  async addTimelineEntry(manager: EntityManager, workspaceId: string, recordId: string, kind: string, actorId: string | null, data: object): Promise<void> {
    await manager.query(
      `INSERT INTO crm.timeline_entries (id, workspace_id, subject_type, subject_id, kind, occurred_at, actor_id, data)
       VALUES ($1, $2, 'record', $3, $4, now(), $5, $6::jsonb)`,
      [newId(), workspaceId, recordId, kind, actorId, JSON.stringify(data)],
    );
  }
}
