import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { CustomFieldEntity, CustomFieldType } from '@kinship/contracts/crm';
import { CursorCodec } from '../common/cursors.js';
import { listPage, SqlConditions, type ListDefinition, type ListRequest, type Page } from '../common/list-query.js';

/** A custom field definition on the wire. */
export interface CustomField {
  id: string;
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface CustomFieldRow {
  id: string;
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

const COLUMNS = `r.id, r.entity, r.key, r.label, r.type, r.options, r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** A workspace holds a few dozen definitions, so every field may be sorted on without an index of its own. */
export const CUSTOM_FIELD_LIST: ListDefinition = {
  table: 'crm.custom_field_definitions',
  fields: {
    entity: { sql: 'r.entity', kind: 'enum' },
    type: { sql: 'r.type', kind: 'enum' },
    key: { sql: 'r.key', kind: 'text', sortable: true },
    label: { sql: 'lower(r.label)', kind: 'text', sortable: true },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: 'createdAt',
};

export function toCustomField(row: CustomFieldRow): CustomField {
  return {
    id: row.id,
    entity: row.entity,
    key: row.key,
    label: row.label,
    type: row.type,
    options: row.options,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

export interface NewCustomField {
  id: string;
  workspaceId: string;
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
}

/** crm.custom_field_definitions: at most one live definition per (workspace, entity, key). */
@Injectable()
export class CustomFieldsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  async insert(manager: EntityManager, field: NewCustomField): Promise<CustomField> {
    const rows: CustomFieldRow[] = await manager.query(
      `INSERT INTO crm.custom_field_definitions AS r (id, workspace_id, entity, key, label, type, options)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [field.id, field.workspaceId, field.entity, field.key, field.label, field.type, field.options],
    );
    return toCustomField(rows[0]!);
  }

  /** Live or deleted; `lock` takes the row for an update in the same transaction. */
  async find(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<CustomField | null> {
    const rows: CustomFieldRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM crm.custom_field_definitions r WHERE r.workspace_id = $1 AND r.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ? toCustomField(rows[0]) : null;
  }

  async findLiveByKey(manager: EntityManager, workspaceId: string, entity: CustomFieldEntity, key: string): Promise<CustomField | null> {
    const rows: CustomFieldRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM crm.custom_field_definitions r WHERE r.workspace_id = $1 AND r.entity = $2 AND r.key = $3 AND r.deleted_at IS NULL`,
      [workspaceId, entity, key],
    );
    return rows[0] ? toCustomField(rows[0]) : null;
  }

  async list(manager: EntityManager, workspaceId: string, request: ListRequest): Promise<Page<CustomField>> {
    const where = new SqlConditions();
    if (request.q) where.add(`(r.key ILIKE ${where.param(`%${escapeLike(request.q)}%`)} OR r.label ILIKE $${where.parameters.length})`);
    const page = await listPage<CustomFieldRow>(this.cursors, manager, workspaceId, CUSTOM_FIELD_LIST, request, COLUMNS, where);
    return { rows: page.rows.map(toCustomField), nextCursor: page.nextCursor };
  }

  async update(manager: EntityManager, workspaceId: string, id: string, changes: { label?: string; options?: string[] }): Promise<CustomField> {
    const rows = await updateReturning<CustomFieldRow>(
      manager,
      `UPDATE crm.custom_field_definitions r SET label = coalesce($3, label), options = coalesce($4, options), updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, changes.label ?? null, changes.options ?? null],
    );
    return toCustomField(rows[0]!);
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<CustomField> {
    const rows = await updateReturning<CustomFieldRow>(
      manager,
      `UPDATE crm.custom_field_definitions r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return toCustomField(rows[0]!);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
