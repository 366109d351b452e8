import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, startCrmStack, type Caller, type CrmStack } from './support.js';

let stack: CrmStack;

const CONTRACT = {
  key: 'contract',
  singularLabel: 'Contract',
  pluralLabel: 'Contracts',
  fields: [{ key: 'name', label: 'Name', type: 'text', required: true, searchable: true }],
};

async function importForm(caller: Caller, fields: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob(['name\nImported\n']), 'contracts.csv');
  const response = await fetch(`${stack.api}/imports`, { method: 'POST', headers: { authorization: `Bearer ${caller.token}` }, body: form });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

beforeAll(async () => {
  stack = await startCrmStack('object-access');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('access per custom object', () => {
  it('defaults to what records:read and records:write give each role, and may narrow but never widen it', async () => {
    const owner = await stack.signUp();
    const created = await owner.post('/objects', CONTRACT);
    expect(created.status).toBe(201);
    expect(created.body.access).toEqual({ manager: 'write', member: 'write', viewer: 'read' });

    const narrowed = await owner.patch('/objects/contract', { access: { member: 'read', viewer: 'none' } });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.access).toEqual({ manager: 'write', member: 'read', viewer: 'none' });
    // A later change of one role leaves the others as they were.
    expect((await owner.patch('/objects/contract', { access: { manager: 'read' } })).body.access).toEqual({ manager: 'read', member: 'read', viewer: 'none' });

    expectError(await owner.patch('/objects/contract', { access: { viewer: 'write' } }), 422, 'access.viewer');
    expectError(await owner.patch('/objects/contract', { access: { member: 'admin' } }), 422, 'access.member');
    expectError(await owner.post('/objects', { ...CONTRACT, key: 'lease', access: { viewer: 'write' } }), 422, 'access.viewer');
    expect((await owner.get('/objects/contract')).body.access).toEqual({ manager: 'read', member: 'read', viewer: 'none' });
  });

  it('refuses a member writing and a viewer reading a restricted object on every records route, and leaves other objects alone', async () => {
    const owner = await stack.signUp();
    expect((await owner.post('/objects', { ...CONTRACT, access: { member: 'read', viewer: 'none' } })).status).toBe(201);
    expect((await owner.post('/objects', { ...CONTRACT, key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases' })).status).toBe(201);
    const record = await owner.post('/objects/contract/records', { values: { name: 'Master agreement' } });
    expect(record.status).toBe(201);
    const id = record.body.id;
    const member = await stack.as(owner, 'member');
    const viewer = await stack.as(owner, 'viewer');

    // The member reads it, and writes nothing of it.
    expect((await member.get('/objects/contract/records')).status).toBe(200);
    expect((await member.get(`/objects/contract/records/${id}`)).status).toBe(200);
    expect((await member.get(`/objects/contract/records/${id}/timeline`)).status).toBe(200);
    expectError(await member.post('/objects/contract/records', { values: { name: 'Side letter' } }), 403);
    expectError(await member.patch(`/objects/contract/records/${id}`, { values: { name: 'Changed' } }), 403);
    expectError(await member.delete(`/objects/contract/records/${id}`), 403);
    expectError(await member.post(`/objects/contract/records/${id}/restore`), 403);
    expectError(await member.post(`/objects/contract/records/${id}/files`, { fileId: '00000000-0000-4000-8000-000000000000' }), 403);
    // The viewer sees none of it.
    expectError(await viewer.get('/objects/contract/records'), 403);
    expectError(await viewer.get(`/objects/contract/records/${id}`), 403);
    expectError(await viewer.get(`/objects/contract/records/${id}/timeline`), 403);
    expectError(await viewer.get(`/objects/contract/records/${id}/notes`), 403);
    expectError(await viewer.get(`/objects/contract/records/${id}/tasks`), 403);
    expectError(await viewer.get(`/objects/contract/records/${id}/files`), 403);

    // Nothing changed, and the object without narrowing keeps the defaults.
    expect((await owner.get(`/objects/contract/records/${id}`)).body.values).toEqual({ name: 'Master agreement' });
    expect((await member.post('/objects/lease/records', { values: { name: 'Flat 1' } })).status).toBe(201);
    expect((await viewer.get('/objects/lease/records')).status).toBe(200);
  });

  it.each(['manager', 'member', 'viewer'] as const)(
    'hides a type narrowed to none from a %s, whose record routes refuse it, and shows it to the others',
    async (role) => {
      const owner = await stack.signUp();
      expect((await owner.post('/objects', { ...CONTRACT, access: { [role]: 'none' } })).status).toBe(201);
      expect((await owner.post('/objects', { ...CONTRACT, key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases' })).status).toBe(201);
      const id = (await owner.post('/objects/contract/records', { values: { name: 'Master agreement' } })).body.id;
      const narrowed = await stack.as(owner, role);

      const listed = await narrowed.get('/objects?sort=key');
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((object: { key: string }) => object.key)).toEqual(['lease']);
      expect((await narrowed.get('/objects?q=contract')).body.data).toEqual([]);
      expectError(await narrowed.get('/objects/contract'), 404);
      expectError(await narrowed.get('/objects/contract/records'), 403);
      expectError(await narrowed.get(`/objects/contract/records/${id}`), 403);
      if (role !== 'viewer') expectError(await narrowed.post('/objects/contract/records', { values: { name: 'Side letter' } }), 403);

      for (const other of ['owner', 'admin', 'manager', 'member', 'viewer'] as const) {
        if (other === role) continue;
        const caller = await stack.as(owner, other);
        expect({ other, keys: (await caller.get('/objects?sort=key')).body.data.map((object: { key: string }) => object.key) }).toEqual({
          other,
          keys: ['contract', 'lease'],
        });
        expect({ other, status: (await caller.get('/objects/contract')).status }).toEqual({ other, status: 200 });
      }
      expect((await owner.get('/objects/contract/records')).body.data.map((record: { id: string }) => record.id)).toEqual([id]);
    },
  );

  it('keeps the notes and tasks about a hidden object’s records from whoever may not read the object, through /notes and /tasks too', async () => {
    const owner = await stack.signUp();
    expect((await owner.post('/objects', { ...CONTRACT, access: { manager: 'none', member: 'none' } })).status).toBe(201);
    expect((await owner.post('/objects', { ...CONTRACT, key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases' })).status).toBe(201);
    const contract = (await owner.post('/objects/contract/records', { values: { name: 'Master agreement' } })).body.id;
    const lease = (await owner.post('/objects/lease/records', { values: { name: 'Flat 1' } })).body.id;
    const created = await Promise.all([
      owner.post('/notes', { body: 'Walk away below 40k.', related: { type: 'record', id: contract } }),
      owner.post('/notes', { body: 'Keys with the porter.', related: { type: 'record', id: lease } }),
      owner.post('/tasks', { title: 'Renegotiate the penalty clause', related: { type: 'record', id: contract } }),
      owner.post('/tasks', { title: 'Inspect the flat', related: { type: 'record', id: lease } }),
    ]);
    expect(created.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    const [secretNote, leaseNote, secretTask, leaseTask] = created.map((response) => response.body.id as string);
    const member = await stack.as(owner, 'member');
    const manager = await stack.as(owner, 'manager');

    const ids = async (response: Promise<{ body: { data: Array<{ id: string }> } }>) => (await response).body.data.map((row) => row.id).sort();
    expect(await ids(member.get('/notes'))).toStrictEqual([leaseNote]);
    expect(await ids(member.get(`/notes?relatedType=record&relatedId=${contract}`))).toStrictEqual([]);
    expect(await ids(member.get('/tasks'))).toStrictEqual([leaseTask]);
    expectError(await member.get(`/notes/${secretNote}`), 403);
    expectError(await member.get(`/tasks/${secretTask}`), 403);
    expectError(await manager.patch(`/tasks/${secretTask}`, { status: 'done' }), 403);
    expectError(await manager.delete(`/notes/${secretNote}`), 403);
    expectError(await manager.post('/notes', { body: 'Seen it.', related: { type: 'record', id: contract } }), 403);
    expectError(await manager.post('/tasks', { title: 'Call them', related: { type: 'record', id: contract } }), 403);
    expectError(await manager.patch(`/tasks/${leaseTask}`, { related: { type: 'record', id: contract } }), 403);
    const keyOfLease = await stack.apiKey(owner, ['notes:read', 'records:read:lease']);
    expect(await ids(keyOfLease.get('/notes'))).toStrictEqual([leaseNote]);

    // Nothing changed; the owner and a key with plain records:read see all of it.
    expect((await owner.get(`/tasks/${secretTask}`)).body.status).toBe('open');
    expect((await owner.get(`/tasks/${leaseTask}`)).body.related).toEqual({ type: 'record', id: lease });
    expect((await owner.get(`/notes/${secretNote}`)).body.deletedAt).toBeNull();
    expect(await ids(owner.get('/notes'))).toStrictEqual([secretNote, leaseNote].sort());
    expect(await ids((await stack.apiKey(owner, ['notes:read', 'records:read'])).get('/notes'))).toStrictEqual([secretNote, leaseNote].sort());
  });

  it('applies to imports and exports of the object’s records', async () => {
    const owner = await stack.signUp();
    expect((await owner.post('/objects', { ...CONTRACT, access: { manager: 'read' } })).status).toBe(201);
    const manager = await stack.as(owner, 'manager');
    expectError(await importForm(manager, { entity: 'records', object: 'contract' }), 403);
    const exported = await manager.post('/exports', { entity: 'records', object: 'contract', format: 'csv' });
    expect(exported.status).toBe(202);
    expect((await owner.patch('/objects/contract', { access: { manager: 'none' } })).status).toBe(200);
    expectError(await manager.post('/exports', { entity: 'records', object: 'contract', format: 'csv' }), 403);
    const rows = await stack.owner.query('SELECT count(*)::int AS n FROM crm.imports WHERE workspace_id = $1', [owner.workspaceId]);
    expect(rows[0].n).toBe(0);
    // The owner is never narrowed.
    expect((await importForm(owner, { entity: 'records', object: 'contract' })).status).toBe(202);
  });

  it('limits an API key to the objects its records:read:<object> and records:write:<object> scopes name', async () => {
    const owner = await stack.signUp();
    expect((await owner.post('/objects', CONTRACT)).status).toBe(201);
    expect((await owner.post('/objects', { ...CONTRACT, key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases' })).status).toBe(201);
    const contract = (await owner.post('/objects/contract/records', { values: { name: 'Master agreement' } })).body.id;
    const lease = (await owner.post('/objects/lease/records', { values: { name: 'Flat 1' } })).body.id;

    const reader = await stack.apiKey(owner, ['objects:read', 'records:read:contract', 'exports:write']);
    expect((await reader.get('/objects')).body.data.map((object: { key: string }) => object.key)).toEqual(['contract']);
    expectError(await reader.get('/objects/lease'), 404);
    expect((await reader.get(`/objects/contract/records/${contract}`)).body.values).toEqual({ name: 'Master agreement' });
    expect((await reader.get('/objects/contract/records')).status).toBe(200);
    expectError(await reader.get('/objects/lease/records'), 403);
    expectError(await reader.get(`/objects/lease/records/${lease}`), 403);
    expectError(await reader.post('/objects/contract/records', { values: { name: 'Side letter' } }), 403);
    expect((await reader.post('/exports', { entity: 'records', object: 'contract', format: 'csv' })).status).toBe(202);
    expectError(await reader.post('/exports', { entity: 'records', object: 'lease', format: 'csv' }), 403);

    const writer = await stack.apiKey(owner, ['records:write:lease']);
    expect((await writer.post('/objects/lease/records', { values: { name: 'Flat 2' } })).status).toBe(201);
    expectError(await writer.patch(`/objects/contract/records/${contract}`, { values: { name: 'Changed' } }), 403);
    expectError(await writer.delete(`/objects/contract/records/${contract}`), 403);
    // Without records:read:lease it writes the object's records but reads none of them.
    expectError(await writer.get(`/objects/lease/records/${lease}`), 403);

    // Plain records:* still cover every object.
    const everything = await stack.apiKey(owner, ['objects:read', 'records:read']);
    expect((await everything.get('/objects?sort=key')).body.data.map((object: { key: string }) => object.key)).toEqual(['contract', 'lease']);
    expect((await everything.get(`/objects/lease/records/${lease}`)).status).toBe(200);
    expect((await owner.get(`/objects/contract/records/${contract}`)).body.values).toEqual({ name: 'Master agreement' });
  });

  it('refuses an API key scope that is not a permission a key may hold nor records:read|write:<object key>, creating no key', async () => {
    const owner = await stack.signUp();
    for (const scope of ['records:read:Contract', 'records:delete:contract', 'contacts:read:contract', 'records:read:', 'records:read:contract:x']) {
      expectError(await owner.post('/api-keys', { name: 'bad', scopes: [scope] }), 422, 'scopes');
    }
    expect((await owner.get('/api-keys')).body.data).toEqual([]);
    const created = await owner.post('/api-keys', { name: 'good', scopes: ['records:read:contract', 'records:write:contract'] });
    expect(created.status).toBe(201);
    expect(created.body.apiKey.scopes).toEqual(['records:read:contract', 'records:write:contract']);
  });
});
