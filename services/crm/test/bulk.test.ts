import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BULK_IDS_MAX } from '@kinship/contracts/crm';
import { expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('bulk changes (POST /<list>/bulk)', () => {
  let stack: CrmStack;
  let owner: Caller;
  let member: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-bulk');
    owner = await stack.signUp('bulk');
    member = await stack.member(owner, 'member');
    stranger = await stack.signUp('bulk-stranger');
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function contact(caller: Caller, body: Record<string, unknown>): Promise<any> {
    const response = await caller.post('/contacts', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function eventsOf(type: string, ids: string[]): Promise<string[]> {
    const events = await Promise.all(ids.map((id) => outboxEvents(stack, type, id)));
    return ids.filter((_, index) => events[index]!.length > 0);
  }

  it('deletes contacts to the trash one by one, reporting unknown and other workspaces’ ids, with contact.deleted for each deleted one', async () => {
    const ada = await contact(owner, { firstName: 'Ada' });
    const bob = await contact(owner, { firstName: 'Bob' });
    const foreign = await contact(stranger, { firstName: 'Foreign' });
    const unknown = randomUUID();
    const response = await owner.post('/contacts/bulk', { action: 'delete', ids: [ada.id, foreign.id, bob.id, unknown, ada.id] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      results: [
        { id: ada.id, status: 'ok', message: null },
        { id: foreign.id, status: 'not_found', message: expect.any(String) },
        { id: bob.id, status: 'ok', message: null },
        { id: unknown, status: 'not_found', message: expect.any(String) },
      ],
      succeeded: 2,
      failed: 2,
    });
    const trash = (await owner.get('/contacts?deleted=true')).body.data.map((row: { id: string }) => row.id);
    expect(trash).toEqual(expect.arrayContaining([ada.id, bob.id]));
    expect((await stranger.get(`/contacts/${foreign.id}`)).body.deletedAt).toBeNull();
    expect(await eventsOf('contact.deleted', [ada.id, bob.id, foreign.id])).toEqual([ada.id, bob.id]);
    expect((await owner.post(`/contacts/${ada.id}/restore`)).status).toBe(200);
  });

  it('tags and untags contacts keeping each one’s own tags; a contact the change would break fails alone', async () => {
    const ada = await contact(owner, { firstName: 'Ada', tags: ['vip'] });
    const bob = await contact(owner, { firstName: 'Bob', tags: ['Lead'] });
    const full = await contact(owner, { firstName: 'Full', tags: Array.from({ length: 50 }, (_, index) => `t${index}`) });
    const tagged = await owner.post('/contacts/bulk', { action: 'tag', ids: [ada.id, full.id, bob.id], tags: ['q4', 'vip'] });
    expect(tagged.body.results.map((result: { status: string }) => result.status)).toEqual(['ok', 'error', 'ok']);
    expect(tagged.body.results[1].message).toMatch(/tags/);
    expect((await owner.get(`/contacts/${ada.id}`)).body.tags).toEqual(['vip', 'q4']);
    expect((await owner.get(`/contacts/${bob.id}`)).body.tags).toEqual(['Lead', 'q4', 'vip']);
    expect((await owner.get(`/contacts/${full.id}`)).body.tags).toHaveLength(50);
    const [updated] = await outboxEvents(stack, 'contact.updated', bob.id);
    expect(updated!.data.changedFields).toEqual(['tags']);
    expect(await outboxEvents(stack, 'contact.updated', full.id)).toEqual([]);

    const untagged = await owner.post('/contacts/bulk', { action: 'untag', ids: [ada.id, bob.id], tags: ['LEAD', 'q4'] });
    expect(untagged.body).toMatchObject({ succeeded: 2, failed: 0 });
    expect((await owner.get(`/contacts/${ada.id}`)).body.tags).toEqual(['vip']);
    expect((await owner.get(`/contacts/${bob.id}`)).body.tags).toEqual(['vip']);
  });

  it('holds a member to the contacts they own, record by record', async () => {
    const own = await contact(member, { firstName: 'Mine' });
    const others = await contact(owner, { firstName: 'Theirs' });
    const response = await member.post('/contacts/bulk', { action: 'delete', ids: [own.id, others.id] });
    expect(response.body.results.map((result: { status: string }) => result.status)).toEqual(['ok', 'forbidden']);
    expect((await owner.get(`/contacts/${others.id}`)).body.deletedAt).toBeNull();
  });

  it('changes the owner, and refuses a new owner who is not an active user of the workspace (422, nothing changed)', async () => {
    const ada = await contact(owner, { firstName: 'Ada' });
    const changed = await owner.post('/contacts/bulk', { action: 'owner', ids: [ada.id], ownerId: member.userId });
    expect(changed.body.succeeded).toBe(1);
    expect((await owner.get(`/contacts/${ada.id}`)).body.ownerId).toBe(member.userId);
    const refused = await owner.post('/contacts/bulk', { action: 'owner', ids: [ada.id], ownerId: stranger.userId });
    expectError(refused, 422, 'ownerId');
    expect((await owner.get(`/contacts/${ada.id}`)).body.ownerId).toBe(member.userId);
  });

  it('adds contacts to a static segment; an unknown segment is a 422', async () => {
    const ada = await contact(owner, { firstName: 'Ada' });
    const segment = (await owner.post('/segments', { name: 'Bulk', kind: 'static' })).body;
    const unknown = randomUUID();
    const added = await owner.post('/contacts/bulk', { action: 'segment', ids: [ada.id, unknown], segmentId: segment.id });
    expect(added.body.results.map((result: { status: string }) => result.status)).toEqual(['ok', 'not_found']);
    expect((await owner.get(`/segments/${segment.id}/count`)).body.count).toBe(1);
    expectError(await owner.post('/contacts/bulk', { action: 'segment', ids: [ada.id], segmentId: randomUUID() }), 422, 'segmentId');
  });

  it('refuses bad requests with a 422 in the error envelope and changes nothing', async () => {
    const ada = await contact(owner, { firstName: 'Ada', tags: ['keep'] });
    const tooMany = [ada.id, ...Array.from({ length: BULK_IDS_MAX }, () => randomUUID())];
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ action: 'delete', ids: [] }, 'ids'],
      [{ action: 'delete', ids: tooMany }, 'ids'],
      [{ action: 'delete', ids: [ada.id, 'not-a-uuid'] }, 'ids'],
      [{ action: 'explode', ids: [ada.id] }, 'action'],
      [{ action: 'tag', ids: [ada.id] }, 'tags'],
      [{ action: 'owner', ids: [ada.id], ownerId: 'nobody' }, 'ownerId'],
      [{ action: 'segment', ids: [ada.id] }, 'segmentId'],
    ];
    for (const [body, field] of bad) expectError(await owner.post('/contacts/bulk', body), 422, field);
    expectError(await owner.post('/deals/bulk', { action: 'tag', ids: [ada.id], tags: ['x'] }), 422, 'action');
    expect((await owner.get(`/contacts/${ada.id}`)).body).toMatchObject({ deletedAt: null, tags: ['keep'], ownerId: owner.userId });
    expect(await outboxEvents(stack, 'contact.updated', ada.id)).toEqual([]);
    expect(await outboxEvents(stack, 'contact.deleted', ada.id)).toEqual([]);
  });

  it('needs the list’s write permission', async () => {
    const viewer = await stack.as(owner, 'viewer');
    const ada = await contact(owner, { firstName: 'Ada' });
    expectError(await viewer.post('/contacts/bulk', { action: 'delete', ids: [ada.id] }), 403);
    expect((await owner.get(`/contacts/${ada.id}`)).body.deletedAt).toBeNull();
  });

  it('tags and deletes companies', async () => {
    const acme = (await owner.post('/companies', { name: 'Acme', tags: ['old'] })).body;
    const initech = (await owner.post('/companies', { name: 'Initech' })).body;
    const tagged = await owner.post('/companies/bulk', { action: 'tag', ids: [acme.id, initech.id], tags: ['partner'] });
    expect(tagged.body.succeeded).toBe(2);
    expect((await owner.get(`/companies/${acme.id}`)).body.tags).toEqual(['old', 'partner']);
    const deleted = await owner.post('/companies/bulk', { action: 'delete', ids: [acme.id, initech.id] });
    expect(deleted.body.succeeded).toBe(2);
    expect(await eventsOf('company.deleted', [acme.id, initech.id])).toEqual([acme.id, initech.id]);
  });

  it('gives deals a new owner and deletes them', async () => {
    const deal = (await owner.post('/deals', { name: 'Renewal', amount: 120000, currency: 'EUR' })).body;
    const moved = await owner.post('/deals/bulk', { action: 'owner', ids: [deal.id], ownerId: member.userId });
    expect(moved.body.succeeded).toBe(1);
    const [updated] = await outboxEvents(stack, 'deal.updated', deal.id);
    expect(updated!.data.changedFields).toEqual(['ownerId']);
    expect((await owner.post('/deals/bulk', { action: 'delete', ids: [deal.id] })).body.succeeded).toBe(1);
    expect((await owner.get(`/deals/${deal.id}`)).body.deletedAt).not.toBeNull();
  });

  it('completes, reassigns and deletes tasks with the single operations’ events', async () => {
    const task = (await owner.post('/tasks', { title: 'Call back' })).body;
    const other = (await owner.post('/tasks', { title: 'Write up' })).body;
    const completed = await owner.post('/tasks/bulk', { action: 'complete', ids: [task.id, other.id] });
    expect(completed.body.succeeded).toBe(2);
    expect((await owner.get(`/tasks/${task.id}`)).body.status).toBe('done');
    expect(await eventsOf('task.completed', [task.id, other.id])).toEqual([task.id, other.id]);
    const assigned = await owner.post('/tasks/bulk', { action: 'owner', ids: [task.id], ownerId: member.userId });
    expect(assigned.body.succeeded).toBe(1);
    expect((await owner.get(`/tasks/${task.id}`)).body.assigneeId).toBe(member.userId);
    expect(await eventsOf('task.assigned', [task.id])).toEqual([task.id]);
    expect((await owner.post('/tasks/bulk', { action: 'delete', ids: [task.id, other.id] })).body.succeeded).toBe(2);
    expect(await eventsOf('task.deleted', [task.id, other.id])).toEqual([task.id, other.id]);
  });

  describe('tickets (POST /tickets/bulk)', () => {
    async function ticket(caller: Caller, body: Record<string, unknown> = {}): Promise<any> {
      const response = await caller.post('/tickets', { subject: 'Cannot log in', assigneeId: null, ...body });
      expect(response.status).toBe(201);
      return response.body;
    }

    /** A member's bulk action on a ticket assigned to them, one opened by them, one of the owner's and an unknown id. */
    async function asMember(body: Record<string, unknown>): Promise<{ changed: string[]; others: any; statuses: string[] }> {
      const assigned = await ticket(owner, { assigneeId: member.userId });
      const opened = await ticket(member);
      const others = await ticket(owner);
      const response = await member.post('/tickets/bulk', { ...body, ids: [assigned.id, opened.id, others.id, randomUUID()] });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ succeeded: 2, failed: 2 });
      return { changed: [assigned.id, opened.id], others, statuses: response.body.results.map((result: { status: string }) => result.status) };
    }

    it('sets the status of a member’s own tickets with ticket.updated each; another’s is forbidden, an unknown id not_found', async () => {
      const { changed, others, statuses } = await asMember({ action: 'status', status: 'pending' });
      expect(statuses).toEqual(['ok', 'ok', 'forbidden', 'not_found']);
      for (const id of changed) expect((await owner.get(`/tickets/${id}`)).body.status).toBe('pending');
      expect((await owner.get(`/tickets/${others.id}`)).body.status).toBe('new');
      const [updated] = await outboxEvents(stack, 'ticket.updated', changed[0]);
      expect(updated!.data.changedFields).toEqual(['status']);
      expect(await eventsOf('ticket.updated', [...changed, others.id])).toEqual(changed);
    });

    it('sets the priority the way PATCH /tickets/:id does', async () => {
      const { changed, others, statuses } = await asMember({ action: 'priority', priority: 'urgent' });
      expect(statuses).toEqual(['ok', 'ok', 'forbidden', 'not_found']);
      for (const id of changed) expect((await owner.get(`/tickets/${id}`)).body).toMatchObject({ priority: 'urgent', priorityReason: null });
      expect((await owner.get(`/tickets/${others.id}`)).body.priority).toBe('normal');
      const [updated] = await outboxEvents(stack, 'ticket.updated', changed[1]);
      expect(updated!.data.changedFields).toEqual(['priority']);
      expect(await eventsOf('ticket.updated', [...changed, others.id])).toEqual(changed);
    });

    it('assigns with ticket.assigned for each newly assigned ticket, and unassigns with null', async () => {
      const { changed, others, statuses } = await asMember({ action: 'assign', assigneeId: owner.userId });
      expect(statuses).toEqual(['ok', 'ok', 'forbidden', 'not_found']);
      for (const id of changed) expect((await owner.get(`/tickets/${id}`)).body.assigneeId).toBe(owner.userId);
      expect((await owner.get(`/tickets/${others.id}`)).body.assigneeId).toBeNull();
      expect(await eventsOf('ticket.assigned', [...changed, others.id])).toEqual(changed);
      // The ticket was assigned to the member when it was opened, then to the owner.
      const [, assigned] = await outboxEvents(stack, 'ticket.assigned', changed[0]);
      expect(assigned!.data).toMatchObject({ ticket: { assigneeId: owner.userId }, previousAssigneeId: member.userId, automatic: false });

      const unassigned = await owner.post('/tickets/bulk', { action: 'assign', ids: changed, assigneeId: null });
      expect(unassigned.body).toMatchObject({ succeeded: 2, failed: 0 });
      for (const id of changed) expect((await owner.get(`/tickets/${id}`)).body.assigneeId).toBeNull();
    });

    it('deletes to the trash with ticket.deleted for each deleted ticket', async () => {
      const { changed, others, statuses } = await asMember({ action: 'delete' });
      expect(statuses).toEqual(['ok', 'ok', 'forbidden', 'not_found']);
      for (const id of changed) expect((await owner.get(`/tickets/${id}`)).body.deletedAt).not.toBeNull();
      expect((await owner.get(`/tickets/${others.id}`)).body.deletedAt).toBeNull();
      expect(await eventsOf('ticket.deleted', [...changed, others.id])).toEqual(changed);
      // A deleted ticket is no live ticket any more.
      const again = await owner.post('/tickets/bulk', { action: 'delete', ids: [changed[0]] });
      expect(again.body.results).toEqual([{ id: changed[0], status: 'not_found', message: expect.any(String) }]);
    });

    it('refuses bad requests with a 422 in the error envelope and changes nothing; a viewer gets a 403', async () => {
      const open = await ticket(owner, { tags: ['keep'] });
      const tooMany = [open.id, ...Array.from({ length: BULK_IDS_MAX }, () => randomUUID())];
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ action: 'delete', ids: [] }, 'ids'],
        [{ action: 'delete', ids: tooMany }, 'ids'],
        [{ action: 'delete', ids: ['not-a-uuid'] }, 'ids'],
        [{ action: 'tag', ids: [open.id], tags: ['x'] }, 'action'],
        [{ action: 'assign', ids: [open.id] }, 'assigneeId'],
        [{ action: 'assign', ids: [open.id], assigneeId: 'nobody' }, 'assigneeId'],
        [{ action: 'assign', ids: [open.id], assigneeId: stranger.userId }, 'assigneeId'],
        [{ action: 'assign', ids: [open.id], assigneeId: randomUUID() }, 'assigneeId'],
        [{ action: 'status', ids: [open.id] }, 'status'],
        [{ action: 'status', ids: [open.id], status: 'done' }, 'status'],
        [{ action: 'priority', ids: [open.id], priority: 'asap' }, 'priority'],
      ];
      for (const [body, field] of bad) expectError(await owner.post('/tickets/bulk', body), 422, field);
      const viewer = await stack.as(owner, 'viewer');
      expectError(await viewer.post('/tickets/bulk', { action: 'delete', ids: [open.id] }), 403);
      expect((await owner.get(`/tickets/${open.id}`)).body).toMatchObject({ status: 'new', priority: 'normal', assigneeId: null, deletedAt: null });
      for (const type of ['ticket.updated', 'ticket.assigned', 'ticket.deleted']) expect(await outboxEvents(stack, type, open.id)).toEqual([]);
    });
  });

  describe('custom object records (POST /objects/:object/records/bulk)', () => {
    beforeAll(async () => {
      const contract = {
        key: 'contract',
        singularLabel: 'Contract',
        pluralLabel: 'Contracts',
        fields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
      };
      expect((await owner.post('/objects', contract)).status).toBe(201);
      const lease = { ...contract, key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases', access: { member: 'read' } };
      expect((await owner.post('/objects', lease)).status).toBe(201);
    });

    async function record(object: string, name: string): Promise<string> {
      const response = await owner.post(`/objects/${object}/records`, { values: { name } });
      expect(response.status).toBe(201);
      return response.body.id;
    }

    it('deletes records to the trash with record.deleted each; an unknown id, another object’s record or a deleted one is not_found', async () => {
      const first = await record('contract', 'Master agreement');
      const second = await record('contract', 'Addendum');
      const lease = await record('lease', 'Office');
      const unknown = randomUUID();
      const response = await member.post('/objects/contract/records/bulk', { action: 'delete', ids: [first, unknown, lease, second] });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        results: [
          { id: first, status: 'ok', message: null },
          { id: unknown, status: 'not_found', message: expect.any(String) },
          { id: lease, status: 'not_found', message: expect.any(String) },
          { id: second, status: 'ok', message: null },
        ],
        succeeded: 2,
        failed: 2,
      });
      for (const id of [first, second]) expect((await owner.get(`/objects/contract/records/${id}`)).body.deletedAt).not.toBeNull();
      expect((await owner.get(`/objects/lease/records/${lease}`)).body.deletedAt).toBeNull();
      expect(await eventsOf('record.deleted', [first, lease, second])).toEqual([first, second]);
      const [deleted] = await outboxEvents(stack, 'record.deleted', first);
      expect(deleted!.data).toEqual({ recordId: first, object: 'contract' });
      expect((await owner.post('/objects/contract/records/bulk', { action: 'delete', ids: [first] })).body.results[0].status).toBe('not_found');
    });

    it('refuses the whole request where the single delete is refused: an object the role may only read (403), an unknown object (404)', async () => {
      const lease = await record('lease', 'Warehouse');
      expectError(await member.post('/objects/lease/records/bulk', { action: 'delete', ids: [lease] }), 403);
      expectError(await member.delete(`/objects/lease/records/${lease}`), 403);
      const key = await stack.apiKey(owner, ['records:write:contract']);
      expectError(await key.post('/objects/lease/records/bulk', { action: 'delete', ids: [lease] }), 403);
      expectError(await owner.post('/objects/nothing/records/bulk', { action: 'delete', ids: [lease] }), 404);
      expect((await owner.get(`/objects/lease/records/${lease}`)).body.deletedAt).toBeNull();
      expect(await outboxEvents(stack, 'record.deleted', lease)).toEqual([]);
    });

    it('refuses bad requests with a 422 in the error envelope and changes nothing', async () => {
      const kept = await record('contract', 'Keep');
      const tooMany = [kept, ...Array.from({ length: BULK_IDS_MAX }, () => randomUUID())];
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ action: 'delete', ids: [] }, 'ids'],
        [{ action: 'delete', ids: tooMany }, 'ids'],
        [{ action: 'delete', ids: [kept, 'not-a-uuid'] }, 'ids'],
        [{ action: 'owner', ids: [kept], ownerId: owner.userId }, 'action'],
      ];
      for (const [body, field] of bad) expectError(await owner.post('/objects/contract/records/bulk', body), 422, field);
      expect((await owner.get(`/objects/contract/records/${kept}`)).body.deletedAt).toBeNull();
      expect(await outboxEvents(stack, 'record.deleted', kept)).toEqual([]);
    });
  });
});
