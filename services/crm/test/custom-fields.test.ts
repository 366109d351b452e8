import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { expectError, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('custom field definitions', () => {
  let stack: CrmStack;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-custom-fields');
    owner = await stack.signUp('fields');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('creates, reads, lists, updates, deletes and restores a definition', async () => {
    const created = await owner.post('/custom-fields', { entity: 'contact', key: 'shoe_size', label: 'Shoe size', type: 'number' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      entity: 'contact',
      key: 'shoe_size',
      label: 'Shoe size',
      type: 'number',
      options: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    });
    const id = created.body.id as string;

    expect((await owner.get(`/custom-fields/${id}`)).body).toEqual(created.body);

    const renamed = await owner.patch(`/custom-fields/${id}`, { label: 'Shoe size (EU)' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, label: 'Shoe size (EU)', key: 'shoe_size', type: 'number' });

    expect((await owner.delete(`/custom-fields/${id}`)).status).toBe(204);
    expect((await owner.get(`/custom-fields/${id}`)).body.deletedAt).toEqual(expect.any(String));
    expectError(await owner.patch(`/custom-fields/${id}`, { label: 'Nope' }), 404);
    expect((await owner.get('/custom-fields?entity=contact')).body.data.map((field: { id: string }) => field.id)).not.toContain(id);
    expect((await owner.get('/custom-fields?deleted=true')).body.data.map((field: { id: string }) => field.id)).toContain(id);

    const restored = await owner.post(`/custom-fields/${id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id, deletedAt: null, label: 'Shoe size (EU)' });
  });

  it('lists definitions filtered by entity and type, sorted and paged', async () => {
    const workspace = await stack.signUp('fields-list');
    for (const [entity, key, type] of [
      ['company', 'employees', 'number'],
      ['company', 'founded', 'date'],
      ['deal', 'channel', 'text'],
      ['company', 'audited', 'boolean'],
    ] as const) {
      expect((await workspace.post('/custom-fields', { entity, key, label: key, type })).status).toBe(201);
    }
    const companies = await workspace.get('/custom-fields?entity=company&sort=key');
    expect(companies.body.data.map((field: { key: string }) => field.key)).toEqual(['audited', 'employees', 'founded']);
    expect((await workspace.get('/custom-fields?type=date')).body.data.map((field: { key: string }) => field.key)).toEqual(['founded']);
    expect((await workspace.get('/custom-fields?q=emplo')).body.data.map((field: { key: string }) => field.key)).toEqual(['employees']);

    const first = await workspace.get('/custom-fields?entity=company&sort=-key&limit=2');
    expect(first.body.data.map((field: { key: string }) => field.key)).toEqual(['founded', 'employees']);
    const second = await workspace.get(`/custom-fields?entity=company&sort=-key&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ key: 'audited' })], nextCursor: null });

    expectError(await workspace.get('/custom-fields?sort=type'), 400, 'sort');
    expectError(await workspace.get('/custom-fields?entity=invoice'), 400, 'entity');
  });

  it('refuses a second live definition with the same key of the same entity, naming the holder, and allows it on another entity', async () => {
    const first = await owner.post('/custom-fields', { entity: 'deal', key: 'region', label: 'Region', type: 'text' });
    expect(first.status).toBe(201);
    const again = await owner.post('/custom-fields', { entity: 'deal', key: 'region', label: 'Region again', type: 'text' });
    expectError(again, 409, 'key');
    expect(again.body.error.details[0].existingId).toBe(first.body.id);
    expect((await owner.post('/custom-fields', { entity: 'company', key: 'region', label: 'Region', type: 'text' })).status).toBe(201);
  });

  it('lets only one of two concurrent creates of a key win', async () => {
    const body = { entity: 'contact', key: 'racing_key', label: 'Racing', type: 'text' };
    const responses = await Promise.all([owner.post('/custom-fields', body), owner.post('/custom-fields', body)]);
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    const loser = responses.find((response) => response.status === 409)!;
    const winner = responses.find((response) => response.status === 201)!;
    expect(loser.body.error.details[0].existingId).toBe(winner.body.id);
  });

  it('lets a deleted definition free its key, and refuses to restore it while another holds the key', async () => {
    const old = await owner.post('/custom-fields', { entity: 'contact', key: 'reused', label: 'Old', type: 'text' });
    await owner.delete(`/custom-fields/${old.body.id}`);
    const replacement = await owner.post('/custom-fields', { entity: 'contact', key: 'reused', label: 'New', type: 'boolean' });
    expect(replacement.status).toBe(201);
    const restore = await owner.post(`/custom-fields/${old.body.id}/restore`);
    expectError(restore, 409, 'key');
    expect(restore.body.error.details[0].existingId).toBe(replacement.body.id);
    expect((await owner.get(`/custom-fields/${old.body.id}`)).body.deletedAt).toEqual(expect.any(String));
  });

  it('requires distinct options for select fields and refuses them for other types', async () => {
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'select' }), 422, 'options');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: [] }), 422, 'options');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['a', 'a'] }), 422, 'options');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'text', options: ['a'] }), 422, 'options');
    expect((await owner.get('/custom-fields?q=tier')).body.data).toEqual([]);

    const select = await owner.post('/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    expect(select.status).toBe(201);
    expect(select.body.options).toEqual(['gold', 'silver']);
    const changed = await owner.patch(`/custom-fields/${select.body.id}`, { options: ['gold', 'platinum'] });
    expect(changed.body.options).toEqual(['gold', 'platinum']);
    expectError(await owner.patch(`/custom-fields/${select.body.id}`, { options: [] }), 422, 'options');

    const text = await owner.post('/custom-fields', { entity: 'contact', key: 'nickname', label: 'Nickname', type: 'text' });
    expectError(await owner.patch(`/custom-fields/${text.body.id}`, { options: ['x'] }), 422, 'options');
  });

  it('refuses bad keys, entities, types and labels, naming the field', async () => {
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'Shoe Size', label: 'x', type: 'text' }), 422, 'key');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: '1size', label: 'x', type: 'text' }), 422, 'key');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: `a${'b'.repeat(63)}`, label: 'x', type: 'text' }), 422, 'key');
    expectError(await owner.post('/custom-fields', { entity: 'invoice', key: 'size', label: 'x', type: 'text' }), 422, 'entity');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'size', label: 'x', type: 'money' }), 422, 'type');
    expectError(await owner.post('/custom-fields', { entity: 'contact', key: 'size', label: '', type: 'text' }), 422, 'label');
    const field = await owner.post('/custom-fields', { entity: 'contact', key: 'immutable', label: 'x', type: 'text' });
    expectError(await owner.patch(`/custom-fields/${field.body.id}`, { type: 'number' }), 422, 'type');
    expectError(await owner.patch(`/custom-fields/${field.body.id}`, { label: null }), 422, 'label');
  });

  it('checks contact custom field values by type on every write, naming customFields.<key>', async () => {
    const workspace = await stack.signUp('fields-values');
    for (const [key, type, options] of [
      ['score', 'number', undefined],
      ['renewal', 'date', undefined],
      ['churned', 'boolean', undefined],
      ['plan', 'select', ['free', 'pro']],
      ['notes', 'text', undefined],
    ] as const) {
      expect((await workspace.post('/custom-fields', { entity: 'contact', key, label: key, type, ...(options ? { options } : {}) })).status).toBe(201);
    }
    const good = { score: 42, renewal: '2027-02-28', churned: false, plan: 'pro', notes: 'likes tea' };
    const created = await workspace.post('/contacts', { firstName: 'Typed', customFields: good });
    expect(created.status).toBe(201);
    expect(created.body.customFields).toEqual(good);

    for (const [key, value] of [
      ['score', '42'],
      ['renewal', '2027-02-30'],
      ['churned', 'no'],
      ['plan', 'enterprise'],
      ['notes', 7],
      ['unknown_key', 'x'],
    ] as const) {
      expectError(await workspace.post('/contacts', { firstName: 'Bad', customFields: { [key]: value } }), 422, `customFields.${key}`);
      expectError(await workspace.patch(`/contacts/${created.body.id}`, { customFields: { [key]: value } }), 422, `customFields.${key}`);
    }
    expect((await workspace.get(`/contacts/${created.body.id}`)).body.customFields).toEqual(good);
    expect((await workspace.get('/contacts?q=Bad')).body.data).toEqual([]);
  });

  it('lists the contacts holding every custom field value of ?customFields=, refusing keys and values the fields do not take', async () => {
    const workspace = await stack.signUp('fields-list-filter');
    for (const [key, type, options] of [
      ['plan', 'select', ['free', 'pro']],
      ['seats', 'number', undefined],
      ['churned', 'boolean', undefined],
    ] as const) {
      expect((await workspace.post('/custom-fields', { entity: 'contact', key, label: key, type, ...(options ? { options } : {}) })).status).toBe(201);
    }
    await workspace.post('/contacts', { firstName: 'Pro', customFields: { plan: 'pro', seats: 3, churned: false } });
    await workspace.post('/contacts', { firstName: 'ProChurned', customFields: { plan: 'pro', seats: 3, churned: true } });
    await workspace.post('/contacts', { firstName: 'Free', customFields: { plan: 'free' } });
    const named = async (conditions: object) => {
      const page = await workspace.get(`/contacts?customFields=${encodeURIComponent(JSON.stringify(conditions))}`);
      expect(page.status).toBe(200);
      return page.body.data.map((contact: { firstName: string }) => contact.firstName).sort();
    };
    expect(await named({ plan: 'pro' })).toEqual(['Pro', 'ProChurned']);
    expect(await named({ plan: 'pro', seats: 3, churned: false })).toEqual(['Pro']);
    expect(await named({ seats: 4 })).toEqual([]);

    for (const [conditions, status, field] of [
      ['not-json', 400, 'customFields'],
      ['["pro"]', 400, 'customFields'],
      ['{"plan":{"in":["pro"]}}', 400, 'customFields'],
      ['{"plan":"enterprise"}', 422, 'customFields.plan'],
      ['{"seats":"3"}', 422, 'customFields.seats'],
      ['{"tier":"gold"}', 422, 'customFields.tier'],
    ] as const) {
      expectError(await workspace.get(`/contacts?customFields=${encodeURIComponent(conditions)}`), status, field);
    }
  });

  it('lists the contacts whose text field contains a text, or whose number or date field lies within bounds, refusing what a type does not take', async () => {
    const workspace = await stack.signUp('fields-list-operators');
    for (const [key, type, options] of [
      ['notes', 'text', undefined],
      ['plan', 'select', ['free', 'pro']],
      ['seats', 'number', undefined],
      ['renewal', 'date', undefined],
    ] as const) {
      expect((await workspace.post('/custom-fields', { entity: 'contact', key, label: key, type, ...(options ? { options } : {}) })).status).toBe(201);
    }
    for (const [firstName, customFields] of [
      ['Gold', { notes: 'Gold partner, 100% priority', plan: 'pro', seats: 3, renewal: '2027-01-15' }],
      ['Golden', { notes: 'golden_gate', plan: 'free', seats: 10.5, renewal: '2027-03-01' }],
      ['Silver', { notes: 'silver', seats: 50, renewal: '2026-12-31' }],
      ['Bare', {}],
    ] as const) {
      expect((await workspace.post('/contacts', { firstName, customFields })).status).toBe(201);
    }
    const named = async (conditions: object) => {
      const page = await workspace.get(`/contacts?customFields=${encodeURIComponent(JSON.stringify(conditions))}`);
      expect(page.status).toBe(200);
      return page.body.data.map((contact: { firstName: string }) => contact.firstName).sort();
    };
    expect(await named({ notes: { contains: 'GOLD' } })).toEqual(['Gold', 'Golden']);
    // LIKE's wildcards are the characters themselves.
    expect(await named({ notes: { contains: '%' } })).toEqual(['Gold']);
    expect(await named({ notes: { contains: '_' } })).toEqual(['Golden']);
    expect(await named({ notes: { contains: ' partner ' } })).toEqual(['Gold']);
    expect(await named({ seats: { from: 3, to: 10.5 } })).toEqual(['Gold', 'Golden']);
    expect(await named({ seats: { from: 10.5 } })).toEqual(['Golden', 'Silver']);
    expect(await named({ seats: { to: 3 } })).toEqual(['Gold']);
    expect(await named({ seats: { from: 4, to: 4 } })).toEqual([]);
    expect(await named({ renewal: { from: '2027-01-01', to: '2027-02-28' } })).toEqual(['Gold']);
    expect(await named({ renewal: { to: '2026-12-31' } })).toEqual(['Silver']);
    expect(await named({ renewal: { from: '2027-01-15' } })).toEqual(['Gold', 'Golden']);
    expect(await named({ notes: { contains: 'gold' }, seats: { from: 5 }, plan: 'free' })).toEqual(['Golden']);
    expect(await named({ notes: { contains: 'gold' }, plan: 'pro', renewal: { to: '2027-01-15' } })).toEqual(['Gold']);

    for (const [conditions, status, field] of [
      ['{"notes":{"startsWith":"g"}}', 400, 'customFields'],
      ['{"seats":{}}', 400, 'customFields'],
      ['{"notes":{"contains":"g","from":1}}', 400, 'customFields'],
      ['{"notes":{"contains":3}}', 400, 'customFields'],
      ['{"seats":{"from":"3"}}', 422, 'customFields.seats'],
      ['{"seats":{"contains":"3"}}', 422, 'customFields.seats'],
      ['{"seats":{"from":10,"to":3}}', 422, 'customFields.seats'],
      ['{"notes":{"from":1}}', 422, 'customFields.notes'],
      ['{"notes":{"contains":"  "}}', 422, 'customFields.notes'],
      [JSON.stringify({ notes: { contains: 'x'.repeat(201) } }), 422, 'customFields.notes'],
      ['{"plan":{"contains":"pr"}}', 422, 'customFields.plan'],
      ['{"renewal":{"from":"2024-02-30"}}', 422, 'customFields.renewal'],
      ['{"renewal":{"to":20270101}}', 422, 'customFields.renewal'],
      ['{"renewal":{"from":"2027-02-01","to":"2027-01-01"}}', 422, 'customFields.renewal'],
      ['{"tier":{"contains":"g"}}', 422, 'customFields.tier'],
    ] as const) {
      expectError(await workspace.get(`/contacts?customFields=${encodeURIComponent(conditions)}`), status, field);
    }
  });

  it('leaves out a value of another type left under a key whose definition was deleted and made again', async () => {
    const workspace = await stack.signUp('fields-list-reused-key');
    const old = (await workspace.post('/custom-fields', { entity: 'contact', key: 'score', label: 'Score', type: 'text' })).body;
    expect((await workspace.post('/contacts', { firstName: 'Worded', customFields: { score: '2027-01-01 high' } })).status).toBe(201);
    expect((await workspace.delete(`/custom-fields/${old.id}`)).status).toBe(204);
    expect((await workspace.post('/custom-fields', { entity: 'contact', key: 'score', label: 'Score', type: 'number' })).status).toBe(201);
    expect((await workspace.post('/contacts', { firstName: 'Counted', customFields: { score: 7 } })).status).toBe(201);
    const page = await workspace.get(`/contacts?customFields=${encodeURIComponent('{"score":{"from":0}}')}`);
    expect(page.status).toBe(200);
    expect(page.body.data.map((contact: { firstName: string }) => contact.firstName)).toEqual(['Counted']);
  });

  it('keeps stored values when an option is removed or the definition deleted, and lets null clear them', async () => {
    const workspace = await stack.signUp('fields-leftovers');
    const plan = (await workspace.post('/custom-fields', { entity: 'contact', key: 'plan', label: 'Plan', type: 'select', options: ['free', 'legacy'] })).body;
    const region = (await workspace.post('/custom-fields', { entity: 'contact', key: 'region', label: 'Region', type: 'text' })).body;
    const contact = (await workspace.post('/contacts', { firstName: 'Old', customFields: { plan: 'legacy', region: 'EMEA' } })).body;

    await workspace.patch(`/custom-fields/${plan.id}`, { options: ['free', 'pro'] });
    await workspace.delete(`/custom-fields/${region.id}`);
    expect((await workspace.get(`/contacts/${contact.id}`)).body.customFields).toEqual({ plan: 'legacy', region: 'EMEA' });

    const renamed = await workspace.patch(`/contacts/${contact.id}`, { firstName: 'Still old' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.customFields).toEqual({ plan: 'legacy', region: 'EMEA' });
    expectError(await workspace.patch(`/contacts/${contact.id}`, { customFields: { plan: 'legacy' } }), 422, 'customFields.plan');
    expectError(await workspace.patch(`/contacts/${contact.id}`, { customFields: { region: 'APAC' } }), 422, 'customFields.region');

    const cleared = await workspace.patch(`/contacts/${contact.id}`, { customFields: { plan: 'pro', region: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.customFields).toEqual({ plan: 'pro' });
  });

  it('answers 404 for an unknown id, a non-UUID id and another workspace’s definition', async () => {
    const other = await stack.signUp('fields-other');
    const theirs = await other.post('/custom-fields', { entity: 'contact', key: 'secret', label: 'Secret', type: 'text' });
    for (const id of [randomUUID(), 'not-a-uuid', theirs.body.id]) {
      expectError(await owner.get(`/custom-fields/${id}`), 404);
      expectError(await owner.patch(`/custom-fields/${id}`, { label: 'Mine' }), 404);
      expectError(await owner.delete(`/custom-fields/${id}`), 404);
      expectError(await owner.post(`/custom-fields/${id}/restore`), 404);
    }
    expect((await other.get(`/custom-fields/${theirs.body.id}`)).body.label).toBe('Secret');
  });

  it('lets everyone read definitions but only admins define them', async () => {
    const field = await owner.post('/custom-fields', { entity: 'company', key: 'rating', label: 'Rating', type: 'number' });
    for (const role of ['manager', 'member', 'viewer'] as const) {
      const caller = await stack.as(owner, role);
      expect((await caller.get(`/custom-fields/${field.body.id}`)).status).toBe(200);
      expectError(await caller.post('/custom-fields', { entity: 'company', key: `by_${role}`, label: 'x', type: 'text' }), 403);
      expectError(await caller.patch(`/custom-fields/${field.body.id}`, { label: 'Changed' }), 403);
      expectError(await caller.delete(`/custom-fields/${field.body.id}`), 403);
    }
    const admin = await stack.as(owner, 'admin');
    expect((await admin.patch(`/custom-fields/${field.body.id}`, { label: 'Score' })).body.label).toBe('Score');
  });
});
