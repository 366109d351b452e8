import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertContact } from './related-records.fixtures.js';
import { expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('tasks', () => {
  let stack: CrmStack;
  let owner: Caller;
  let contactId: string;

  beforeAll(async () => {
    stack = await startCrmStack('crm-tasks');
    owner = await stack.signUp('tasks');
    contactId = await insertContact(stack, owner.workspaceId);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function createTask(caller: Caller, body: Record<string, unknown>): Promise<any> {
    const response = await caller.post('/tasks', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function taskCount(): Promise<number> {
    const rows: Array<{ count: string }> = await stack.owner.query(`SELECT count(*) AS count FROM crm.tasks WHERE workspace_id = $1`, [owner.workspaceId]);
    return Number(rows[0]!.count);
  }

  describe('create, read, update, delete, restore', () => {
    it('creates a task with the defaults, the caller as creator, and emits task.created', async () => {
      const task = await createTask(owner, { title: '  Call Ada back  ', related: { type: 'contact', id: contactId } });
      expect(task).toMatchObject({
        title: 'Call Ada back',
        description: null,
        dueAt: null,
        priority: 'normal',
        status: 'open',
        assigneeId: null,
        related: { type: 'contact', id: contactId },
        completedAt: null,
        createdBy: owner.userId,
        deletedAt: null,
      });
      expect((await owner.get(`/tasks/${task.id}`)).body).toEqual(task);
      const [created] = await outboxEvents(stack, 'task.created', task.id);
      expect(created).toMatchObject({
        actorId: owner.userId,
        data: {
          task: {
            id: task.id,
            title: 'Call Ada back',
            priority: 'normal',
            status: 'open',
            related: { type: 'contact', id: contactId },
            createdBy: owner.userId,
          },
        },
      });
      expect(await outboxEvents(stack, 'task.assigned', task.id)).toEqual([]);
    });

    it('changes fields with PATCH (null clears), emitting task.updated with the changed fields', async () => {
      const task = await createTask(owner, {
        title: 'Send the proposal',
        description: 'Draft v2',
        dueAt: '2030-01-15T09:00:00Z',
        related: { type: 'contact', id: contactId },
      });
      const response = await owner.patch(`/tasks/${task.id}`, { title: 'Send the final proposal', description: null, priority: 'high', related: null });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        title: 'Send the final proposal',
        description: null,
        priority: 'high',
        related: null,
        dueAt: '2030-01-15T09:00:00.000Z',
      });
      const [updated] = await outboxEvents(stack, 'task.updated', task.id);
      expect(updated!.data.changedFields.sort()).toEqual(['description', 'priority', 'related', 'title']);

      const unchanged = await owner.patch(`/tasks/${task.id}`, { priority: 'high' });
      expect(unchanged.body.updatedAt).toBe(response.body.updatedAt);
      expect(await outboxEvents(stack, 'task.updated', task.id)).toHaveLength(1);
    });

    it('soft-deletes, shows the deleted task by id and in the trash, and restores it', async () => {
      const task = await createTask(owner, { title: 'Archive the contract' });
      expect((await owner.delete(`/tasks/${task.id}`)).status).toBe(204);
      expect((await owner.get(`/tasks/${task.id}`)).body.deletedAt).toEqual(expect.any(String));
      expect((await owner.get('/tasks?limit=500')).body.data.map((row: { id: string }) => row.id)).not.toContain(task.id);
      expect((await owner.get('/tasks?deleted=true')).body.data.map((row: { id: string }) => row.id)).toContain(task.id);
      expectError(await owner.patch(`/tasks/${task.id}`, { title: 'x' }), 404);
      expectError(await owner.delete(`/tasks/${task.id}`), 404);
      expect(await outboxEvents(stack, 'task.deleted', task.id)).toMatchObject([{ data: { taskId: task.id } }]);

      const restored = await owner.post(`/tasks/${task.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id: task.id, deletedAt: null });
      expect((await owner.post(`/tasks/${task.id}/restore`)).body).toEqual(restored.body);
      expect(await outboxEvents(stack, 'task.restored', task.id)).toHaveLength(1);
    });

    it('answers 404 for an unknown id, a non-UUID id and another workspace’s task', async () => {
      const other = await stack.signUp('tasks-other');
      const theirs = await createTask(other, { title: 'Their task' });
      for (const id of [randomUUID(), 'not-a-uuid', theirs.id]) {
        expectError(await owner.get(`/tasks/${id}`), 404);
        expectError(await owner.patch(`/tasks/${id}`, { title: 'Mine now' }), 404);
        expectError(await owner.post(`/tasks/${id}/assign`, { assigneeId: owner.userId }), 404);
        expectError(await owner.delete(`/tasks/${id}`), 404);
        expectError(await owner.post(`/tasks/${id}/restore`), 404);
      }
      expect((await other.get(`/tasks/${theirs.id}`)).body.title).toBe('Their task');
    });
  });

  describe('assignment and completion', () => {
    it('emits task.assigned after task.created when created with an assignee', async () => {
      const assignee = (await stack.member(owner, 'member')).userId;
      const task = await createTask(owner, { title: 'Prepare the demo', assigneeId: assignee });
      const events: Array<{ type: string; data: any }> = await stack.owner.query(
        `SELECT type, payload->'data' AS data FROM crm.outbox WHERE payload->>'aggregateId' = $1 ORDER BY position`,
        [task.id],
      );
      expect(events.map((event) => event.type)).toEqual(['task.created', 'task.assigned']);
      expect(events[1]!.data).toMatchObject({ task: { id: task.id, assigneeId: assignee }, previousAssigneeId: null });
    });

    it('assigns with POST /tasks/:id/assign, naming the previous assignee; the same assignee again changes nothing; null unassigns', async () => {
      const first = (await stack.member(owner, 'member')).userId;
      const second = (await stack.member(owner, 'member')).userId;
      const task = await createTask(owner, { title: 'Review the contract', assigneeId: first });
      const response = await owner.post(`/tasks/${task.id}/assign`, { assigneeId: second });
      expect(response.status).toBe(200);
      expect(response.body.assigneeId).toBe(second);
      const assigned = await outboxEvents(stack, 'task.assigned', task.id);
      expect(assigned.map((event) => event.data.previousAssigneeId ?? null)).toEqual([null, first]);
      expect(assigned[1]!.data.task.assigneeId).toBe(second);

      await owner.post(`/tasks/${task.id}/assign`, { assigneeId: second });
      expect(await outboxEvents(stack, 'task.assigned', task.id)).toHaveLength(2);

      const unassigned = await owner.post(`/tasks/${task.id}/assign`, { assigneeId: null });
      expect(unassigned.body.assigneeId).toBeNull();
      expect(await outboxEvents(stack, 'task.assigned', task.id)).toHaveLength(2);
      expect((await outboxEvents(stack, 'task.updated', task.id)).at(-1)!.data.changedFields).toEqual(['assigneeId']);
    });

    it('refuses an assignment without assigneeId or with a non-UUID one', async () => {
      const task = await createTask(owner, { title: 'Assign me' });
      expectError(await owner.post(`/tasks/${task.id}/assign`, {}), 422, 'assigneeId');
      expectError(await owner.post(`/tasks/${task.id}/assign`, { assigneeId: 'bob' }), 422, 'assigneeId');
      expect((await owner.get(`/tasks/${task.id}`)).body.assigneeId).toBeNull();
    });

    it('sets completedAt and emits task.completed when done; reopening clears completedAt', async () => {
      const task = await createTask(owner, { title: 'Ship the samples' });
      const done = await owner.patch(`/tasks/${task.id}`, { status: 'done' });
      expect(done.body.status).toBe('done');
      expect(Date.parse(done.body.completedAt)).toBeGreaterThan(Date.now() - 60_000);
      const completed = await outboxEvents(stack, 'task.completed', task.id);
      expect(completed).toMatchObject([{ actorId: owner.userId, data: { completedAt: done.body.completedAt, task: { status: 'done' } } }]);

      const reopened = await owner.patch(`/tasks/${task.id}`, { status: 'in_progress' });
      expect(reopened.body).toMatchObject({ status: 'in_progress', completedAt: null });
      expect(await outboxEvents(stack, 'task.completed', task.id)).toHaveLength(1);
    });

    it('a task created done is completed at once', async () => {
      const task = await createTask(owner, { title: 'Logged call', status: 'done' });
      expect(task.completedAt).toEqual(expect.any(String));
      expect(await outboxEvents(stack, 'task.completed', task.id)).toHaveLength(1);
    });
  });

  describe('validation', () => {
    it('refuses bad input with 422 naming the field, storing nothing', async () => {
      const before = await taskCount();
      expectError(await owner.post('/tasks', { title: 'x', priority: 'asap' }), 422, 'priority');
      expectError(await owner.post('/tasks', { title: 'x', status: 'later' }), 422, 'status');
      expectError(await owner.post('/tasks', { title: 'x', dueAt: 'tomorrow' }), 422, 'dueAt');
      expectError(await owner.post('/tasks', { title: '' }), 422, 'title');
      expectError(await owner.post('/tasks', { title: '   ' }), 422, 'title');
      expectError(await owner.post('/tasks', {}), 422, 'title');
      expectError(await owner.post('/tasks', { title: 'x'.repeat(201) }), 422, 'title');
      expectError(await owner.post('/tasks', { title: 'x', assigneeId: 'grace' }), 422, 'assigneeId');
      expectError(await owner.post('/tasks', { title: 'x', related: { type: 'lead', id: contactId } }), 422, 'related.type');
      expectError(await owner.post('/tasks', { title: 'x', colour: 'red' }), 422);
      expect(await taskCount()).toBe(before);
    });

    it('refuses a related record that is missing, deleted or of another workspace with 422 naming related.id', async () => {
      const other = await stack.signUp('tasks-related');
      const theirContact = await insertContact(stack, other.workspaceId);
      const deletedContact = await insertContact(stack, owner.workspaceId, { deletedAt: new Date() });
      const before = await taskCount();
      for (const related of [
        { type: 'contact', id: randomUUID() },
        { type: 'contact', id: theirContact },
        { type: 'contact', id: deletedContact },
        { type: 'deal', id: contactId },
        { type: 'company', id: contactId },
      ]) {
        expectError(await owner.post('/tasks', { title: 'x', related }), 422, 'related.id');
      }
      expect(await taskCount()).toBe(before);
      const task = await createTask(owner, { title: 'Unrelated' });
      expectError(await owner.patch(`/tasks/${task.id}`, { related: { type: 'contact', id: theirContact } }), 422, 'related.id');
      expect((await owner.get(`/tasks/${task.id}`)).body.related).toBeNull();
    });

    it('refuses a PATCH setting title, priority or status to null, and a non-date dueAt', async () => {
      const task = await createTask(owner, { title: 'Keep me' });
      expectError(await owner.patch(`/tasks/${task.id}`, { title: null }), 422, 'title');
      expectError(await owner.patch(`/tasks/${task.id}`, { priority: null }), 422, 'priority');
      expectError(await owner.patch(`/tasks/${task.id}`, { status: 'finished' }), 422, 'status');
      expectError(await owner.patch(`/tasks/${task.id}`, { dueAt: '31/12/2030' }), 422, 'dueAt');
      expect((await owner.get(`/tasks/${task.id}`)).body).toEqual(task);
    });
  });

  describe('lists', () => {
    let workspace: Caller;
    let assignee: string;
    let relatedContact: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      workspace = await stack.signUp('tasks-lists');
      assignee = (await stack.member(workspace, 'member')).userId;
      relatedContact = await insertContact(stack, workspace.workspaceId);
      const hour = 3_600_000;
      const tasks: Record<string, Record<string, unknown>> = {
        overdue: { title: 'Overdue call', dueAt: new Date(Date.now() - 2 * hour).toISOString(), priority: 'urgent', assigneeId: assignee },
        overdueDone: { title: 'Finished late', dueAt: new Date(Date.now() - hour).toISOString(), status: 'done', priority: 'low' },
        soon: {
          title: 'Upcoming meeting',
          dueAt: new Date(Date.now() + hour).toISOString(),
          priority: 'high',
          status: 'in_progress',
          related: { type: 'contact', id: relatedContact },
        },
        later: { title: 'Quarterly review', dueAt: new Date(Date.now() + 48 * hour).toISOString(), priority: 'normal', assigneeId: workspace.userId },
        undated: { title: 'Someday cleanup', priority: 'low', status: 'cancelled' },
      };
      for (const [name, body] of Object.entries(tasks)) ids[name] = (await createTask(workspace, body)).id;
    });

    async function listIds(query: string): Promise<string[]> {
      const response = await workspace.get(`/tasks${query}`);
      expect(response.status).toBe(200);
      return response.body.data.map((task: { id: string }) => task.id);
    }

    it('filters by status (one of), priority, assignee (also me), related record and overdue', async () => {
      expect((await listIds('?status=open,in_progress')).sort()).toEqual([ids.overdue, ids.soon, ids.later].sort());
      expect((await listIds('?priority=urgent,high')).sort()).toEqual([ids.overdue, ids.soon].sort());
      expect(await listIds(`?assigneeId=${assignee}`)).toEqual([ids.overdue]);
      expect(await listIds('?assigneeId=me')).toEqual([ids.later]);
      expect(await listIds(`?relatedType=contact&relatedId=${relatedContact}`)).toEqual([ids.soon]);
      expect(await listIds('?overdue=true')).toEqual([ids.overdue]);
      expect(await listIds('?overdue=false')).not.toContain(ids.overdue);
      expect((await listIds(`?dueAtFrom=${encodeURIComponent(new Date().toISOString())}`)).sort()).toEqual([ids.soon, ids.later].sort());
    });

    it('sorts by dueAt (undated last), -priority (urgent first) and createdAt', async () => {
      expect(await listIds('?sort=dueAt')).toEqual([ids.overdue, ids.overdueDone, ids.soon, ids.later, ids.undated]);
      expect((await listIds('?sort=-priority')).slice(0, 2)).toEqual([ids.overdue, ids.soon]);
      expect(await listIds('?sort=createdAt')).toEqual([ids.overdue, ids.overdueDone, ids.soon, ids.later, ids.undated]);
      expect(await listIds('')).toEqual([ids.undated, ids.later, ids.soon, ids.overdueDone, ids.overdue]);
    });

    it('searches titles by word prefix', async () => {
      expect(await listIds('?q=quarter')).toEqual([ids.later]);
    });

    it('pages with a cursor, and refuses a tampered cursor, an unknown sort and a limit out of range with 400', async () => {
      const first = await workspace.get('/tasks?sort=dueAt&limit=2');
      expect(first.body.data.map((task: { id: string }) => task.id)).toEqual([ids.overdue, ids.overdueDone]);
      const second = await workspace.get(`/tasks?sort=dueAt&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.data.map((task: { id: string }) => task.id)).toEqual([ids.soon, ids.later]);
      const third = await workspace.get(`/tasks?sort=dueAt&limit=2&cursor=${encodeURIComponent(second.body.nextCursor)}`);
      expect(third.body).toMatchObject({ data: [{ id: ids.undated }], nextCursor: null });

      const [body, mac] = (first.body.nextCursor as string).split('.');
      const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
      const forged = `${Buffer.from(JSON.stringify({ ...payload, i: randomUUID() })).toString('base64url')}.${mac}`;
      expectError(await workspace.get(`/tasks?sort=dueAt&limit=2&cursor=${encodeURIComponent(forged)}`), 400, 'cursor');
      expectError(await workspace.get(`/tasks?sort=createdAt&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`), 400, 'cursor');
      expectError(await workspace.get('/tasks?sort=title'), 400, 'sort');
      expectError(await workspace.get('/tasks?limit=501'), 400, 'limit');
      expectError(await workspace.get('/tasks?status=someday'), 400, 'status');
      expectError(await workspace.get('/tasks?assigneeId=bob'), 400, 'assigneeId');
    });
  });

  describe('roles and ownership', () => {
    it('lets a member change tasks assigned to them or created by them, and no others', async () => {
      const member = await stack.member(owner, 'member');
      const assignedToMember = await createTask(owner, { title: 'For the member', assigneeId: member.userId });
      const ownersTask = await createTask(owner, { title: 'Owner’s own' });
      const membersTask = await createTask(member, { title: 'Member wrote this', assigneeId: owner.userId });
      expect(membersTask.createdBy).toBe(member.userId);

      expect((await member.patch(`/tasks/${assignedToMember.id}`, { status: 'done' })).status).toBe(200);
      expect((await member.post(`/tasks/${membersTask.id}/assign`, { assigneeId: member.userId })).status).toBe(200);
      expect((await member.delete(`/tasks/${membersTask.id}`)).status).toBe(204);
      expect((await member.post(`/tasks/${membersTask.id}/restore`)).status).toBe(200);

      expectError(await member.patch(`/tasks/${ownersTask.id}`, { title: 'Hijacked' }), 403);
      expectError(await member.post(`/tasks/${ownersTask.id}/assign`, { assigneeId: member.userId }), 403);
      expectError(await member.delete(`/tasks/${ownersTask.id}`), 403);
      expect((await owner.get(`/tasks/${ownersTask.id}`)).body).toEqual(ownersTask);
      expect((await member.get(`/tasks/${ownersTask.id}`)).status).toBe(200);

      const manager = await stack.as(owner, 'manager');
      expect((await manager.patch(`/tasks/${membersTask.id}`, { priority: 'urgent' })).status).toBe(200);
    });

    it('lets a viewer read but not write', async () => {
      const viewer = await stack.as(owner, 'viewer');
      const task = await createTask(owner, { title: 'Visible' });
      expect((await viewer.get(`/tasks/${task.id}`)).status).toBe(200);
      expect((await viewer.get('/tasks')).status).toBe(200);
      expectError(await viewer.post('/tasks', { title: 'Nope' }), 403);
      expectError(await viewer.patch(`/tasks/${task.id}`, { title: 'Nope' }), 403);
      expectError(await viewer.post(`/tasks/${task.id}/assign`, { assigneeId: viewer.userId }), 403);
      expectError(await viewer.delete(`/tasks/${task.id}`), 403);
    });

    it('lets an API key with tasks:write create tasks, with no creator', async () => {
      const key = await stack.apiKey(owner, ['tasks:write', 'tasks:read']);
      const task = await createTask(key, { title: 'From the integration' });
      expect(task.createdBy).toBeNull();
      expectError(await key.get('/tasks?assigneeId=me'), 400, 'assigneeId');
    });
  });
});
