import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { onlyOwnRecords, type CrmEvents } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import type { CreateTaskBody, ListTasksQuery, RelatedRecord, UpdateTask } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { toListRequest } from '../common/list-request.js';
import { SqlConditions } from '../common/list-query.js';
import { assertMayReadRelated, unreadableObjectIds, withoutRecordsOf } from '../common/object-access.js';
import { assertRelatedExists } from '../common/related-records.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { PRIORITY_RANK, TasksRepository, type Task, type TaskValues } from './tasks.repository.js';

export interface TaskPage {
  data: Task[];
  nextCursor: string | null;
}

function taskNotFound(): RpcError {
  return RpcError.notFound('Task');
}

/** The task as events carry it (proto Task). */
function eventTask(task: Task): CrmEvents.Task {
  return {
    id: task.id,
    title: task.title,
    dueAt: task.dueAt,
    priority: task.priority,
    status: task.status,
    assigneeId: task.assigneeId,
    related: task.related,
    completedAt: task.completedAt,
    createdBy: task.createdBy,
    createdAt: task.createdAt,
  };
}

function sameRelated(a: RelatedRecord | null, b: RelatedRecord | null): boolean {
  return a?.type === b?.type && a?.id === b?.id;
}

/** The API names of the fields that differ between two versions of a task. */
function changedFields(before: Task, after: Task): string[] {
  const fields = ['title', 'description', 'dueAt', 'priority', 'status', 'assigneeId', 'completedAt'] as const;
  const changed: string[] = fields.filter((field) => before[field] !== after[field]);
  if (!sameRelated(before.related, after.related)) changed.push('related');
  return changed;
}

/**
 * Tasks: due date, priority, status, an assignee (a user id; crm keeps no users) and the record
 * they are about. Members change only the tasks assigned to them or created by them; status done
 * stamps completedAt and a reopening clears it. Tasks about a record of an object the caller may
 * not read are not theirs to see or change (common/object-access.ts).
 */
@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly tasks: TasksRepository,
    private readonly users: WorkspaceUsers,
  ) {}

  async create(caller: CrmCaller, input: CreateTaskBody): Promise<Task> {
    assertHolds(caller, 'tasks:write');
    await this.users.assertActive(caller, 'assigneeId', input.assigneeId);
    const { workspaceId } = caller;
    const status = input.status ?? 'open';
    const values: TaskValues = {
      title: input.title.trim(),
      description: input.description ?? null,
      dueAt: input.dueAt ?? null,
      priority: input.priority ?? 'normal',
      status,
      assigneeId: input.assigneeId ?? null,
      related: input.related ? { type: input.related.type, id: input.related.id } : null,
      completedAt: status === 'done' ? new Date().toISOString() : null,
    };
    return this.events.transaction(workspaceId, async (manager, emit) => {
      if (values.related) await assertRelatedExists(manager, workspaceId, values.related);
      await assertMayReadRelated(manager, caller, values.related);
      const task = await this.tasks.insert(manager, workspaceId, newId(), values, caller.userId);
      await emit<CrmEvents.TaskCreated>({ type: 'task.created', workspaceId, actorId: caller.userId, aggregateId: task.id, data: { task: eventTask(task) } });
      await this.emitFollowUps(emit, caller, null, task);
      return task;
    });
  }

  async get(caller: CrmCaller, id: string): Promise<Task> {
    assertHolds(caller, 'tasks:read');
    if (!isUuid(id)) throw taskNotFound();
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const task = await this.tasks.find(manager, caller.workspaceId, id);
      if (!task) throw taskNotFound();
      await assertMayReadRelated(manager, caller, task.related);
      return task;
    });
  }

  async list(caller: CrmCaller, input: ListTasksQuery): Promise<TaskPage> {
    assertHolds(caller, 'tasks:read');
    const request = toListRequest(input);
    if (request.filter.assigneeId === 'me') {
      if (!caller.userId)
        throw new RpcError(400, 'invalid_parameter', 'An API key has no user: name the assignee.', [
          { field: 'assigneeId', issue: 'me needs a signed-in user' },
        ]);
      request.filter.assigneeId = caller.userId;
    }
    const { dueAtFrom, dueAtTo, ...filter } = request.filter;
    request.filter = { ...filter, ...(dueAtFrom ? { dueFrom: dueAtFrom } : {}), ...(dueAtTo ? { dueTo: dueAtTo } : {}) };
    if (Array.isArray(request.filter.priority)) {
      request.filter.priority = (input.priority ?? []).map((priority) => PRIORITY_RANK[priority]);
    }
    const page = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) =>
      this.tasks.list(manager, caller.workspaceId, request, withoutRecordsOf(await unreadableObjectIds(manager, caller), new SqlConditions())),
    );
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateTask>): Promise<Task> {
    await this.users.assertActive(caller, 'assigneeId', input.assigneeId);
    if (!isUuid(input.id)) throw taskNotFound();
    return this.events.transaction(caller.workspaceId, (manager, emit) => this.updateInTransaction(manager, emit, caller, input));
  }

  /** update() inside the caller's transaction (a bulk change's), for a checked id and assignee. */
  updateInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, input: InputOf<typeof UpdateTask>): Promise<Task> {
    return this.changeInTransaction(manager, emit, caller, input.id, async (before) => {
      const status = input.status ?? before.status;
      const related = input.related === undefined ? before.related : input.related && { type: input.related.type, id: input.related.id };
      if (related && !sameRelated(related, before.related)) {
        await assertRelatedExists(manager, caller.workspaceId, related);
        await assertMayReadRelated(manager, caller, related);
      }
      return {
        title: input.title?.trim() ?? before.title,
        description: input.description === undefined ? before.description : input.description,
        dueAt: input.dueAt === undefined ? before.dueAt : input.dueAt && new Date(input.dueAt).toISOString(),
        priority: input.priority ?? before.priority,
        status,
        assigneeId: input.assigneeId === undefined ? before.assigneeId : input.assigneeId,
        related,
        completedAt: status !== 'done' ? null : before.status === 'done' ? before.completedAt : new Date().toISOString(),
      };
    });
  }

  async assign(caller: CrmCaller, id: string, assigneeId: string | null): Promise<Task> {
    await this.users.assertActive(caller, 'assigneeId', assigneeId);
    if (!isUuid(id)) throw taskNotFound();
    return this.events.transaction(caller.workspaceId, (manager, emit) =>
      this.changeInTransaction(manager, emit, caller, id, async (before) => ({ ...before, assigneeId })),
    );
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw taskNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, (manager, emit) => this.deleteInTransaction(manager, emit, caller, id));
  }

  /** delete() inside the caller's transaction (a bulk change's), for a checked id. */
  async deleteInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, id: string): Promise<void> {
    const { workspaceId } = caller;
    const task = await this.tasks.find(manager, workspaceId, id, true);
    if (!task || task.deletedAt) throw taskNotFound();
    this.assertMayChange(caller, task);
    await assertMayReadRelated(manager, caller, task.related);
    await this.tasks.setDeleted(manager, workspaceId, id, true);
    await emit<CrmEvents.TaskDeleted>({ type: 'task.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { taskId: id } });
  }

  /** Restoring a live task returns it unchanged. */
  async restore(caller: CrmCaller, id: string): Promise<Task> {
    if (!isUuid(id)) throw taskNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const task = await this.tasks.find(manager, workspaceId, id, true);
      if (!task) throw taskNotFound();
      this.assertMayChange(caller, task);
      await assertMayReadRelated(manager, caller, task.related);
      if (!task.deletedAt) return task;
      const restored = await this.tasks.setDeleted(manager, workspaceId, id, false);
      await emit<CrmEvents.TaskRestored>({ type: 'task.restored', workspaceId, actorId: caller.userId, aggregateId: id, data: { task: eventTask(restored) } });
      return restored;
    });
  }

  /**
   * A change of a live task: `next` computes its new values from the stored ones. Emits
   * task.updated when anything changed, then task.assigned and task.completed where they apply.
   */
  private async changeInTransaction(
    manager: EntityManager,
    emit: Emit,
    caller: CrmCaller,
    id: string,
    next: (before: Task) => Promise<TaskValues>,
  ): Promise<Task> {
    const { workspaceId } = caller;
    const before = await this.tasks.find(manager, workspaceId, id, true);
    if (!before || before.deletedAt) throw taskNotFound();
    this.assertMayChange(caller, before);
    await assertMayReadRelated(manager, caller, before.related);
    const values = await next(before);
    const changed = changedFields(before, { ...before, ...values });
    if (changed.length === 0) return before;
    const after = await this.tasks.update(manager, workspaceId, id, values);
    await emit<CrmEvents.TaskUpdated>({
      type: 'task.updated',
      workspaceId,
      actorId: caller.userId,
      aggregateId: id,
      data: { task: eventTask(after), changedFields: changed },
    });
    await this.emitFollowUps(emit, caller, before, after);
    return after;
  }

  /** task.assigned when the task got a (new) assignee, task.completed when it became done. */
  private async emitFollowUps(emit: Emit, caller: CrmCaller, before: Task | null, after: Task): Promise<void> {
    const { workspaceId } = caller;
    if (after.assigneeId && after.assigneeId !== before?.assigneeId) {
      await emit<CrmEvents.TaskAssigned>({
        type: 'task.assigned',
        workspaceId,
        actorId: caller.userId,
        aggregateId: after.id,
        data: { task: eventTask(after), previousAssigneeId: before?.assigneeId ?? null },
      });
    }
    if (after.status === 'done' && before?.status !== 'done') {
      await emit<CrmEvents.TaskCompleted>({
        type: 'task.completed',
        workspaceId,
        actorId: caller.userId,
        aggregateId: after.id,
        data: { task: eventTask(after), completedAt: after.completedAt! },
      });
    }
  }

  /** Members change only the tasks assigned to them or created by them; viewers none. */
  private assertMayChange(caller: CrmCaller, task: Task): void {
    assertHolds(caller, 'tasks:write');
    if (caller.role && onlyOwnRecords(caller.role, 'tasks:write') && caller.userId !== task.assigneeId && caller.userId !== task.createdBy) {
      throw RpcError.forbidden('Members may change only the tasks assigned to them or created by them.');
    }
  }
}
