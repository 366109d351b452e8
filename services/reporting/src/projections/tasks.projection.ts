import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, oneByOne, subscribeProjection } from './projection.js';

const TYPES = ['task.created', 'task.assigned', 'task.completed', 'task.updated', 'task.deleted', 'task.restored'] as const;

/** reporting.tasks from crm's task events: assignee, status, completedAt. */
@Injectable()
export class TasksProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(
      this.events,
      this.handlers,
      'tasks',
      TYPES,
      oneByOne((event, manager) => this.apply(event, manager)),
    );
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    if (event.type === 'task.deleted') {
      await manager.query('UPDATE reporting.tasks SET deleted_at = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, event.aggregateId, event.occurredAt]);
      return;
    }
    // Every other task event carries the whole task after the change.
    const task = required(event.data.task, event, 'task');
    await manager.query(
      `INSERT INTO reporting.tasks (workspace_id, id, assignee_id, status, priority, due_at, completed_at, created_by, related_type, related_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (workspace_id, id) DO UPDATE SET assignee_id = EXCLUDED.assignee_id, status = EXCLUDED.status, priority = EXCLUDED.priority,
         due_at = EXCLUDED.due_at, completed_at = EXCLUDED.completed_at, related_type = EXCLUDED.related_type, related_id = EXCLUDED.related_id,
         deleted_at = NULL`,
      [
        workspaceId,
        task.id,
        task.assigneeId ?? null,
        task.status,
        task.priority,
        task.dueAt ?? null,
        task.completedAt ?? null,
        task.createdBy ?? null,
        task.related?.type ?? null,
        task.related?.id ?? null,
        task.createdAt,
      ],
    );
  }
}
