import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from '../../crm/test/support.js';

/**
 * Custom objects through the public API (auth, crm and the gateway): definitions kept to admins,
 * records under /objects/:object/records with the list conventions, bad input refused with the
 * field it names and nothing stored, and another workspace's object and records answering 404.
 */
const PROPERTY = {
  key: 'property',
  singularLabel: 'Property',
  pluralLabel: 'Properties',
  icon: 'building',
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
    { key: 'propertyType', label: 'Property type', type: 'select', options: ['house', 'flat', 'land'] },
    { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
    { key: 'address', label: 'Address', type: 'address' },
    { key: 'owner', label: 'Owner', type: 'relation', target: 'contacts' },
  ],
};

describe('custom objects', () => {
  let stack: CrmStack;
  let owner: Caller;
  let other: Caller;

  async function recordCount(workspaceId: string): Promise<number> {
    const [{ count }] = await stack.owner.query('SELECT count(*)::int AS count FROM crm.object_records WHERE workspace_id = $1', [workspaceId]);
    return count as number;
  }

  beforeAll(async () => {
    stack = await startCrmStack('objects');
    owner = await stack.signUp('objects');
    other = await stack.signUp('objects-other');
    expect((await owner.post('/objects', PROPERTY)).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 401 without credentials', async () => {
    const response = await fetch(`${stack.api}/objects`);
    expect(response.status).toBe(401);
  });

  it('defines an object and refuses an unknown field type, a built-in key and a taken key, naming them', async () => {
    const read = await owner.get('/objects/property');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ key: 'property', pluralLabel: 'Properties', deletedAt: null });
    expect(read.body.fields).toHaveLength(5);

    expectError(await owner.post('/objects', { ...PROPERTY, key: 'boat', fields: [{ key: 'hull', label: 'Hull', type: 'colour' }] }), 422, 'fields.0.type');
    expectError(await owner.post('/objects', { ...PROPERTY, key: 'contacts' }), 422, 'key');
    expectError(await owner.post('/objects', { ...PROPERTY, key: 'Bad-Key' }), 422, 'key');
    expectError(await owner.post('/objects', PROPERTY), 409, 'key');
    expectError(await owner.post('/objects/property/fields', { key: 'agent', label: 'Agent', type: 'relation', target: 'spaceships' }), 422, 'target');
    const list = await owner.get('/objects');
    expect(list.body.data.map((object: { key: string }) => object.key)).toEqual(['property']);

    const added = await owner.post('/objects/property/fields', { key: 'listedOn', label: 'Listed on', type: 'date' });
    expect(added.status).toBe(201);
    const changed = await owner.patch('/objects/property/fields/listedOn', { label: 'Listed' });
    expect(changed.body.fields.find((field: { key: string }) => field.key === 'listedOn')).toMatchObject({ label: 'Listed', type: 'date' });
    expect((await owner.patch('/objects/property', { icon: 'home' })).body.icon).toBe('home');
  });

  it('creates, lists with filters, sorts and cursors, updates, deletes and restores records', async () => {
    const ada = await owner.post('/contacts', { firstName: 'Ada', email: 'ada-objects@example.com' });
    const created = await owner.post('/objects/property/records', {
      values: { name: 'Rose Cottage', propertyType: 'house', bedrooms: 3, address: { city: 'Bath', country: 'GB' }, owner: ada.body.id },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'property', values: { name: 'Rose Cottage', owner: ada.body.id }, createdBy: owner.userId });
    await owner.post('/objects/property/records', { values: { name: 'Harbour Flat', propertyType: 'flat', bedrooms: 1 } });
    await owner.post('/objects/property/records', { values: { name: 'Top Field', propertyType: 'land' } });

    const filtered = await owner.get(
      `/objects/property/records?filter=${encodeURIComponent(JSON.stringify({ propertyType: ['house', 'flat'] }))}&sort=-bedrooms`,
    );
    expect(filtered.status).toBe(200);
    expect(filtered.body.data.map((record: { values: { name: string } }) => record.values.name)).toEqual(['Rose Cottage', 'Harbour Flat']);
    const search = await owner.get('/objects/property/records?q=cott');
    expect(search.body.data.map((record: { id: string }) => record.id)).toEqual([created.body.id]);
    const first = await owner.get('/objects/property/records?limit=2&sort=name');
    const second = await owner.get(`/objects/property/records?limit=2&sort=name&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect([...first.body.data, ...second.body.data].map((record: { values: { name: string } }) => record.values.name)).toEqual([
      'Harbour Flat',
      'Rose Cottage',
      'Top Field',
    ]);
    expectError(await owner.get('/objects/property/records?filter=not-json'), 400, 'filter');
    expectError(await owner.get(`/objects/property/records?filter=${encodeURIComponent('{"colour":"red"}')}`), 400, 'filter.colour');
    expectError(await owner.get('/objects/property/records?sort=address'), 400, 'sort');

    const patched = await owner.patch(`/objects/property/records/${created.body.id}`, { values: { bedrooms: 4 } });
    expect(patched.body.values.bedrooms).toBe(4);
    expect((await owner.delete(`/objects/property/records/${created.body.id}`)).status).toBe(204);
    expect((await owner.get(`/objects/property/records/${created.body.id}`)).body.deletedAt).not.toBeNull();
    const restored = await owner.post(`/objects/property/records/${created.body.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.deletedAt).toBeNull();
    const events = await outboxEvents(stack, 'record.updated', created.body.id);
    expect(events[0]!.data).toMatchObject({ record: { object: 'property', values: { bedrooms: 4 } }, changedFields: ['bedrooms'] });
  });

  it('refuses wrong values and a relation to another workspace’s record, naming values.<field>, storing nothing', async () => {
    const before = await recordCount(owner.workspaceId);
    expectError(await owner.post('/objects/property/records', { values: { name: 'X', bedrooms: 'three' } }), 422, 'values.bedrooms');
    expectError(await owner.post('/objects/property/records', { values: { bedrooms: 2 } }), 422, 'values.name');
    expectError(await owner.post('/objects/property/records', { values: { name: 'X', address: { country: 'Atlantis' } } }), 422, 'values.address');
    expectError(await owner.post('/objects/property/records', { values: 'nope' }), 422, 'values');
    const theirs = await other.post('/contacts', { firstName: 'Grace', email: 'grace-objects@example.com' });
    expectError(await owner.post('/objects/property/records', { values: { name: 'X', owner: theirs.body.id } }), 422, 'values.owner');
    expect(await recordCount(owner.workspaceId)).toBe(before);
  });

  it('removes a field: its values leave every record, search forgets them, and the key can return with another type', async () => {
    const fields = [
      { key: 'title', label: 'Title', type: 'text', required: true },
      { key: 'hull', label: 'Hull', type: 'text', searchable: true },
      { key: 'keeper', label: 'Keeper', type: 'relation', target: 'contacts' },
    ];
    expect((await owner.post('/objects', { key: 'vessel', singularLabel: 'Vessel', pluralLabel: 'Vessels', fields })).status).toBe(201);
    const keeper = await owner.post('/contacts', { firstName: 'Nell', email: 'nell-objects@example.com' });
    const live = await owner.post('/objects/vessel/records', { values: { title: 'Kestrel', hull: 'steel', keeper: keeper.body.id } });
    const deleted = await owner.post('/objects/vessel/records', { values: { title: 'Osprey', hull: 'steel' } });
    expect((await owner.delete(`/objects/vessel/records/${deleted.body.id}`)).status).toBe(204);
    expect((await owner.get('/objects/vessel/records?q=steel')).body.data).toHaveLength(1);

    const member = await stack.as(owner, 'member');
    expectError(await member.delete('/objects/vessel/fields/hull'), 403);
    expectError(await owner.delete('/objects/vessel/fields/sails'), 404);
    expectError(await owner.delete('/objects/yawl/fields/hull'), 404);
    expectError(await other.delete('/objects/vessel/fields/hull'), 404);
    expect((await owner.get(`/objects/vessel/records/${live.body.id}`)).body.values.hull).toBe('steel');

    expect((await owner.delete('/objects/vessel/fields/hull')).status).toBe(204);
    expect((await owner.delete('/objects/vessel/fields/keeper')).status).toBe(204);
    expect((await owner.get('/objects/vessel')).body.fields.map((field: { key: string }) => field.key)).toEqual(['title']);
    expect((await owner.get(`/objects/vessel/records/${live.body.id}`)).body.values).toEqual({ title: 'Kestrel' });
    const [stored] = await stack.owner.query('SELECT values, search_text FROM crm.object_records WHERE id = $1', [deleted.body.id]);
    expect(stored).toEqual({ values: { title: 'Osprey' }, search_text: '' });
    expect((await owner.get('/objects/vessel/records?q=steel')).body.data).toEqual([]);
    expect((await owner.get(`/contacts/${keeper.body.id}`)).status).toBe(200);
    expectError(await owner.patch(`/objects/vessel/records/${live.body.id}`, { values: { hull: 'oak' } }), 422, 'values.hull');
    expectError(await owner.get(`/objects/vessel/records?filter=${encodeURIComponent('{"hull":"steel"}')}`), 400, 'filter.hull');

    expect((await owner.post('/objects/vessel/fields', { key: 'hull', label: 'Hull length', type: 'number' })).status).toBe(201);
    expect((await owner.patch(`/objects/vessel/records/${live.body.id}`, { values: { hull: 12 } })).body.values).toEqual({ title: 'Kestrel', hull: 12 });
  });

  it('hides one workspace’s objects and records from another (404)', async () => {
    const mine = await owner.post('/objects/property/records', { values: { name: 'Private' } });
    expectError(await other.get('/objects/property'), 404);
    expectError(await other.get(`/objects/property/records/${mine.body.id}`), 404);
    expectError(await other.patch(`/objects/property/records/${mine.body.id}`, { values: { name: 'Mine now' } }), 404);
    expectError(await other.delete(`/objects/property/records/${mine.body.id}`), 404);
    expect((await other.post('/objects', PROPERTY)).status).toBe(201);
    expectError(await other.get(`/objects/property/records/${mine.body.id}`), 404);
    expectError(await owner.get('/objects/property/records/not-a-uuid'), 404);
  });

  it('keeps definitions to admins and record writes to staff', async () => {
    const admin = await stack.as(owner, 'admin');
    const member = await stack.as(owner, 'member');
    const viewer = await stack.as(owner, 'viewer');
    expectError(await member.post('/objects', { key: 'yacht', singularLabel: 'Yacht', pluralLabel: 'Yachts' }), 403);
    expectError(await member.post('/objects/property/fields', { key: 'berth', label: 'Berth', type: 'text' }), 403);
    expect((await admin.post('/objects', { key: 'yacht', singularLabel: 'Yacht', pluralLabel: 'Yachts' })).status).toBe(201);
    expect((await member.get('/objects/yacht')).status).toBe(200);
    expect((await member.post('/objects/property/records', { values: { name: 'By a member' } })).status).toBe(201);
    expect((await viewer.get('/objects/property/records')).status).toBe(200);
    expectError(await viewer.post('/objects/property/records', { values: { name: 'By a viewer' } }), 403);
    expect((await owner.delete('/objects/yacht')).status).toBe(204);
    expectError(await owner.get('/objects/yacht/records'), 404);
    expect((await owner.post('/objects/yacht/restore')).body.deletedAt).toBeNull();
  });
});
