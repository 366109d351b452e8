import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertCompany, insertContact } from './related-records.fixtures.js';
import { expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('tickets', () => {
  let stack: CrmStack;
  let owner: Caller;
  let contactId: string;
  let companyId: string;

  beforeAll(async () => {
    stack = await startCrmStack('crm-tickets');
    owner = await stack.signUp('tickets');
    companyId = await insertCompany(stack, owner.workspaceId);
    contactId = await insertContact(stack, owner.workspaceId, { companyId });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function openTicket(caller: Caller, body: Record<string, unknown>): Promise<any> {
    const response = await caller.post('/tickets', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function ticketCount(): Promise<number> {
    const rows: Array<{ count: string }> = await stack.owner.query(`SELECT count(*) AS count FROM crm.tickets WHERE workspace_id = $1`, [owner.workspaceId]);
    return Number(rows[0]!.count);
  }

  describe('create, read, update, delete, restore', () => {
    it('opens a ticket with the defaults, no deadlines without a policy, and emits ticket.created', async () => {
      const ticket = await openTicket(owner, {
        subject: '  Cannot download my invoice  ',
        contactId,
        tags: ['billing', ' billing ', 'pdf'],
        customFields: { order_ref: 'A-17' },
      });
      expect(ticket).toMatchObject({
        subject: 'Cannot download my invoice',
        description: null,
        status: 'new',
        priority: 'normal',
        priorityReason: null,
        type: null,
        channel: 'api',
        contactId,
        companyId: null,
        assigneeId: null,
        tags: ['billing', 'pdf'],
        customFields: { order_ref: 'A-17' },
        firstResponseDueAt: null,
        resolutionDueAt: null,
        breached: false,
        createdBy: owner.userId,
        deletedAt: null,
      });
      expect((await owner.get(`/tickets/${ticket.id}`)).body).toEqual(ticket);
      const [created] = await outboxEvents(stack, 'ticket.created', ticket.id);
      expect(created).toMatchObject({
        actorId: owner.userId,
        data: { ticket: { id: ticket.id, subject: 'Cannot download my invoice', status: 'new', contactId, tags: ['billing', 'pdf'] } },
      });
      expect(await outboxEvents(stack, 'ticket.assigned', ticket.id)).toEqual([]);
    });

    it('refuses fields out of their sets and unknown references with a 422 naming the field, writing nothing', async () => {
      const before = await ticketCount();
      expectError(await owner.post('/tickets', { subject: 'x', status: 'waiting' }), 422, 'status');
      expectError(await owner.post('/tickets', { subject: 'x', priority: 'critical' }), 422, 'priority');
      expectError(await owner.post('/tickets', { subject: 'x', type: 'bug' }), 422, 'type');
      expectError(await owner.post('/tickets', { subject: 'x', channel: 'fax' }), 422, 'channel');
      expectError(await owner.post('/tickets', { subject: '' }), 422, 'subject');
      expectError(await owner.post('/tickets', { subject: 'x', contactId: randomUUID() }), 422, 'contactId');
      expectError(await owner.post('/tickets', { subject: 'x', companyId: randomUUID() }), 422, 'companyId');
      expectError(await owner.post('/tickets', { subject: 'x', assigneeId: randomUUID() }), 422, 'assigneeId');
      expectError(await owner.post('/tickets', { subject: 'x', customFields: { 'Bad Key': 1 } }), 422, 'customFields.Bad Key');
      expectError(await owner.post('/tickets', { subject: 'x', customFields: { nested: { a: 1 } } }), 422, 'customFields.nested');
      expect(await ticketCount()).toBe(before);
    });

    it('changes fields with PATCH, emitting ticket.updated with the changed fields, and nothing when nothing changed', async () => {
      const ticket = await openTicket(owner, { subject: 'Login fails', description: 'since Monday' });
      const response = await owner.patch(`/tickets/${ticket.id}`, {
        subject: 'Login fails on mobile',
        description: null,
        type: 'incident',
        companyId,
        tags: ['mobile'],
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ subject: 'Login fails on mobile', description: null, type: 'incident', companyId, tags: ['mobile'] });
      const [updated] = await outboxEvents(stack, 'ticket.updated', ticket.id);
      expect(updated!.data.changedFields.sort()).toEqual(['companyId', 'description', 'subject', 'tags', 'type']);
      const unchanged = await owner.patch(`/tickets/${ticket.id}`, { type: 'incident' });
      expect(unchanged.body.updatedAt).toBe(response.body.updatedAt);
      expect(await outboxEvents(stack, 'ticket.updated', ticket.id)).toHaveLength(1);
      expectError(await owner.patch(`/tickets/${ticket.id}`, { status: 'waiting' }), 422, 'status');
      expectError(await owner.patch(`/tickets/${ticket.id}`, { contactId: randomUUID() }), 422, 'contactId');
      expect((await owner.get(`/tickets/${ticket.id}`)).body).toEqual(response.body);
    });

    it('soft-deletes, shows the deleted ticket by id and in the trash, and restores it', async () => {
      const ticket = await openTicket(owner, { subject: 'Wrong address on invoice' });
      expect((await owner.delete(`/tickets/${ticket.id}`)).status).toBe(204);
      expect((await owner.get(`/tickets/${ticket.id}`)).body.deletedAt).toEqual(expect.any(String));
      expect((await owner.get('/tickets?limit=500')).body.data.map((row: { id: string }) => row.id)).not.toContain(ticket.id);
      expect((await owner.get('/tickets?deleted=true')).body.data.map((row: { id: string }) => row.id)).toContain(ticket.id);
      expectError(await owner.patch(`/tickets/${ticket.id}`, { subject: 'x' }), 404);
      expectError(await owner.post(`/tickets/${ticket.id}/comments`, { body: 'x' }), 404);
      expect(await outboxEvents(stack, 'ticket.deleted', ticket.id)).toMatchObject([{ data: { ticketId: ticket.id } }]);
      const restored = await owner.post(`/tickets/${ticket.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id: ticket.id, deletedAt: null });
      expect((await owner.post(`/tickets/${ticket.id}/restore`)).body).toEqual(restored.body);
      expect(await outboxEvents(stack, 'ticket.restored', ticket.id)).toHaveLength(1);
    });

    it('answers 404 for unknown ids, ids that are not UUIDs and another workspace’s tickets', async () => {
      const other = await stack.signUp('tickets-other');
      const theirs = await openTicket(other, { subject: 'Theirs' });
      expectError(await owner.get(`/tickets/${theirs.id}`), 404);
      expectError(await owner.get(`/tickets/${randomUUID()}`), 404);
      expectError(await owner.get('/tickets/not-a-uuid'), 404);
      expectError(await owner.patch(`/tickets/${theirs.id}`, { subject: 'Mine now' }), 404);
      expect((await other.get(`/tickets/${theirs.id}`)).body.subject).toBe('Theirs');
    });
  });

  describe('lists', () => {
    let workspace: Caller;
    beforeAll(async () => {
      workspace = await stack.signUp('tickets-lists');
      const customer = await insertContact(stack, workspace.workspaceId);
      await openTicket(workspace, {
        subject: 'Printer on fire',
        priority: 'urgent',
        type: 'incident',
        channel: 'phone',
        contactId: customer,
        tags: ['hardware'],
      });
      await openTicket(workspace, { subject: 'How do I export contacts?', priority: 'low', type: 'question', channel: 'email' });
      await openTicket(workspace, {
        subject: 'Export button missing',
        priority: 'high',
        type: 'problem',
        channel: 'web',
        status: 'open',
        tags: ['hardware', 'ui'],
      });
    });

    it('filters by status, priority, type, channel, contact and tags, searches the subject and sorts by priority', async () => {
      const subjects = async (query: string) => ((await workspace.get(`/tickets?${query}`)).body.data as Array<{ subject: string }>).map((row) => row.subject);
      expect(await subjects('status=open')).toEqual(['Export button missing']);
      expect(await subjects('priority=urgent,low&sort=-priority')).toEqual(['Printer on fire', 'How do I export contacts?']);
      expect(await subjects('type=question')).toEqual(['How do I export contacts?']);
      expect(await subjects('channel=phone,web&sort=priority')).toEqual(['Export button missing', 'Printer on fire']);
      expect(await subjects('tags=hardware,ui')).toEqual(['Export button missing']);
      expect(await subjects('q=expor&sort=priority')).toEqual(['How do I export contacts?', 'Export button missing']);
      expect(await subjects('breached=true')).toEqual([]);
      expectError(await workspace.get('/tickets?status=waiting'), 400, 'status');
      expectError(await workspace.get('/tickets?sort=subject'), 400, 'sort');
    });

    it('pages with a cursor', async () => {
      const first = await workspace.get('/tickets?limit=2');
      expect(first.body.data).toHaveLength(2);
      const second = await workspace.get(`/tickets?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body).toMatchObject({ data: [expect.any(Object)], nextCursor: null });
      const ids = [...first.body.data, ...second.body.data].map((row: { id: string }) => row.id);
      expect(new Set(ids).size).toBe(3);
      expectError(await workspace.get('/tickets?cursor=forged'), 400);
    });
  });

  describe('comments, assignment, merge', () => {
    it('keeps internal and public comments, oldest first, and emits ticket.commented', async () => {
      const ticket = await openTicket(owner, { subject: 'Refund please', contactId });
      const internal = await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Customer is on the enterprise plan', internal: true });
      expect(internal.status).toBe(201);
      expect(internal.body).toMatchObject({
        ticketId: ticket.id,
        body: 'Customer is on the enterprise plan',
        internal: true,
        author: 'agent',
        authorId: owner.userId,
      });
      // An internal note is no response: the ticket stays new.
      expect((await owner.get(`/tickets/${ticket.id}`)).body).toMatchObject({ status: 'new', firstRespondedAt: null });
      const reply = await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Refunded today.' });
      expect(reply.body.internal).toBe(false);
      expect((await owner.get(`/tickets/${ticket.id}`)).body).toMatchObject({ status: 'open', firstRespondedAt: reply.body.createdAt });
      const comments = await owner.get(`/tickets/${ticket.id}/comments`);
      expect(comments.body.data.map((comment: { body: string }) => comment.body)).toEqual(['Customer is on the enterprise plan', 'Refunded today.']);
      const events = await outboxEvents(stack, 'ticket.commented', ticket.id);
      expect(events.map((event) => event.data)).toEqual([
        { ticketId: ticket.id, commentId: internal.body.id, internal: true, author: 'agent' },
        { ticketId: ticket.id, commentId: reply.body.id, internal: false, author: 'agent' },
      ]);
      expect(JSON.stringify(events)).not.toContain('enterprise plan');
      expectError(await owner.post(`/tickets/${ticket.id}/comments`, { body: '' }), 422, 'body');
      expectError(await owner.post(`/tickets/${ticket.id}/comments`, { body: 'x', author: 'robot' }), 422, 'author');
    });

    it('assigns to an active user with ticket.assigned, refuses strangers, and lets members change only their own tickets', async () => {
      const agent = await stack.member(owner, 'member');
      const ticket = await openTicket(owner, { subject: 'Slow dashboard' });
      expectError(await agent.patch(`/tickets/${ticket.id}`, { subject: 'Mine' }), 403);
      expectError(await owner.post(`/tickets/${ticket.id}/assign`, { assigneeId: randomUUID() }), 422, 'assigneeId');
      const assigned = await owner.post(`/tickets/${ticket.id}/assign`, { assigneeId: agent.userId });
      expect(assigned.status).toBe(200);
      expect(assigned.body.assigneeId).toBe(agent.userId);
      expect(await outboxEvents(stack, 'ticket.assigned', ticket.id)).toMatchObject([
        { data: { ticket: { assigneeId: agent.userId }, previousAssigneeId: null, automatic: false } },
      ]);
      expect((await agent.patch(`/tickets/${ticket.id}`, { status: 'pending' })).body.status).toBe('pending');
      const viewer = await stack.as(owner, 'viewer');
      expectError(await viewer.post('/tickets', { subject: 'x' }), 403);
      expect((await viewer.get(`/tickets/${ticket.id}`)).status).toBe(200);
    });

    it('merges a duplicate: its comments and tags move over, it is closed, deleted and cannot be restored', async () => {
      const survivor = await openTicket(owner, { subject: 'VPN down', tags: ['network'] });
      const duplicate = await openTicket(owner, { subject: 'VPN not working', tags: ['vpn'] });
      await owner.post(`/tickets/${duplicate.id}/comments`, { body: 'Also from the Berlin office', internal: true });
      expectError(await owner.post(`/tickets/${survivor.id}/merge`, { otherId: survivor.id }), 422, 'otherId');
      expectError(await owner.post(`/tickets/${survivor.id}/merge`, { otherId: randomUUID() }), 422, 'otherId');
      const merged = await owner.post(`/tickets/${survivor.id}/merge`, { otherId: duplicate.id });
      expect(merged.status).toBe(200);
      expect(merged.body.tags).toEqual(['network', 'vpn']);
      expect((await owner.get(`/tickets/${survivor.id}/comments`)).body.data.map((comment: { body: string }) => comment.body)).toEqual([
        'Also from the Berlin office',
      ]);
      const gone = (await owner.get(`/tickets/${duplicate.id}`)).body;
      expect(gone).toMatchObject({ status: 'closed', mergedIntoId: survivor.id, deletedAt: expect.any(String) });
      expectError(await owner.post(`/tickets/${duplicate.id}/restore`), 409);
      expect(await outboxEvents(stack, 'ticket.merged', survivor.id)).toMatchObject([{ data: { mergedTicketId: duplicate.id, ticket: { id: survivor.id } } }]);
    });
  });

  it('moves a merged contact’s tickets to the contact it was merged into', async () => {
    const survivor = await insertContact(stack, owner.workspaceId);
    const duplicate = await insertContact(stack, owner.workspaceId);
    const ticket = await openTicket(owner, { subject: 'From the duplicate', contactId: duplicate });
    expect((await owner.post(`/contacts/${survivor}/merge`, { otherId: duplicate })).status).toBe(200);
    expect((await owner.get(`/tickets/${ticket.id}`)).body.contactId).toBe(survivor);
    expect((await owner.get(`/tickets?contactId=${survivor}`)).body.data.map((row: { id: string }) => row.id)).toEqual([ticket.id]);
  });

  it('shows tickets on their contact’s and company’s timelines, to those who may read tickets', async () => {
    const ticket = await openTicket(owner, { subject: 'Timeline ticket', contactId, companyId });
    await owner.patch(`/tickets/${ticket.id}`, { status: 'resolved' });
    for (const path of [`/contacts/${contactId}/timeline`, `/companies/${companyId}/timeline`]) {
      const entries = (await owner.get(`${path}?limit=500`)).body.data as Array<{ id: string; kind: string; data: Record<string, unknown> }>;
      const mine = entries.filter((entry) => entry.id === ticket.id);
      expect(mine.map((entry) => entry.kind).sort()).toEqual(['ticket_created', 'ticket_resolved']);
      expect(mine[0]!.data).toMatchObject({ ticketId: ticket.id, subject: 'Timeline ticket' });
    }
    const key = await stack.apiKey(owner, ['contacts:read']);
    const seen = (await key.get(`/contacts/${contactId}/timeline?limit=500`)).body.data as Array<{ kind: string }>;
    expect(seen.some((entry) => entry.kind.startsWith('ticket_'))).toBe(false);
  });
});
