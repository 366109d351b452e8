import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

let stack: CrmStack;

const PROPERTY = {
  key: 'property',
  singularLabel: 'Property',
  pluralLabel: 'Properties',
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
    { key: 'email', label: 'Contact email', type: 'email' },
    { key: 'propertyType', label: 'Property type', type: 'select', options: ['house', 'flat', 'land'] },
    { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
    { key: 'listed', label: 'Listed on', type: 'date' },
    { key: 'price', label: 'Price', type: 'currency' },
    { key: 'address', label: 'Address', type: 'address' },
    { key: 'owner', label: 'Owner', type: 'relation', target: 'contacts' },
  ],
};

async function upload(caller: Caller, content: string, fields: Record<string, string>, path = '/imports') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([content]), 'properties.csv');
  const response = await fetch(`${stack.api}${path}`, { method: 'POST', headers: { authorization: `Bearer ${caller.token}` }, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function imported(caller: Caller, content: string, fields: Record<string, string> = { entity: 'records', object: 'property' }): Promise<any> {
  const response = await upload(caller, content, fields);
  expect(response.status).toBe(202);
  return eventually(async () => {
    const status = await caller.get(`/imports/${response.body.id}`);
    return ['completed', 'failed', 'cancelled'].includes(status.body.status) ? status.body : null;
  }, 30_000);
}

async function records(caller: Caller, filter?: object): Promise<any[]> {
  const query = filter ? `&filter=${encodeURIComponent(JSON.stringify(filter))}` : '';
  const response = await caller.get(`/objects/property/records?limit=100&sort=name${query}`);
  expect(response.status).toBe(200);
  return response.body.data;
}

async function workspaceWithProperty(): Promise<Caller> {
  const owner = await stack.signUp();
  expect((await owner.post('/objects', PROPERTY)).status).toBe(201);
  return owner;
}

beforeAll(async () => {
  stack = await startCrmStack('record-imports');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('imports of custom object records', () => {
  it('maps columns by field key, label and <key>.<part>, reads each value by its field type, and announces the records', async () => {
    const owner = await workspaceWithProperty();
    const contact = await owner.post('/contacts', { email: 'landlord@example.com' });
    const csv =
      'Name,Contact email,property type,Bedrooms,Listed on,price.amount,price.currency,Address.City,Address.Country,owner,Notes\n' +
      `Rose Cottage,rose@example.com,House,3,25/12/2024,25000000,gbp,Bath,United Kingdom,${contact.body.id},thatched\n` +
      'Flat 4,flat4@example.com,flat,"1,000",2024-01-31,,,,,,\n';
    const result = await imported(owner, csv);
    expect(result).toMatchObject({
      status: 'completed',
      entity: 'records',
      object: 'property',
      matchField: 'email',
      created: 2,
      failed: 0,
      dateFormat: 'dd/mm/yyyy',
    });
    expect(result.unmappedColumns).toEqual(['Notes']);
    expect(result.mapping).toMatchObject({ 'property type': 'propertyType', 'price.amount': 'price.amount', 'Address.City': 'address.city', owner: 'owner' });
    const [flat, rose] = await records(owner);
    expect(rose.values).toEqual({
      name: 'Rose Cottage',
      email: 'rose@example.com',
      propertyType: 'house',
      bedrooms: 3,
      listed: '2024-12-25',
      price: { amount: 25000000, currency: 'GBP' },
      address: { city: 'Bath', country: 'GB' },
      owner: contact.body.id,
    });
    expect(flat.values).toEqual({ name: 'Flat 4', email: 'flat4@example.com', propertyType: 'flat', bedrooms: 1000, listed: '2024-01-31' });
    // Searchable like a record written through the API.
    expect((await owner.get('/objects/property/records?q=cottage')).body.data.map((record: any) => record.id)).toEqual([rose.id]);
    const events = await outboxEvents(stack, 'records.imported', result.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ importId: result.id, batch: 1, part: 1, object: 'property' });
    expect(events[0]!.data.records.map((record: any) => record.id).sort()).toEqual([flat.id, rose.id].sort());
  });

  it('merges rows into the live record holding the match field’s value: fills gaps, keeps differences as conflicts, and undo restores', async () => {
    const owner = await workspaceWithProperty();
    const existing = await owner.post('/objects/property/records', {
      values: { name: 'Mill House', email: 'mill@example.com', bedrooms: 4, address: { city: 'Wells' } },
    });
    expect(existing.status).toBe(201);
    const csv =
      'name,email,bedrooms,propertyType,address.city,address.postalCode\nMill House,mill@example.com,5,house,Wells,BA5 1AA\nNew Barn,barn@example.com,2,,,\n';
    const result = await imported(owner, csv);
    expect(result).toMatchObject({ status: 'completed', created: 1, updated: 1, conflicts: 1, failed: 0 });
    const mill = (await owner.get(`/objects/property/records/${existing.body.id}`)).body;
    expect(mill.values).toEqual({
      name: 'Mill House',
      email: 'mill@example.com',
      bedrooms: 4,
      propertyType: 'house',
      address: { city: 'Wells', postalCode: 'BA5 1AA' },
    });
    const conflicts = (await owner.get(`/imports/${result.id}/conflicts`)).body.data;
    expect(conflicts).toEqual([
      expect.objectContaining({ recordType: 'record', recordId: existing.body.id, field: 'bedrooms', existingValue: 4, incomingValue: 5 }),
    ]);

    const resolved = await owner.post(`/imports/${result.id}/conflicts/${conflicts[0].id}/resolve`, { action: 'take_incoming' });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'take_incoming' });
    expect((await owner.get(`/objects/property/records/${existing.body.id}`)).body.values.bedrooms).toBe(5);

    const undone = await owner.post(`/imports/${result.id}/undo`);
    expect(undone.status).toBe(200);
    const after = await records(owner);
    expect(after.map((record) => record.values.name)).toEqual(['Mill House']);
    // The fields the import changed are back; the conflict's resolution was an edit of its own and stays.
    expect(after[0].values).toEqual({ name: 'Mill House', email: 'mill@example.com', bedrooms: 5, address: { city: 'Wells' } });
    const undoEvents = await outboxEvents(stack, 'records.import_undone', result.id);
    expect(undoEvents.flatMap((event) => event.data.deletedIds)).toHaveLength(1);
  });

  it('matches an email field ignoring case, keeps the stored spelling, and follows edits and deletes of the records', async () => {
    const owner = await workspaceWithProperty();
    const mill = (await owner.post('/objects/property/records', { values: { name: 'Mill House', email: 'Mill@Example.com' } })).body;
    const moved = (await owner.post('/objects/property/records', { values: { name: 'Moved', email: 'old@example.com' } })).body;
    expect((await owner.patch(`/objects/property/records/${moved.id}`, { values: { email: 'Now@Example.com' } })).status).toBe(200);
    const gone = (await owner.post('/objects/property/records', { values: { name: 'Gone', email: 'gone@example.com' } })).body;
    expect((await owner.delete(`/objects/property/records/${gone.id}`)).status).toBe(204);
    const csv =
      'name,email,bedrooms\n' +
      'Mill House,mill@EXAMPLE.com,4\n' +
      'Moved,NOW@example.COM,2\n' +
      'Old address,OLD@example.com,1\n' +
      'Gone again,GONE@example.com,1\n' +
      'New Barn,New@Barn.example,3\n' +
      'New Barn,new@barn.EXAMPLE,\n' +
      'Bad email,ADA@,1\n';
    const result = await imported(owner, csv);
    expect(result).toMatchObject({ status: 'completed', created: 3, updated: 2, conflicts: 0, failed: 1 });
    expect(result.errors).toEqual([{ row: 8, message: expect.stringContaining('values.email: must be an email address') }]);
    expect((await owner.get(`/objects/property/records/${mill.id}`)).body.values).toEqual({ name: 'Mill House', email: 'Mill@Example.com', bedrooms: 4 });
    expect((await owner.get(`/objects/property/records/${moved.id}`)).body.values).toEqual({ name: 'Moved', email: 'Now@Example.com', bedrooms: 2 });
    expect((await records(owner)).map((record) => [record.values.name, record.values.email])).toEqual([
      ['Gone again', 'GONE@example.com'],
      ['Mill House', 'Mill@Example.com'],
      ['Moved', 'Now@Example.com'],
      ['New Barn', 'New@Barn.example'],
      ['Old address', 'OLD@example.com'],
    ]);
  });

  it('puts a row with a value of the wrong type, a missing required value or a relation to another workspace’s record in the errors file', async () => {
    const owner = await workspaceWithProperty();
    const stranger = await stack.signUp('stranger');
    const foreign = await stranger.post('/contacts', { email: 'foreign@example.com' });
    const csv =
      'name,bedrooms,propertyType,listed,owner\n' +
      'Good,2,flat,2024-02-02,\n' +
      'Wrong type,three,flat,,\n' +
      'Bad option,1,castle,,\n' +
      ',1,flat,,\n' +
      `Foreign owner,1,flat,,${foreign.body.id}\n` +
      'Bad date,1,flat,2024-02-30,\n';
    const result = await imported(owner, csv);
    expect(result).toMatchObject({ status: 'completed', created: 1, failed: 5, total: 6 });
    expect(result.errors).toEqual([
      { row: 3, message: expect.stringContaining('values.bedrooms: must be a number') },
      { row: 4, message: expect.stringContaining('values.propertyType: must be one of house, flat, land') },
      { row: 5, message: 'values.name: is required' },
      { row: 6, message: 'values.owner: is not a live contacts record of this workspace' },
      { row: 7, message: expect.stringContaining('values.listed') },
    ]);
    const file = await fetch(`${stack.api}/imports/${result.id}/errors.csv`, { headers: { authorization: `Bearer ${owner.token}` } });
    const lines = (await file.text()).trim().split('\n');
    expect(lines[0]).toBe('name,bedrooms,propertyType,listed,owner,line,error');
    expect(lines[1]).toBe('Wrong type,three,flat,,,3,values.bedrooms: must be a number');
    expect((await records(owner)).map((record) => record.values.name)).toEqual(['Good']);
  });

  it('refuses an unknown object, a bad match field or mapping, and the object parameter on a contacts import, storing nothing', async () => {
    const owner = await workspaceWithProperty();
    expectError(await upload(owner, 'name\nx\n', { entity: 'records', object: 'castle' }), 422, 'object');
    expectError(await upload(owner, 'name\nx\n', { entity: 'records' }), 422, 'object');
    expectError(await upload(owner, 'name\nx\n', { entity: 'records', object: 'property', matchField: 'price' }), 422, 'matchField');
    expectError(await upload(owner, 'name\nx\n', { entity: 'records', object: 'property', matchField: 'nope' }), 422, 'matchField');
    expectError(await upload(owner, 'name\nx\n', { entity: 'records', object: 'property', mapping: '{"name":"turrets"}' }), 422, 'mapping.name');
    expectError(await upload(owner, 'email\na@example.com\n', { entity: 'contacts', object: 'property' }), 422, 'object');
    const imports = await stack.owner.query('SELECT count(*)::int AS n FROM crm.imports WHERE workspace_id = $1', [owner.workspaceId]);
    expect(imports[0].n).toBe(0);
  });

  it('previews a records file as its import would read it: mapping by field, date order, values and each cell’s problems, storing nothing', async () => {
    const owner = await workspaceWithProperty();
    const csv =
      'Name,Contact email,bedrooms,Listed on,price.amount,price.currency,Address.City,Notes\n' +
      'Rose Cottage,Rose@Example.com,3,25/12/2024,25000000,gbp,Bath,thatched\n' +
      'Flat 4,not-an-email,three,31/02/2024,,,,\n';
    const preview = await upload(owner, csv, { entity: 'records', object: 'property' }, '/imports/preview');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      format: 'csv',
      unmappedColumns: ['Notes'],
      dateFormat: { format: 'dd/mm/yyyy', source: 'values', question: null },
      truncated: false,
    });
    expect(preview.body.mapping).toEqual([
      { column: 'Name', field: 'name', matchedBy: 'field', alias: null, label: null },
      { column: 'Contact email', field: 'email', matchedBy: 'field', alias: null, label: null },
      { column: 'bedrooms', field: 'bedrooms', matchedBy: 'field', alias: null, label: null },
      { column: 'Listed on', field: 'listed', matchedBy: 'field', alias: null, label: null },
      { column: 'price.amount', field: 'price.amount', matchedBy: 'field', alias: null, label: null },
      { column: 'price.currency', field: 'price.currency', matchedBy: 'field', alias: null, label: null },
      { column: 'Address.City', field: 'address.city', matchedBy: 'field', alias: null, label: null },
      { column: 'Notes', field: null, matchedBy: null, alias: null, label: null },
    ]);
    expect(preview.body.rows).toEqual([
      {
        line: 2,
        values: {
          name: 'Rose Cottage',
          email: 'Rose@Example.com',
          bedrooms: 3,
          listed: '2024-12-25',
          price: { amount: 25000000, currency: 'GBP' },
          address: { city: 'Bath' },
        },
        problems: [],
      },
      {
        line: 3,
        values: { name: 'Flat 4' },
        problems: [
          { field: 'values.listed', message: 'is not a date in dd/mm/yyyy' },
          { field: 'values.email', message: 'must be an email address' },
          { field: 'values.bedrooms', message: 'must be a number' },
        ],
      },
    ]);
    // The request's mapping wins, and says so.
    const mapped = await upload(
      owner,
      'Title,Beds\nBarn,2\n',
      { entity: 'records', object: 'property', mapping: '{"Title":"name","Beds":null}' },
      '/imports/preview',
    );
    expect(mapped.body.mapping.map((column: any) => [column.field, column.matchedBy])).toEqual([
      ['name', 'mapping'],
      [null, 'mapping'],
    ]);
    expect(mapped.body.rows).toEqual([{ line: 2, values: { name: 'Barn' }, problems: [] }]);
    expect(await records(owner)).toEqual([]);
    const imports = await stack.owner.query('SELECT count(*)::int AS n FROM crm.imports WHERE workspace_id = $1', [owner.workspaceId]);
    expect(imports[0].n).toBe(0);
  });

  it('refuses a records preview of an unknown or missing object, a bad mapping, an object on a contacts preview, or an object the role may not write', async () => {
    const owner = await workspaceWithProperty();
    const preview = (fields: Record<string, string>, caller: Caller = owner) => upload(caller, 'name\nx\n', fields, '/imports/preview');
    expectError(await preview({ entity: 'records', object: 'castle' }), 422, 'object');
    expectError(await preview({ entity: 'records' }), 422, 'object');
    expectError(await preview({ entity: 'records', object: 'property', mapping: '{"name":"turrets"}' }), 422, 'mapping.name');
    expectError(await preview({ entity: 'contacts', object: 'property' }), 422, 'object');
    expectError(await preview({ entity: 'castles' }), 422, 'entity');
    expect((await owner.patch('/objects/property', { access: { manager: 'read' } })).status).toBe(200);
    expectError(await preview({ entity: 'records', object: 'property' }, await stack.as(owner, 'manager')), 403);
  });
});
