import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { expectError, startCrmStack, type Caller, type CrmStack } from '../../crm/test/support.js';

/**
 * Avatars uploaded as files: POST /files stores the image (crm), PATCH /me names it (auth asks crm
 * over NATS whether it is a live image of the workspace), GET /me and the members list return it,
 * GET /files/:id/thumbnail serves it.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('avatars', () => {
  let stack: CrmStack;
  let owner: Caller;
  let other: Caller;

  async function upload(caller: Caller, bytes: Buffer, name: string): Promise<{ id: string; contentType: string }> {
    const body = new FormData();
    body.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
    const response = await fetch(`${stack.api}/files`, { method: 'POST', headers: { authorization: `Bearer ${caller.token}` }, body });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; contentType: string };
  }

  function image(): Promise<Buffer> {
    return sharp({ create: { width: 64, height: 64, channels: 3, background: '#cc6633' } })
      .png()
      .toBuffer();
  }

  beforeAll(async () => {
    stack = await startCrmStack('avatars');
    owner = await stack.signUp('avatars');
    other = await stack.signUp('avatars-other');
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('takes an uploaded image as the avatar, returns it on GET /me and in the members list, and serves its thumbnail', async () => {
    const file = await upload(owner, await image(), 'me.png');
    expect(file.contentType).toBe('image/png');

    const updated = await owner.patch('/me', { avatarFileId: file.id });
    expect(updated.status).toBe(200);
    expect(updated.body.avatarFileId).toBe(file.id);
    expect((await owner.get('/me')).body).toMatchObject({ avatarFileId: file.id, avatarUrl: null });
    const members = await owner.get('/users');
    expect(members.body.data.find((user: { id: string }) => user.id === owner.userId).avatarFileId).toBe(file.id);

    const thumbnail = await fetch(`${stack.api}/files/${file.id}/thumbnail`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 64, height: 64 });

    // The URL avatar is separate: setting one leaves the file, and null clears only the file.
    const both = await owner.patch('/me', { avatarUrl: 'https://cdn.example.com/a.png' });
    expect(both.body).toMatchObject({ avatarFileId: file.id, avatarUrl: 'https://cdn.example.com/a.png' });
    const cleared = await owner.patch('/me', { avatarFileId: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ avatarFileId: null, avatarUrl: 'https://cdn.example.com/a.png' });
    expect((await owner.get('/me')).body.avatarFileId).toBeNull();
  });

  it('refuses with 422 naming avatarFileId a PDF, another workspace’s file, a deleted file, a made-up id and a non-UUID, and changes nothing', async () => {
    const kept = await upload(owner, await image(), 'kept.png');
    expect((await owner.patch('/me', { avatarFileId: kept.id })).status).toBe(200);

    const pdf = await upload(owner, PDF, 'cv.pdf');
    expect(pdf.contentType).toBe('application/pdf');
    const foreign = await upload(other, await image(), 'theirs.png');
    const deleted = await upload(owner, await image(), 'gone.png');
    expect((await owner.delete(`/files/${deleted.id}`)).status).toBe(204);

    for (const avatarFileId of [pdf.id, foreign.id, deleted.id, randomUUID(), 'not-a-uuid', 42]) {
      const refused = await owner.patch('/me', { name: 'Changed', avatarFileId });
      expectError(refused, 422, 'avatarFileId');
    }
    const me = (await owner.get('/me')).body;
    expect(me.avatarFileId).toBe(kept.id);
    expect(me.name).not.toBe('Changed');
  });
});
