import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CursorCodec } from '../common/cursors.js';
import { listPage, type ListDefinition, type ListRequest, type Page, type SqlConditions } from '../common/list-query.js';
import { taskPriorityRankSql } from '../migrations/1764634200000-tasks-notes-lists.js';
import type { RelatedRecord, RelatedType, TaskPriority, TaskStatus } from '@kinship/contracts/crm';

/** A task on the wire (API.md "/tasks"). */
export interface Task {
  id: string;
  title: string;
  description: string | null;
  dueAt: string | null;
  priority: TaskPriority;
  status: TaskStatus;
  assigneeId: string | null;
  related: RelatedRecord | null;
  completedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  dueAt: Date | null;
  priority: TaskPriority;
  status: TaskStatus;
  assigneeId: string | null;
  relatedType: RelatedType | null;
  relatedId: string | null;
  completedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** The stored columns a create or update writes. */
export interface TaskValues {
  title: string;
  description: string | null;
  dueAt: string | null;
  priority: TaskPriority;
  status: TaskStatus;
  assigneeId: string | null;
  related: RelatedRecord | null;
  completedAt: string | null;
}

const COLUMNS = `r.id, r.title, r.description, r.due_at AS "dueAt", r.priority, r.status, r.assignee_id AS "assigneeId",
  r.related_type AS "relatedType", r.related_id AS "relatedId", r.completed_at AS "completedAt", r.created_by AS "createdBy",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/**
 * Filters and sorts of GET /tasks. `priority` filters and sorts by its rank (low < normal < high
 * < urgent), so `-priority` puts urgent first; the service turns priority names into ranks.
 * `dueAt` sorts tasks without a due date last (ascending).
 */
export const TASK_LIST: ListDefinition = {
  table: 'crm.tasks',
  fields: {
    status: { sql: 'r.status', kind: 'enum' },
    priority: { sql: taskPriorityRankSql('r.priority'), kind: 'integer', sortable: true },
    assigneeId: { sql: 'r.assignee_id', kind: 'uuid' },
    relatedType: { sql: 'r.related_type', kind: 'enum' },
    relatedId: { sql: 'r.related_id', kind: 'uuid' },
    dueAt: { sql: `coalesce(r.due_at, 'infinity'::timestamptz)`, kind: 'timestamp', sortable: true },
    // The range filters dueAtFrom/dueAtTo, renamed by the service: an undated task is due at no time.
    due: { sql: 'r.due_at', kind: 'timestamp' },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
    overdue: { sql: `(coalesce(r.due_at < now(), false) AND r.status IN ('open', 'in_progress'))`, kind: 'boolean' },
  },
  defaultSort: '-createdAt',
  search: { vector: `to_tsvector('simple', r.title)`, text: 'lower(r.title)' },
};

export const PRIORITY_RANK: Record<TaskPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    dueAt: iso(row.dueAt),
    priority: row.priority,
    status: row.status,
    assigneeId: row.assigneeId,
    related: row.relatedType && row.relatedId ? { type: row.relatedType, id: row.relatedId } : null,
    completedAt: iso(row.completedAt),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: iso(row.deletedAt),
  };
}

@Injectable()
export class TasksRepository {
  constructor(private readonly cursors: CursorCodec) {}

  async insert(manager: EntityManager, workspaceId: string, id: string, values: TaskValues, createdBy: string | null): Promise<Task> {
    const rows: TaskRow[] = await manager.query(
      `INSERT INTO crm.tasks AS r (id, workspace_id, title, description, due_at, priority, status, assignee_id, related_type, related_id, completed_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       RETURNING ${COLUMNS}`,
      [id, workspaceId, ...this.parameters(values), createdBy],
    );
    return toTask(rows[0]!);
  }

  /** The task, live or deleted, locked for an update when `forUpdate`. */
  async find(manager: EntityManager, workspaceId: string, id: string, forUpdate = false): Promise<Task | null> {
    const rows: TaskRow[] = await manager.query(`SELECT ${COLUMNS} FROM crm.tasks r WHERE r.workspace_id = $1 AND r.id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`, [
      workspaceId,
      id,
    ]);
    return rows[0] ? toTask(rows[0]) : null;
  }

  async update(manager: EntityManager, workspaceId: string, id: string, values: TaskValues): Promise<Task> {
    const rows = await updateReturning<TaskRow>(
      manager,
      `UPDATE crm.tasks r SET title = $3, description = $4, due_at = $5, priority = $6, status = $7, assignee_id = $8,
         related_type = $9, related_id = $10, completed_at = $11, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2
       RETURNING ${COLUMNS}`,
      [workspaceId, id, ...this.parameters(values)],
    );
    return toTask(rows[0]!);
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<Task> {
    const rows = await updateReturning<TaskRow>(
      manager,
      `UPDATE crm.tasks r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2
       RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return toTask(rows[0]!);
  }

  async list(manager: EntityManager, workspaceId: string, request: ListRequest, where: SqlConditions): Promise<Page<Task>> {
    const page = await listPage<TaskRow>(this.cursors, manager, workspaceId, TASK_LIST, request, COLUMNS, where);
    return { rows: page.rows.map(toTask), nextCursor: page.nextCursor };
  }

  private parameters(values: TaskValues): unknown[] {
    return [
      values.title,
      values.description,
      values.dueAt,
      values.priority,
      values.status,
      values.assigneeId,
      values.related?.type ?? null,
      values.related?.id ?? null,
      values.completedAt,
    ];
  }
}
