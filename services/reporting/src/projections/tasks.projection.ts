import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, layersWithoutRepeats, ProjectionHandlers, subscribeProjection, workspaceOf } from './projection.js';

const TYPES = ['task.created', 'task.assigned', 'task.completed', 'task.updated', 'task.deleted', 'task.restored'] as const;

/** reporting.tasks from crm's task events: assignee, status, completedAt. */
@Injectable()
export class TasksProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(this.events, this.handlers, 'tasks', TYPES, (events, manager) => this.apply(events, manager));
  }

  /** A run of one workspace's task events: a statement per layer in which no task comes up twice. */
  private async apply(events: Array<EventOf<(typeof TYPES)[number]>>, manager: EntityManager): Promise<void> {
    const workspaceId = workspaceOf(events);
    const changes = events.map(changeOf);
    for (const layer of layersWithoutRepeats(changes, (change) => [change.id])) await this.write(manager, workspaceId, layer);
  }

  /** Changes of distinct tasks in one statement: the upserts (every task event but task.deleted carries the whole task after it) and the deletions. */
  private async write(manager: EntityManager, workspaceId: string, changes: TaskChange[]): Promise<void> {
    await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, upsert boolean, at timestamptz, assignee_id uuid, status text, priority text,
           due_at timestamptz, completed_at timestamptz, created_by uuid, related_type text, related_id uuid, created_at timestamptz)
       ), deleted AS (
         UPDATE reporting.tasks SET deleted_at = t.at FROM input t
         WHERE NOT t.upsert AND reporting.tasks.workspace_id = $1 AND reporting.tasks.id = ANY($3::uuid[]) AND reporting.tasks.id = t.id
       )
       INSERT INTO reporting.tasks (workspace_id, id, assignee_id, status, priority, due_at, completed_at, created_by, related_type, related_id, created_at)
       SELECT $1, t.id, t.assignee_id, t.status, t.priority, t.due_at, t.completed_at, t.created_by, t.related_type, t.related_id, t.created_at
       FROM input t WHERE t.upsert
       ON CONFLICT (workspace_id, id) DO UPDATE SET assignee_id = EXCLUDED.assignee_id, status = EXCLUDED.status, priority = EXCLUDED.priority,
         due_at = EXCLUDED.due_at, completed_at = EXCLUDED.completed_at, related_type = EXCLUDED.related_type, related_id = EXCLUDED.related_id,
         deleted_at = NULL`,
      [workspaceId, JSON.stringify(changes), changes.map((change) => change.id)],
    );
  }
}

/** One task's change by an event, as a row of the statement's input. */
interface TaskChange {
  id: string;
  upsert: boolean;
  at: string;
  assignee_id?: string | null;
  status?: string;
  priority?: string;
  due_at?: string | null;
  completed_at?: string | null;
  created_by?: string | null;
  related_type?: string | null;
  related_id?: string | null;
  created_at?: string;
}

/** Throws (the event alone is then retried and dead-lettered) when an event other than task.deleted lacks its task. */
function changeOf(event: EventOf<(typeof TYPES)[number]>): TaskChange {
  if (event.type === 'task.deleted') return { id: event.aggregateId, upsert: false, at: event.occurredAt };
  const task = required(event.data.task, event, 'task');
  return {
    id: task.id,
    upsert: true,
    at: event.occurredAt,
    assignee_id: task.assigneeId ?? null,
    status: task.status,
    priority: task.priority,
    due_at: task.dueAt ?? null,
    completed_at: task.completedAt ?? null,
    created_by: task.createdBy ?? null,
    related_type: task.related?.type ?? null,
    related_id: task.related?.id ?? null,
    created_at: task.createdAt,
  };
}
