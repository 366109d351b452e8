import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { RpcError, ServiceClient } from '@kinship/messaging';
import { expectError, startCrmStack, type ApiResponse, type Caller, type CrmStack } from './support.js';

interface Contact {
  id: string;
  email: string | null;
}

describe('segments', () => {
  let stack: CrmStack;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-segments');
    owner = await stack.signUp('segments');
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function createContact(caller: Caller, fields: Record<string, unknown> = {}): Promise<Contact> {
    const response = await caller.post('/contacts', { firstName: 'Test', email: `c-${randomBytes(5).toString('hex')}@example.com`, ...fields });
    expect(response.status).toBe(201);
    return response.body as Contact;
  }

  async function memberIds(caller: Caller, segmentId: string, query = ''): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse = await caller.get(`/segments/${segmentId}/contacts?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      ids.push(...response.body.data.map((contact: Contact) => contact.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    return ids;
  }

  async function count(caller: Caller, segmentId: string): Promise<number> {
    const response = await caller.get(`/segments/${segmentId}/count`);
    expect(response.status).toBe(200);
    return response.body.count as number;
  }

  /** crm.audience.resolve as notifications calls it: the workspace in the context, no user. */
  function resolveAudience(workspaceId: string, data: Record<string, unknown>): Promise<{ data: Array<Record<string, unknown>>; nextCursor: string | null }> {
    const client = stack.crm.app.get(ServiceClient);
    return client.send('crm.audience.resolve', data, { workspaceId, userId: null, role: null, scopes: [], requestId: randomUUID() });
  }

  it('keeps a static segment’s members: add, remove, count and page through them', async () => {
    const [ada, bob, cyd, dan] = [await createContact(owner), await createContact(owner), await createContact(owner), await createContact(owner)];
    const created = await owner.post('/segments', { name: 'Newsletter', kind: 'static', contactIds: [ada.id] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Newsletter',
      kind: 'static',
      filter: null,
      createdBy: owner.userId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    });
    const id = created.body.id as string;
    expect(await count(owner, id)).toBe(1);

    const added = await owner.post(`/segments/${id}/contacts`, { contactIds: [bob.id, cyd.id, dan.id, ada.id] });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ count: 4 });
    expect(await memberIds(owner, id, '&sort=createdAt')).toEqual([ada.id, bob.id, cyd.id, dan.id]);

    const removed = await owner.post(`/segments/${id}/contacts/remove`, { contactIds: [bob.id, randomUUID()] });
    expect(removed.body).toEqual({ count: 3 });

    expect((await owner.delete(`/contacts/${cyd.id}`)).status).toBe(204);
    expect(await count(owner, id)).toBe(2);
    expect((await memberIds(owner, id)).sort()).toEqual([ada.id, dan.id].sort());
    expect((await owner.post(`/contacts/${cyd.id}/restore`)).status).toBe(200);
    expect(await count(owner, id)).toBe(3);
  });

  it('adds only live contacts of the workspace to a static segment, changing nothing otherwise', async () => {
    const other = await stack.signUp('segments-other');
    const theirs = await createContact(other);
    const mine = await createContact(owner);
    const gone = await createContact(owner);
    await owner.delete(`/contacts/${gone.id}`);
    const segment = (await owner.post('/segments', { name: 'Strict', kind: 'static' })).body;
    for (const stranger of [theirs.id, gone.id, randomUUID(), 'not-a-uuid']) {
      expectError(await owner.post(`/segments/${segment.id}/contacts`, { contactIds: [mine.id, stranger] }), 422, 'contactIds');
    }
    expectError(await owner.post('/segments', { name: 'Strict 2', kind: 'static', contactIds: [theirs.id] }), 422, 'contactIds');
    expectError(await owner.post(`/segments/${segment.id}/contacts`, { contactIds: [] }), 422, 'contactIds');
    expect(await count(owner, segment.id)).toBe(0);
  });

  it('counts and lists a dynamic segment’s members as contacts change', async () => {
    const workspace = await stack.signUp('segments-dynamic');
    expect(
      (await workspace.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] })).status,
    ).toBe(201);
    const match = { lifecycleStage: 'customer', tags: ['vip', 'emea'], customFields: { tier: 'gold' } };
    const first = await createContact(workspace, match);
    const second = await createContact(workspace, { ...match, lifecycleStage: 'lead' });
    const wrongTier = await createContact(workspace, { ...match, customFields: { tier: 'silver' } });
    const noTag = await createContact(workspace, { ...match, tags: ['emea'] });

    const created = await workspace.post('/segments', {
      name: 'Gold VIPs',
      kind: 'dynamic',
      filter: { lifecycleStage: ['customer', 'evangelist'], tags: ['vip'], customFields: { tier: 'gold' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.filter).toEqual({ lifecycleStage: ['customer', 'evangelist'], tags: ['vip'], customFields: { tier: 'gold' } });
    const id = created.body.id as string;
    expect(await count(workspace, id)).toBe(1);
    expect(await memberIds(workspace, id)).toEqual([first.id]);

    expect((await workspace.patch(`/contacts/${second.id}`, { lifecycleStage: 'customer' })).status).toBe(200);
    expect((await workspace.patch(`/contacts/${wrongTier.id}`, { customFields: { tier: 'gold' } })).status).toBe(200);
    expect((await workspace.patch(`/contacts/${noTag.id}`, { tags: ['vip'] })).status).toBe(200);
    expect(await count(workspace, id)).toBe(4);
    expect(await memberIds(workspace, id, '&sort=createdAt')).toEqual([first.id, second.id, wrongTier.id, noTag.id]);

    await workspace.delete(`/contacts/${first.id}`);
    expect(await count(workspace, id)).toBe(3);
    expect(await memberIds(workspace, id)).not.toContain(first.id);

    const narrowed = await workspace.patch(`/segments/${id}`, {
      filter: { lifecycleStage: ['customer'], q: (await workspace.get(`/contacts/${noTag.id}`)).body.email },
    });
    expect(narrowed.status).toBe(200);
    expect(await memberIds(workspace, id)).toEqual([noTag.id]);
  });

  it('counts and lists a dynamic segment’s members by custom field contains and bounds, as the campaign audience does', async () => {
    const workspace = await stack.signUp('segments-custom-operators');
    for (const [key, type] of [
      ['notes', 'text'],
      ['seats', 'number'],
      ['renewal', 'date'],
    ] as const) {
      expect((await workspace.post('/custom-fields', { entity: 'contact', key, label: key, type })).status).toBe(201);
    }
    const inside = await createContact(workspace, { customFields: { notes: 'Key ACCOUNT', seats: 5, renewal: '2027-01-01' } });
    const upperBound = await createContact(workspace, { customFields: { notes: 'key account', seats: 20, renewal: '2027-06-30' } });
    await createContact(workspace, { customFields: { notes: 'key account', seats: 21, renewal: '2027-03-01' } });
    await createContact(workspace, { customFields: { notes: 'key account', seats: 10, renewal: '2026-12-31' } });
    await createContact(workspace, { customFields: { notes: 'other', seats: 10, renewal: '2027-03-01' } });
    await createContact(workspace);
    const filter = { customFields: { notes: { contains: 'key acc' }, seats: { from: 5, to: 20 }, renewal: { from: '2027-01-01' } } };

    const created = await workspace.post('/segments', { name: 'Key accounts', kind: 'dynamic', filter });
    expect(created.status).toBe(201);
    expect(created.body.filter).toEqual(filter);
    expect(await count(workspace, created.body.id)).toBe(2);
    expect((await memberIds(workspace, created.body.id)).sort()).toEqual([inside.id, upperBound.id].sort());
    expect((await workspace.post('/audiences/count', { filter })).body).toEqual({ count: 2, emailOptOut: 0, smsOptOut: 0 });

    expect((await workspace.patch(`/contacts/${upperBound.id}`, { customFields: { seats: 20.5 } })).status).toBe(200);
    expect(await count(workspace, created.body.id)).toBe(1);
  });

  it('refuses a custom field condition its field does not take with 422 naming filter.customFields.<key>, creating and changing nothing', async () => {
    const workspace = await stack.signUp('segments-custom-refused');
    expect((await workspace.post('/custom-fields', { entity: 'contact', key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    expect((await workspace.post('/custom-fields', { entity: 'contact', key: 'renewal', label: 'Renewal', type: 'date' })).status).toBe(201);
    const bad: Array<[unknown, string]> = [
      [{ seats: { between: [1, 2] } }, 'filter.customFields.seats'],
      [{ seats: { contains: '1' } }, 'filter.customFields.seats'],
      [{ seats: { from: 'one' } }, 'filter.customFields.seats'],
      [{ seats: { from: 9, to: 1 } }, 'filter.customFields.seats'],
      [{ seats: null }, 'filter.customFields.seats'],
      [{ renewal: { from: '2027-02-30' } }, 'filter.customFields.renewal'],
    ];
    for (const [customFields, field] of bad) {
      expectError(await workspace.post('/segments', { name: 'Bad', kind: 'dynamic', filter: { customFields } }), 422, field);
      expectError(await workspace.post('/audiences/count', { filter: { customFields } }), 422, field);
    }
    expect((await workspace.get('/segments')).body.data).toEqual([]);

    const kept = { customFields: { seats: { from: 1 } } };
    const segment = (await workspace.post('/segments', { name: 'Seats', kind: 'dynamic', filter: kept })).body;
    expectError(await workspace.patch(`/segments/${segment.id}`, { filter: { customFields: { seats: { to: 'ten' } } } }), 422, 'filter.customFields.seats');
    expect((await workspace.get(`/segments/${segment.id}`)).body.filter).toEqual(kept);
  });

  it('refuses a bad filter with 422 naming filter.<key>, creating and changing nothing', async () => {
    const before = (await owner.get('/segments?limit=500')).body.data.length;
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ lifecycleStage: ['prospect'] }, 'filter.lifecycleStage'],
      [{ lifecycleStage: 'lead' }, 'filter.lifecycleStage'],
      [{ ownerId: ['nope'] }, 'filter.ownerId'],
      [{ createdAtFrom: 'yesterday' }, 'filter.createdAtFrom'],
      [{ favouriteColour: 'blue' }, 'filter.favouriteColour'],
      [{ limit: 5 }, 'filter.limit'],
      [{ customFields: { undefined_key: 'x' } }, 'filter.customFields.undefined_key'],
      [{ customFields: 'gold' }, 'filter.customFields'],
    ];
    for (const [filter, field] of bad) {
      expectError(await owner.post('/segments', { name: 'Bad', kind: 'dynamic', filter }), 422, field);
    }
    expectError(await owner.post('/segments', { name: 'No filter', kind: 'dynamic' }), 422, 'filter');
    expectError(await owner.post('/segments', { name: 'Static with filter', kind: 'static', filter: {} }), 422, 'filter');
    expectError(await owner.post('/segments', { name: 'Dynamic with ids', kind: 'dynamic', filter: {}, contactIds: [] }), 422, 'contactIds');
    expectError(await owner.post('/segments', { name: '', kind: 'static' }), 422, 'name');
    expectError(await owner.post('/segments', { name: 'Odd', kind: 'smart' }), 422, 'kind');
    expect((await owner.get('/segments?limit=500')).body.data.length).toBe(before);

    const dynamic = (await owner.post('/segments', { name: 'Leads', kind: 'dynamic', filter: { lifecycleStage: ['lead'] } })).body;
    expectError(await owner.patch(`/segments/${dynamic.id}`, { filter: { lifecycleStage: ['prospect'] } }), 422, 'filter.lifecycleStage');
    expect((await owner.get(`/segments/${dynamic.id}`)).body.filter).toEqual({ lifecycleStage: ['lead'] });
    expectError(await owner.post(`/segments/${dynamic.id}/contacts`, { contactIds: [randomUUID()] }), 422, 'contactIds');
    const fixed = (await owner.post('/segments', { name: 'Fixed', kind: 'static' })).body;
    expectError(await owner.patch(`/segments/${fixed.id}`, { filter: { tags: ['x'] } }), 422, 'filter');
  });

  it('lists, renames, deletes and restores segments', async () => {
    const workspace = await stack.signUp('segments-crud');
    const alpha = (await workspace.post('/segments', { name: 'Alpha', kind: 'static' })).body;
    const beta = (await workspace.post('/segments', { name: 'beta', kind: 'dynamic', filter: { emailOptOut: false } })).body;
    expect((await workspace.get('/segments?sort=name')).body.data.map((segment: { id: string }) => segment.id)).toEqual([alpha.id, beta.id]);
    expect((await workspace.get('/segments?kind=dynamic')).body.data.map((segment: { id: string }) => segment.id)).toEqual([beta.id]);
    expect((await workspace.get('/segments?q=alp')).body.data.map((segment: { id: string }) => segment.id)).toEqual([alpha.id]);
    expectError(await workspace.get('/segments?sort=kind'), 400, 'sort');

    expect((await workspace.patch(`/segments/${alpha.id}`, { name: 'Alpha list' })).body.name).toBe('Alpha list');
    expect((await workspace.delete(`/segments/${alpha.id}`)).status).toBe(204);
    expect((await workspace.get(`/segments/${alpha.id}`)).body.deletedAt).toEqual(expect.any(String));
    expectError(await workspace.patch(`/segments/${alpha.id}`, { name: 'x' }), 404);
    expectError(await workspace.post(`/segments/${alpha.id}/contacts`, { contactIds: [randomUUID()] }), 404);
    expect((await workspace.get('/segments?deleted=true')).body.data.map((segment: { id: string }) => segment.id)).toEqual([alpha.id]);
    expect((await workspace.post(`/segments/${alpha.id}/restore`)).body).toMatchObject({ id: alpha.id, deletedAt: null, name: 'Alpha list' });
  });

  it('resolves a campaign audience page by page: a segment, a filter or ids, live contacts of the workspace only', async () => {
    const workspace = await stack.signUp('segments-audience');
    const contacts: Contact[] = [];
    for (let index = 0; index < 7; index += 1)
      contacts.push(await createContact(workspace, { tags: index % 2 === 0 ? ['even'] : ['odd'], emailOptOut: index === 0 }));
    await workspace.delete(`/contacts/${contacts[6]!.id}`);
    const dynamic = (await workspace.post('/segments', { name: 'Even', kind: 'dynamic', filter: { tags: ['even'] } })).body;
    const fixed = (await workspace.post('/segments', { name: 'Some', kind: 'static', contactIds: contacts.map((contact) => contact.id).slice(0, 6) })).body;

    async function all(data: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
      const members: Array<Record<string, unknown>> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await resolveAudience(workspace.workspaceId, { ...data, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.data.length).toBeLessThanOrEqual(2);
        members.push(...page.data);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBeGreaterThan(1);
      return members;
    }

    const evens = await all({ segmentId: dynamic.id });
    expect(evens.map((member) => member.id)).toEqual([contacts[0]!.id, contacts[2]!.id, contacts[4]!.id]);
    expect(evens[0]).toEqual({
      id: contacts[0]!.id,
      firstName: 'Test',
      lastName: null,
      email: contacts[0]!.email,
      phone: null,
      jobTitle: null,
      companyName: null,
      lifecycleStage: 'lead',
      ownerId: workspace.userId,
      emailOptOut: true,
      smsOptOut: false,
      customFields: {},
    });
    expect((await all({ segmentId: fixed.id })).map((member) => member.id)).toEqual(contacts.slice(0, 6).map((contact) => contact.id));
    expect((await all({ filter: { tags: ['odd'] } })).map((member) => member.id)).toEqual([contacts[1]!.id, contacts[3]!.id, contacts[5]!.id]);
    const stranger = await createContact(owner);
    const byIds = await all({ contactIds: [contacts[5]!.id, contacts[6]!.id, contacts[1]!.id, contacts[3]!.id, stranger.id, 'junk'] });
    expect(byIds.map((member) => member.id)).toEqual([contacts[1]!.id, contacts[3]!.id, contacts[5]!.id]);

    await expect(resolveAudience(workspace.workspaceId, { filter: { lifecycleStage: ['prospect'] } })).rejects.toMatchObject({
      status: 422,
      details: [expect.objectContaining({ field: 'filter.lifecycleStage' })],
    });
    await expect(resolveAudience(workspace.workspaceId, { segmentId: dynamic.id, filter: {} })).rejects.toBeInstanceOf(RpcError);
    await expect(resolveAudience(owner.workspaceId, { segmentId: dynamic.id })).rejects.toMatchObject({ status: 404 });
    await workspace.delete(`/segments/${dynamic.id}`);
    await expect(resolveAudience(workspace.workspaceId, { segmentId: dynamic.id })).rejects.toMatchObject({ status: 404 });
  });

  it('counts a campaign audience of each kind for the composer: live contacts of the workspace, the opted-out ones apart', async () => {
    const workspace = await stack.signUp('segments-audience-count');
    const contacts: Contact[] = [];
    for (let index = 0; index < 5; index += 1)
      contacts.push(await createContact(workspace, { tags: index < 3 ? ['spring'] : [], emailOptOut: index === 0, smsOptOut: index === 1 }));
    const fixed = (await workspace.post('/segments', { name: 'Few', kind: 'static', contactIds: [contacts[0]!.id, contacts[2]!.id, contacts[3]!.id] })).body;
    await workspace.delete(`/contacts/${contacts[2]!.id}`);
    const stranger = await createContact(owner);
    const countOf = async (audience: Record<string, unknown>) => {
      const response = await workspace.post('/audiences/count', audience);
      expect(response.status).toBe(200);
      return response.body;
    };

    expect(await countOf({ filter: { tags: ['spring'] } })).toEqual({ count: 2, emailOptOut: 1, smsOptOut: 1 });
    expect(await countOf({ segmentId: fixed.id })).toEqual({ count: 2, emailOptOut: 1, smsOptOut: 0 });
    expect(await countOf({ contactIds: [contacts[1]!.id, contacts[2]!.id, contacts[4]!.id, stranger.id] })).toEqual({ count: 2, emailOptOut: 0, smsOptOut: 1 });
    const viewer = await stack.as(workspace, 'viewer');
    expect((await viewer.post('/audiences/count', { filter: {} })).body).toEqual({ count: 4, emailOptOut: 1, smsOptOut: 1 });

    expectError(await workspace.post('/audiences/count', { filter: { lifecycleStage: ['prospect'] } }), 422, 'filter.lifecycleStage');
    expectError(await workspace.post('/audiences/count', { segmentId: fixed.id, contactIds: [contacts[1]!.id] }), 422, 'segmentId');
    expectError(await workspace.post('/audiences/count', {}), 422, 'segmentId');
    expectError(await workspace.post('/audiences/count', { contactIds: ['junk'] }), 422, 'contactIds');
    expectError(await workspace.post('/audiences/count', { contactIds: [] }), 422, 'contactIds');
    expectError(await owner.post('/audiences/count', { segmentId: fixed.id }), 404);
    await workspace.delete(`/segments/${fixed.id}`);
    expectError(await workspace.post('/audiences/count', { segmentId: fixed.id }), 404);
  });

  it('answers 404 for an unknown id, a non-UUID id and another workspace’s segment', async () => {
    const other = await stack.signUp('segments-foreign');
    const theirs = (await other.post('/segments', { name: 'Theirs', kind: 'static' })).body;
    for (const id of [randomUUID(), 'not-a-uuid', theirs.id]) {
      expectError(await owner.get(`/segments/${id}`), 404);
      expectError(await owner.get(`/segments/${id}/count`), 404);
      expectError(await owner.get(`/segments/${id}/contacts`), 404);
      expectError(await owner.patch(`/segments/${id}`, { name: 'Mine' }), 404);
      expectError(await owner.delete(`/segments/${id}`), 404);
      expectError(await owner.post(`/segments/${id}/restore`), 404);
      expectError(await owner.post(`/segments/${id}/contacts`, { contactIds: [randomUUID()] }), 404);
    }
    expect((await other.get(`/segments/${theirs.id}`)).body.name).toBe('Theirs');
  });

  it('lets everyone read segments and only managers and above change them', async () => {
    const segment = (await owner.post('/segments', { name: 'Roles', kind: 'static' })).body;
    for (const role of ['member', 'viewer'] as const) {
      const caller = await stack.as(owner, role);
      expect((await caller.get(`/segments/${segment.id}/count`)).status).toBe(200);
      expectError(await caller.post('/segments', { name: 'x', kind: 'static' }), 403);
      expectError(await caller.patch(`/segments/${segment.id}`, { name: 'x' }), 403);
      expectError(await caller.post(`/segments/${segment.id}/contacts`, { contactIds: [randomUUID()] }), 403);
    }
    const manager = await stack.as(owner, 'manager');
    expect((await manager.patch(`/segments/${segment.id}`, { name: 'Managed' })).body.name).toBe('Managed');
  });
});
