import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertCompany, insertContact, insertDeal } from './related-records.fixtures.js';
import { expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('notes', () => {
  let stack: CrmStack;
  let owner: Caller;
  let contactId: string;

  beforeAll(async () => {
    stack = await startCrmStack('crm-notes');
    owner = await stack.signUp('notes');
    contactId = await insertContact(stack, owner.workspaceId);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function createNote(caller: Caller, body: Record<string, unknown>): Promise<any> {
    const response = await caller.post('/notes', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  async function noteCount(): Promise<number> {
    const rows: Array<{ count: string }> = await stack.owner.query(`SELECT count(*) AS count FROM crm.notes WHERE workspace_id = $1`, [owner.workspaceId]);
    return Number(rows[0]!.count);
  }

  it('creates a note on a contact, company or deal, the caller as author, and emits note.created', async () => {
    const companyId = await insertCompany(stack, owner.workspaceId);
    const { dealId } = await insertDeal(stack, owner.workspaceId);
    for (const related of [
      { type: 'contact', id: contactId },
      { type: 'company', id: companyId },
      { type: 'deal', id: dealId },
    ]) {
      const note = await createNote(owner, { body: 'Met at the Royal Society; wants a demo in March.', related });
      expect(note).toMatchObject({ body: 'Met at the Royal Society; wants a demo in March.', related, authorId: owner.userId, deletedAt: null });
      expect((await owner.get(`/notes/${note.id}`)).body).toEqual(note);
      expect(await outboxEvents(stack, 'note.created', note.id)).toMatchObject([{ actorId: owner.userId, data: { noteId: note.id, related } }]);
    }
  });

  it('keeps a long body whole', async () => {
    const body = 'word '.repeat(19_999);
    expect((await createNote(owner, { body, related: { type: 'contact', id: contactId } })).body).toBe(body);
  });

  it('refuses bad input with 422 naming the field, storing nothing', async () => {
    const before = await noteCount();
    const related = { type: 'contact', id: contactId };
    expectError(await owner.post('/notes', { body: '', related }), 422, 'body');
    expectError(await owner.post('/notes', { body: ' \n ', related }), 422, 'body');
    expectError(await owner.post('/notes', { related }), 422, 'body');
    expectError(await owner.post('/notes', { body: 'x'.repeat(100_001), related }), 422, 'body');
    expectError(await owner.post('/notes', { body: 'No record' }), 422, 'related');
    expectError(await owner.post('/notes', { body: 'x', related: { type: 'lead', id: contactId } }), 422, 'related.type');
    expectError(await owner.post('/notes', { body: 'x', related: { type: 'contact', id: 'ada' } }), 422, 'related.id');
    expect(await noteCount()).toBe(before);
  });

  it('refuses a related record that is missing, deleted or of another workspace with 422 naming related.id', async () => {
    const other = await stack.signUp('notes-related');
    const theirs = await insertContact(stack, other.workspaceId);
    const deleted = await insertContact(stack, owner.workspaceId, { deletedAt: new Date() });
    const before = await noteCount();
    for (const related of [
      { type: 'contact', id: randomUUID() },
      { type: 'contact', id: theirs },
      { type: 'contact', id: deleted },
      { type: 'company', id: contactId },
    ]) {
      expectError(await owner.post('/notes', { body: 'x', related }), 422, 'related.id');
    }
    expect(await noteCount()).toBe(before);
    const note = await createNote(owner, { body: 'Stays put', related: { type: 'contact', id: contactId } });
    expectError(await owner.patch(`/notes/${note.id}`, { related: { type: 'contact', id: theirs } }), 422, 'related.id');
    expect((await owner.get(`/notes/${note.id}`)).body).toEqual(note);
  });

  it('edits the body and the related record, emitting note.updated; an edit changing nothing emits nothing', async () => {
    const note = await createNote(owner, { body: 'First draft', related: { type: 'contact', id: contactId } });
    const companyId = await insertCompany(stack, owner.workspaceId);
    const response = await owner.patch(`/notes/${note.id}`, { body: 'Second draft', related: { type: 'company', id: companyId } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ body: 'Second draft', related: { type: 'company', id: companyId } });
    expect(await outboxEvents(stack, 'note.updated', note.id)).toMatchObject([{ data: { changedFields: ['body', 'related'] } }]);
    await owner.patch(`/notes/${note.id}`, { body: 'Second draft' });
    expect(await outboxEvents(stack, 'note.updated', note.id)).toHaveLength(1);
    expectError(await owner.patch(`/notes/${note.id}`, { body: null }), 422, 'body');
    expectError(await owner.patch(`/notes/${note.id}`, { related: null }), 422, 'related');
  });

  it('soft-deletes and restores', async () => {
    const note = await createNote(owner, { body: 'Short-lived', related: { type: 'contact', id: contactId } });
    expect((await owner.delete(`/notes/${note.id}`)).status).toBe(204);
    expect((await owner.get(`/notes/${note.id}`)).body.deletedAt).toEqual(expect.any(String));
    expect((await owner.get(`/notes?relatedType=contact&relatedId=${contactId}&limit=500`)).body.data.map((row: { id: string }) => row.id)).not.toContain(
      note.id,
    );
    expect((await owner.get('/notes?deleted=true')).body.data.map((row: { id: string }) => row.id)).toContain(note.id);
    expectError(await owner.patch(`/notes/${note.id}`, { body: 'Too late' }), 404);
    const restored = await owner.post(`/notes/${note.id}/restore`);
    expect(restored.body).toMatchObject({ id: note.id, deletedAt: null, body: 'Short-lived' });
    expect(await outboxEvents(stack, 'note.deleted', note.id)).toHaveLength(1);
    expect(await outboxEvents(stack, 'note.restored', note.id)).toHaveLength(1);
  });

  it('answers 404 for an unknown id, a non-UUID id and another workspace’s note', async () => {
    const other = await stack.signUp('notes-other');
    const theirContact = await insertContact(stack, other.workspaceId);
    const theirs = await createNote(other, { body: 'Theirs', related: { type: 'contact', id: theirContact } });
    for (const id of [randomUUID(), 'nope', theirs.id]) {
      expectError(await owner.get(`/notes/${id}`), 404);
      expectError(await owner.patch(`/notes/${id}`, { body: 'Mine' }), 404);
      expectError(await owner.delete(`/notes/${id}`), 404);
      expectError(await owner.post(`/notes/${id}/restore`), 404);
    }
    expect((await other.get(`/notes/${theirs.id}`)).body.body).toBe('Theirs');
  });

  it('lists by related record, newest first by default, with a cursor; a tampered cursor or unknown sort is a 400', async () => {
    const subject = await insertContact(stack, owner.workspaceId);
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await createNote(owner, { body: `Call ${body}`, related: { type: 'contact', id: subject } })).id);
    const first = await owner.get(`/notes?relatedType=contact&relatedId=${subject}&limit=2`);
    expect(first.body.data.map((note: { id: string }) => note.id)).toEqual([ids[2], ids[1]]);
    const second = await owner.get(`/notes?relatedType=contact&relatedId=${subject}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toMatchObject({ data: [{ id: ids[0] }], nextCursor: null });
    expect((await owner.get(`/notes?relatedId=${subject}&sort=createdAt`)).body.data.map((note: { id: string }) => note.id)).toEqual(ids);
    expect((await owner.get(`/notes?relatedId=${subject}&q=thr`)).body.data.map((note: { id: string }) => note.id)).toEqual([ids[2]]);
    expectError(
      await owner.get(`/notes?relatedType=contact&relatedId=${subject}&limit=2&cursor=${encodeURIComponent(`x${first.body.nextCursor}`)}`),
      400,
      'cursor',
    );
    expectError(await owner.get('/notes?sort=body'), 400, 'sort');
    expectError(await owner.get('/notes?relatedType=person'), 400, 'relatedType');
  });

  it('lets members edit and delete only their own notes, managers any, and viewers none', async () => {
    const member = await stack.as(owner, 'member');
    const manager = await stack.as(owner, 'manager');
    const viewer = await stack.as(owner, 'viewer');
    const related = { type: 'contact', id: contactId };
    const ownersNote = await createNote(owner, { body: 'Owner wrote this', related });
    const membersNote = await createNote(member, { body: 'Member wrote this', related });
    expect(membersNote.authorId).toBe(member.userId);

    expect((await member.patch(`/notes/${membersNote.id}`, { body: 'Member edited this' })).status).toBe(200);
    expectError(await member.patch(`/notes/${ownersNote.id}`, { body: 'Hijacked' }), 403);
    expectError(await member.delete(`/notes/${ownersNote.id}`), 403);
    expect((await owner.get(`/notes/${ownersNote.id}`)).body).toEqual(ownersNote);

    expect((await manager.patch(`/notes/${membersNote.id}`, { body: 'Manager tidied this' })).status).toBe(200);
    expect((await manager.delete(`/notes/${ownersNote.id}`)).status).toBe(204);

    expect((await viewer.get(`/notes/${membersNote.id}`)).status).toBe(200);
    expectError(await viewer.post('/notes', { body: 'Viewer note', related }), 403);
    expectError(await viewer.patch(`/notes/${membersNote.id}`, { body: 'x' }), 403);
    expectError(await viewer.delete(`/notes/${membersNote.id}`), 403);
  });
});
