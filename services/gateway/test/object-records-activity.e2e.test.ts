import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, outboxEvents, startCrmStack, type ApiResponse, type Caller, type CrmStack } from '../../crm/test/support.js';

/**
 * A custom object's record as a full record: notes, tasks and files on it (the features' own
 * rows, related {type: "record", id}) and its timeline, through the public API. Another
 * object's or workspace's record, a deleted one and bad bodies are refused, nothing stored.
 */
const PROPERTY = {
  key: 'property',
  singularLabel: 'Property',
  pluralLabel: 'Properties',
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
    { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
  ],
};

describe('custom object records: notes, tasks, files, timeline', () => {
  let stack: CrmStack;
  let owner: Caller;
  let other: Caller;
  let recordId: string;

  async function count(table: 'notes' | 'tasks' | 'file_attachments', workspaceId: string): Promise<number> {
    const [row] = await stack.owner.query(`SELECT count(*)::int AS count FROM crm.${table} WHERE workspace_id = $1`, [workspaceId]);
    return row.count as number;
  }

  async function upload(caller: Caller, path: string, bytes: Buffer, name: string): Promise<ApiResponse> {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await fetch(`${stack.api}${path}`, { method: 'POST', headers: { authorization: `Bearer ${caller.token}` }, body: form });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  beforeAll(async () => {
    stack = await startCrmStack('object-activity');
    owner = await stack.signUp('object-activity');
    other = await stack.signUp('object-activity-other');
    expect((await owner.post('/objects', PROPERTY)).status).toBe(201);
    expect((await owner.post('/objects', { ...PROPERTY, key: 'boat', singularLabel: 'Boat', pluralLabel: 'Boats' })).status).toBe(201);
    const created = await owner.post('/objects/property/records', { values: { name: 'Mill House', bedrooms: 3 } });
    expect(created.status).toBe(201);
    recordId = created.body.id;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('writes and lists notes on a record, as the notes feature’s own rows', async () => {
    const created = await owner.post(`/objects/property/records/${recordId}/notes`, { body: 'Roof needs work.' });
    expect(created.status).toBe(201);
    const related = { type: 'record', id: recordId };
    expect(created.body).toMatchObject({ body: 'Roof needs work.', related, authorId: owner.userId });
    expect(await outboxEvents(stack, 'note.created', created.body.id)).toMatchObject([{ data: { noteId: created.body.id, related } }]);
    expect((await owner.get(`/notes/${created.body.id}`)).body).toEqual(created.body);

    const direct = await owner.post('/notes', { body: 'Written through /notes.', related });
    expect(direct.status).toBe(201);
    const list = await owner.get(`/objects/property/records/${recordId}/notes`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((note: { id: string }) => note.id)).toEqual([direct.body.id, created.body.id]);
    expect((await owner.get(`/notes?relatedType=record&relatedId=${recordId}`)).body.data).toHaveLength(2);
  });

  it('creates and lists tasks about a record', async () => {
    const created = await owner.post(`/objects/property/records/${recordId}/tasks`, { title: 'Book a surveyor', priority: 'high', assigneeId: owner.userId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Book a surveyor', priority: 'high', related: { type: 'record', id: recordId }, assigneeId: owner.userId });
    expect((await owner.patch(`/tasks/${created.body.id}`, { status: 'done' })).status).toBe(200);
    const list = await owner.get(`/objects/property/records/${recordId}/tasks`);
    expect(list.body.data.map((task: { id: string }) => task.id)).toEqual([created.body.id]);
  });

  it('attaches files to a record, uploaded or by id, and lists them', async () => {
    const uploaded = await upload(owner, `/objects/property/records/${recordId}/files`, Buffer.from('floor plan'), 'plan.txt');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.attachedTo).toEqual([{ type: 'record', id: recordId }]);
    const loose = await upload(owner, '/files', Buffer.from('survey'), 'survey.txt');
    const attached = await owner.post(`/objects/property/records/${recordId}/files`, { fileId: loose.body.id });
    expect(attached.status).toBe(201);
    expect(attached.body.attachedTo).toEqual([{ type: 'record', id: recordId }]);
    const list = await owner.get(`/objects/property/records/${recordId}/files`);
    expect(list.body.data.map((file: { id: string }) => file.id)).toEqual([loose.body.id, uploaded.body.id]);
    const download = await fetch(`${stack.api}/files/${uploaded.body.id}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(await download.text()).toBe('floor plan');
  });

  it('shows creation, updates, notes, tasks and files on the record’s timeline, newest first, paged', async () => {
    expect((await owner.patch(`/objects/property/records/${recordId}`, { values: { bedrooms: 4 } })).status).toBe(200);
    const timeline = await owner.get(`/objects/property/records/${recordId}/timeline`);
    expect(timeline.status).toBe(200);
    const kinds = timeline.body.data.map((entry: { kind: string }) => entry.kind);
    expect(kinds[0]).toBe('record_updated');
    expect(kinds.at(-1)).toBe('record_created');
    expect([...kinds].sort()).toEqual(
      ['file_attached', 'file_attached', 'note', 'note', 'record_created', 'record_updated', 'task_completed', 'task_created'].sort(),
    );
    expect(timeline.body.data[0]).toMatchObject({ subject: { type: 'record', id: recordId }, actorId: owner.userId, data: { changedFields: ['bedrooms'] } });
    const first = await owner.get(`/objects/property/records/${recordId}/timeline?limit=3`);
    const rest = await owner.get(`/objects/property/records/${recordId}/timeline?limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect([...first.body.data, ...rest.body.data]).toEqual(timeline.body.data);

    const viewer = await stack.as(owner, 'viewer');
    expect((await viewer.get(`/objects/property/records/${recordId}/timeline`)).status).toBe(200);
  });

  it('refuses bad bodies with 422 naming the field, storing nothing', async () => {
    const before = [await count('notes', owner.workspaceId), await count('tasks', owner.workspaceId)];
    const path = `/objects/property/records/${recordId}`;
    expectError(await owner.post(`${path}/notes`, { body: ' ' }), 422, 'body');
    expectError(await owner.post(`${path}/notes`, {}), 422, 'body');
    expectError(await owner.post(`${path}/notes`, { body: 'x', related: { type: 'contact', id: randomUUID() } }), 422, 'related');
    expectError(await owner.post(`${path}/tasks`, { title: '' }), 422, 'title');
    expectError(await owner.post(`${path}/tasks`, { title: 'x', priority: 'someday' }), 422, 'priority');
    expectError(await owner.post(`${path}/tasks`, { title: 'x', assigneeId: randomUUID() }), 422, 'assigneeId');
    expectError(await owner.post(`${path}/files`, { fileId: 'nope' }), 422, 'fileId');
    expectError(await owner.post('/notes', { body: 'x', related: { type: 'record', id: randomUUID() } }), 422, 'related.id');
    expect([await count('notes', owner.workspaceId), await count('tasks', owner.workspaceId)]).toEqual(before);
  });

  it('answers 404 for another object’s, another workspace’s, a deleted or an unknown record, storing nothing', async () => {
    const before = [await count('notes', owner.workspaceId), await count('tasks', owner.workspaceId), await count('file_attachments', owner.workspaceId)];
    const gone = await owner.post('/objects/property/records', { values: { name: 'Demolished' } });
    expect((await owner.delete(`/objects/property/records/${gone.body.id}`)).status).toBe(204);
    expect((await other.post('/objects', PROPERTY)).status).toBe(201);
    const loose = await upload(owner, '/files', Buffer.from('deed'), 'deed.txt');
    for (const [caller, path] of [
      [owner, `/objects/boat/records/${recordId}`],
      [owner, `/objects/property/records/${randomUUID()}`],
      [owner, '/objects/property/records/not-a-uuid'],
      [owner, `/objects/castle/records/${recordId}`],
      [other, `/objects/property/records/${recordId}`],
    ] as const) {
      expectError(await caller.get(`${path}/notes`), 404);
      expectError(await caller.get(`${path}/tasks`), 404);
      expectError(await caller.get(`${path}/files`), 404);
      expectError(await caller.get(`${path}/timeline`), 404);
      expectError(await caller.post(`${path}/notes`, { body: 'x' }), 404);
      expectError(await caller.post(`${path}/tasks`, { title: 'x' }), 404);
      expectError(await caller.post(`${path}/files`, { fileId: loose.body.id }), 404);
      expectError(await upload(caller, `${path}/files`, Buffer.from('x'), 'x.txt'), 404);
    }
    const deleted = `/objects/property/records/${gone.body.id}`;
    expectError(await owner.post(`${deleted}/notes`, { body: 'x' }), 404);
    expectError(await owner.post(`${deleted}/tasks`, { title: 'x' }), 404);
    expectError(await owner.post(`${deleted}/files`, { fileId: loose.body.id }), 404);
    expect((await owner.get(`${deleted}/timeline`)).status).toBe(200);
    expect([await count('notes', owner.workspaceId), await count('tasks', owner.workspaceId), await count('file_attachments', owner.workspaceId)]).toEqual(
      before,
    );
  });

  it('lets only callers who may read a record’s object download the files on it', async () => {
    expect(
      (await owner.post('/objects', { ...PROPERTY, key: 'vault', singularLabel: 'Vault', pluralLabel: 'Vaults', access: { viewer: 'none' } })).status,
    ).toBe(201);
    const vault = (await owner.post('/objects/vault/records', { values: { name: 'Deeds' } })).body.id;
    // JSON bytes, so that the suite's JSON-reading client can download them too.
    const secret = await upload(owner, `/objects/vault/records/${vault}/files`, Buffer.from('{"combination":"12-34-56"}'), 'combination.json');
    expect(secret.status).toBe(201);
    const shared = await upload(owner, `/objects/vault/records/${vault}/files`, Buffer.from('{"keys":2}'), 'keys.json');
    expect((await owner.post(`/objects/property/records/${recordId}/files`, { fileId: shared.body.id })).status).toBe(201);

    const viewer = await stack.as(owner, 'viewer');
    const member = await stack.as(owner, 'member');
    expectError(await viewer.get(`/files/${secret.body.id}`), 403);
    expect((await member.get(`/files/${secret.body.id}`)).body).toEqual({ combination: '12-34-56' });
    // A file on a record the viewer may read as well as on the vault's is theirs to download.
    expect((await viewer.get(`/files/${shared.body.id}`)).body).toEqual({ keys: 2 });

    const propertyKey = await stack.apiKey(owner, ['files:read', 'records:read:property']);
    const vaultKey = await stack.apiKey(owner, ['files:read', 'records:read:vault']);
    expectError(await propertyKey.get(`/files/${secret.body.id}`), 403);
    expect((await propertyKey.get(`/files/${shared.body.id}`)).status).toBe(200);
    expect((await vaultKey.get(`/files/${secret.body.id}`)).body).toEqual({ combination: '12-34-56' });
  });

  it('keeps the features’ permissions: a viewer reads but does not write', async () => {
    const viewer = await stack.as(owner, 'viewer');
    const path = `/objects/property/records/${recordId}`;
    expect((await viewer.get(`${path}/notes`)).status).toBe(200);
    expect((await viewer.get(`${path}/files`)).status).toBe(200);
    expectError(await viewer.post(`${path}/notes`, { body: 'x' }), 403);
    expectError(await viewer.post(`${path}/tasks`, { title: 'x' }), 403);
    expectError(await upload(viewer, `${path}/files`, Buffer.from('x'), 'x.txt'), 403);
  });
});
