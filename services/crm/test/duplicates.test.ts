import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, expectError, outboxEvents, startCrmStack, type ApiResponse, type Caller, type CrmStack } from './support.js';

interface Contact {
  id: string;
  email: string | null;
}

interface Group {
  reason: string;
  count: number;
  contacts: Contact[];
}

describe('contact duplicates and merge', () => {
  let stack: CrmStack;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-duplicates');
    owner = await stack.signUp('duplicates');
  });

  afterAll(async () => {
    await stack?.close();
  });

  function uniqueEmail(): string {
    return `d-${randomBytes(5).toString('hex')}@example.com`;
  }

  async function createContact(caller: Caller, fields: Record<string, unknown> = {}): Promise<Contact & Record<string, any>> {
    const response = await caller.post('/contacts', { firstName: 'Test', ...fields });
    expect(response.status).toBe(201);
    return response.body;
  }

  /** As an import of an older release might have left it: an email with stray spaces and capitals, which the unique index does not catch. */
  async function insertRawContact(workspaceId: string, email: string): Promise<string> {
    const id = randomUUID();
    await stack.owner.query(`INSERT INTO crm.contacts (id, workspace_id, first_name, email) VALUES ($1, $2, 'Imported', $3)`, [id, workspaceId, email]);
    return id;
  }

  async function allGroups(caller: Caller, query = ''): Promise<Group[]> {
    const groups: Group[] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse = await caller.get(`/contacts/duplicates?limit=1${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      groups.push(...response.body.data);
      cursor = response.body.nextCursor;
    } while (cursor);
    return groups;
  }

  it('finds contacts sharing an email in another case or spacing, and a name at the same company, page by page', async () => {
    const workspace = await stack.signUp('duplicates-find');
    const typed = await createContact(workspace, { email: 'ada@example.com' });
    const imported = await insertRawContact(workspace.workspaceId, '  ADA@Example.com ');
    const company = (await workspace.post('/companies', { name: 'Analytical Engines' })).body;
    const grace = await createContact(workspace, { firstName: 'Grace', lastName: 'Hopper', companyId: company.id, email: uniqueEmail() });
    const graceAgain = await createContact(workspace, { firstName: 'GRACE', lastName: 'hopper ', companyId: company.id });
    await createContact(workspace, { firstName: 'Grace', lastName: 'Hopper' });
    const other = (await workspace.post('/companies', { name: 'Other Inc' })).body;
    await createContact(workspace, { firstName: 'Grace', lastName: 'Hopper', companyId: other.id });
    await createContact(workspace, { email: uniqueEmail() });

    const groups = await allGroups(workspace);
    expect(groups.map((group) => ({ reason: group.reason, count: group.count, ids: group.contacts.map((contact) => contact.id) }))).toEqual([
      { reason: 'email', count: 2, ids: [typed.id, imported] },
      { reason: 'name_company', count: 2, ids: [grace.id, graceAgain.id] },
    ]);
    expect((await allGroups(workspace, '&reason=name_company')).map((group) => group.reason)).toEqual(['name_company']);

    await workspace.delete(`/contacts/${graceAgain.id}`);
    expect((await allGroups(workspace)).map((group) => group.reason)).toEqual(['email']);
  });

  it('is served at /contacts/duplicates, not taken for a contact id, and checks its parameters', async () => {
    const response = await owner.get('/contacts/duplicates');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: expect.any(Array), nextCursor: null });
    expectError(await owner.get('/contacts/duplicates?cursor=forged.cursor'), 400, 'cursor');
    expectError(await owner.get('/contacts/duplicates?reason=nickname'), 400, 'reason');
    expectError(await owner.get('/contacts/duplicates?limit=0'), 400, 'limit');
  });

  it('merges a contact into another: fields, tags, custom fields, notes, tasks, deals and segments move; the other is deleted', async () => {
    const workspace = await stack.signUp('duplicates-merge');
    expect((await workspace.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'text' })).status).toBe(201);
    expect((await workspace.post('/custom-fields', { entity: 'contact', key: 'source_system', label: 'Source', type: 'text' })).status).toBe(201);
    const survivor = await createContact(workspace, { firstName: 'Ada', lastName: null, tags: ['vip', 'emea'], customFields: { tier: 'gold' } });
    const email = uniqueEmail();
    const other = await createContact(workspace, {
      firstName: 'Augusta',
      lastName: 'King',
      email,
      phone: '+442071838750',
      jobTitle: 'Analyst',
      tags: ['VIP', 'newsletter'],
      customFields: { tier: 'silver', source_system: 'legacy' },
      emailOptOut: true,
    });
    const note = (await workspace.post('/notes', { body: 'Met at the conference', related: { type: 'contact', id: other.id } })).body;
    const task = (await workspace.post('/tasks', { title: 'Call back', related: { type: 'contact', id: other.id } })).body;
    const deal = await eventually(async () => {
      const response = await workspace.post('/deals', { name: 'Engine', amount: 1000, currency: 'EUR', contactIds: [other.id, survivor.id] });
      return response.status === 201 ? response.body : null;
    });
    const segment = (await workspace.post('/segments', { name: 'Both', kind: 'static', contactIds: [survivor.id, other.id] })).body;
    const onlyOther = (await workspace.post('/segments', { name: 'Other only', kind: 'static', contactIds: [other.id] })).body;

    const merged = await workspace.post(`/contacts/${survivor.id}/merge`, { otherId: other.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      id: survivor.id,
      firstName: 'Ada',
      lastName: 'King',
      email,
      phone: '+442071838750',
      jobTitle: 'Analyst',
      tags: ['vip', 'emea', 'newsletter'],
      customFields: { tier: 'gold', source_system: 'legacy' },
      emailOptOut: true,
      deletedAt: null,
    });
    expect((await workspace.get(`/contacts/${other.id}`)).body.deletedAt).toEqual(expect.any(String));
    const [mergedRow] = await stack.owner.query('SELECT merged_into_id AS "mergedIntoId" FROM crm.contacts WHERE id = $1', [other.id]);
    expect(mergedRow.mergedIntoId).toBe(survivor.id);

    expect((await workspace.get(`/notes/${note.id}`)).body.related).toEqual({ type: 'contact', id: survivor.id });
    expect((await workspace.get(`/tasks/${task.id}`)).body.related).toEqual({ type: 'contact', id: survivor.id });
    expect((await workspace.get(`/deals/${deal.id}`)).body.contactIds).toEqual([survivor.id]);
    expect((await workspace.get(`/segments/${segment.id}/count`)).body.count).toBe(1);
    expect((await workspace.get(`/segments/${onlyOther.id}/contacts`)).body.data.map((contact: Contact) => contact.id)).toEqual([survivor.id]);

    const [event] = await outboxEvents(stack, 'contact.merged', survivor.id);
    expect(event!.actorId).toBe(workspace.userId);
    expect(event!.data).toMatchObject({ mergedContactId: other.id, contact: { id: survivor.id, email, lastName: 'King', emailOptOut: true } });
    expect(await outboxEvents(stack, 'contact.deleted', other.id)).toEqual([]);

    const timeline = await workspace.get(`/contacts/${survivor.id}/timeline`);
    const entry = timeline.body.data.find((item: { kind: string }) => item.kind === 'contact_merged');
    expect(entry).toBeDefined();
    expect(entry.data).toEqual({
      mergedContactId: other.id,
      fieldsTaken: expect.arrayContaining(['lastName', 'email', 'phone', 'jobTitle', 'tags', 'customFields.source_system', 'emailOptOut']),
    });

    expect((await workspace.post('/contacts', { firstName: 'Copy', email })).status).toBe(409);
  });

  it('merges emails, phones and details: the survivor takes the other’s as additional values, which stay one live contact’s', async () => {
    const workspace = await stack.signUp('duplicates-channels');
    const [kept, taken, extra] = [uniqueEmail(), uniqueEmail(), uniqueEmail()];
    const survivor = await createContact(workspace, { email: kept, phone: '+14155550111', timezone: 'Europe/London' });
    const other = await createContact(workspace, {
      email: taken,
      emails: [{ email: extra, label: 'home' }],
      phone: '+1 415 555 0122 x7',
      address: { city: 'Paris', country: 'France' },
      website: 'other.example',
      timezone: 'Europe/Paris',
    });

    const merged = await workspace.post(`/contacts/${survivor.id}/merge`, { otherId: other.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      email: kept,
      emails: [
        { email: taken, label: null },
        { email: extra, label: 'home' },
      ],
      phone: '+14155550111',
      phones: [{ phone: '+14155550122', label: null, extension: '7' }],
      address: { city: 'Paris', country: 'FR' },
      website: 'https://other.example',
      timezone: 'Europe/London',
    });
    const copy = await workspace.post('/contacts', { firstName: 'Copy', email: uniqueEmail(), emails: [{ email: uniqueEmail() }, { email: extra }] });
    expect(copy.status).toBe(409);
    expect(copy.body.error.details).toEqual([expect.objectContaining({ field: 'emails.1.email', existingId: survivor.id })]);
  });

  it('refuses to merge a contact with itself, a deleted one, or one of another workspace, changing nothing', async () => {
    const stranger = await createContact(await stack.signUp('duplicates-stranger'));
    const survivor = await createContact(owner, { email: uniqueEmail() });
    const deleted = await createContact(owner, { lastName: 'Gone', jobTitle: 'Ghost' });
    await owner.delete(`/contacts/${deleted.id}`);

    expectError(await owner.post(`/contacts/${survivor.id}/merge`, { otherId: stranger.id }), 404);
    expectError(await owner.post(`/contacts/${stranger.id}/merge`, { otherId: survivor.id }), 404);
    expectError(await owner.post(`/contacts/${survivor.id}/merge`, { otherId: randomUUID() }), 404);
    expectError(await owner.post(`/contacts/not-a-uuid/merge`, { otherId: survivor.id }), 404);
    expectError(await owner.post(`/contacts/${deleted.id}/merge`, { otherId: survivor.id }), 404);
    expectError(await owner.post(`/contacts/${survivor.id}/merge`, { otherId: survivor.id }), 422, 'otherId');
    expectError(await owner.post(`/contacts/${survivor.id}/merge`, { otherId: deleted.id }), 422, 'otherId');
    expectError(await owner.post(`/contacts/${survivor.id}/merge`, {}), 422, 'otherId');
    expect((await owner.get(`/contacts/${survivor.id}`)).body).toMatchObject({ lastName: null, jobTitle: null, deletedAt: null });
    expect(await outboxEvents(stack, 'contact.merged', survivor.id)).toEqual([]);
  });

  it('lets members merge only contacts they own both of, and viewers not at all', async () => {
    const member = await stack.as(owner, 'member');
    const mine = await createContact(member);
    const alsoMine = await createContact(member);
    const notMine = await createContact(owner);
    expectError(await member.post(`/contacts/${mine.id}/merge`, { otherId: notMine.id }), 403);
    expectError(await member.post(`/contacts/${notMine.id}/merge`, { otherId: mine.id }), 403);
    const viewer = await stack.as(owner, 'viewer');
    expectError(await viewer.post(`/contacts/${mine.id}/merge`, { otherId: alsoMine.id }), 403);
    expect((await viewer.get('/contacts/duplicates')).status).toBe(200);
    expect((await owner.get(`/contacts/${notMine.id}`)).body.deletedAt).toBeNull();
    expect((await member.post(`/contacts/${mine.id}/merge`, { otherId: alsoMine.id })).status).toBe(200);
  });
});
