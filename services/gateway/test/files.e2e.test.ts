import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Readable } from 'node:stream';
import { ATTACHMENTS_BUCKET, ATTACHMENTS_OPTIONS, FileStore, filesBucketName, type RunningService } from '@kinship/platform';
import { startTestService } from '@kinship/testing';
import sharp from 'sharp';
import { billingService } from '../../billing/src/billing.service.js';
import { FileSweeper } from '../../crm/src/files/file-sweep.js';
import { eventually, expectError, startCrmStack, type Caller, type CrmStack } from '../../crm/test/support.js';
import { startGateway } from '../src/gateway.js';

/**
 * Files through the public API, against auth, crm, the gateway, PostgreSQL and the NATS object
 * store: uploads streamed in, downloads with the detected type, attachments that follow their
 * records' workspace and permissions, the quota, and uploads refused or broken half-way, which
 * leave neither an object nor a row.
 */
const MiB = 1024 * 1024;
/** crm's quota in this suite: every workspace may keep 3 MiB. */
const QUOTA = 3 * MiB;
/** The second gateway's FILES_MAX_BYTES. */
const SMALL_LIMIT = MiB;

/** A PNG signature and header whose pixel data libpng cannot read: detected as image/png, but no thumbnail. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);

/** The first bytes of a Windows executable ("MZ", the DOS stub), padded. */
function executable(): Buffer {
  const bytes = Buffer.alloc(2048, 0x90);
  bytes.write('MZ', 0, 'latin1');
  return bytes;
}

interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
  json: any;
}

/** A reply as expectError reads it. */
function reply(response: Reply): { status: number; body: any; headers: Headers } {
  return { status: response.status, body: response.json, headers: response.headers };
}

describe('files', () => {
  let stack: CrmStack;
  let small: RunningService;
  let billing: RunningService;
  let owner: Caller;
  let other: Caller;
  let nats: NatsConnection;
  let streams: JetStreamManager;

  async function send(
    api: string,
    caller: Caller | { token: string },
    method: string,
    path: string,
    body?: RequestInit['body'],
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const response = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${caller.token}`, ...headers }, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = (response.headers.get('content-type') ?? '').includes('json') && bytes.length ? JSON.parse(bytes.toString()) : undefined;
    return { status: response.status, headers: response.headers, bytes, json };
  }

  function form(bytes: Buffer, name: string, type = 'application/octet-stream', field = 'file'): FormData {
    const body = new FormData();
    body.append(field, new Blob([bytes], { type }), name);
    return body;
  }

  function upload(caller: Caller, bytes: Buffer, name: string, options: { path?: string; type?: string; api?: string } = {}): Promise<Reply> {
    return send(options.api ?? stack.api, caller, 'POST', options.path ?? '/files', form(bytes, name, options.type));
  }

  /** Messages in the attachments bucket's stream: every chunk and every object's metadata. */
  async function storedMessages(): Promise<number> {
    const info = await streams.streams.info(`OBJ_${filesBucketName(stack.environment.natsNamespace, ATTACHMENTS_BUCKET)}`);
    return info.state.messages;
  }

  async function fileRows(workspaceId: string): Promise<Array<{ id: string; size: string; deleted_at: Date | null }>> {
    return stack.owner.query('SELECT id, size, deleted_at FROM crm.files WHERE workspace_id = $1 ORDER BY created_at', [workspaceId]);
  }

  async function contact(caller: Caller, email: string): Promise<string> {
    const created = await caller.post('/contacts', { firstName: 'File', lastName: 'Holder', email });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  beforeAll(async () => {
    stack = await startCrmStack('files', { FILES_QUOTA_BYTES: String(QUOTA) });
    small = await startGateway({ ...stack.environment.env, FILES_MAX_BYTES: String(SMALL_LIMIT) });
    billing = await startTestService(billingService, stack.environment);
    owner = await stack.signUp('files');
    other = await stack.signUp('files-other');
    nats = await connect({ servers: stack.environment.natsUrl });
    streams = await jetstreamManager(nats);
  }, 60_000);

  afterAll(async () => {
    await small?.close();
    await billing?.close();
    await nats?.close();
    await stack?.close();
  });

  it('uploads a file, streamed, and downloads it with the type detected from its bytes, RFC 6266 filename* and nosniff', async () => {
    const created = await upload(owner, PNG, 'Über (pixel) €.txt', { type: 'text/plain' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Über (pixel) €.txt', contentType: 'image/png', size: PNG.length, createdBy: owner.userId, attachedTo: [] });

    const download = await send(stack.api, owner, 'GET', `/files/${created.json.id}`);
    expect(download.status).toBe(200);
    expect(download.bytes.equals(PNG)).toBe(true);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="_ber (pixel) _.txt"; filename*=UTF-8''%C3%9Cber%20%28pixel%29%20%E2%82%AC.txt`,
    );
    expect(download.headers.get('content-length')).toBe(String(PNG.length));
  });

  it('stores an executable named .png as what its bytes are, and serves it as such', async () => {
    const created = await upload(owner, executable(), 'holiday.png', { type: 'image/png' });
    expect(created.status).toBe(201);
    expect(created.json.contentType).toBe('application/x-msdownload');
    const download = await send(stack.api, owner, 'GET', `/files/${created.json.id}`);
    expect(download.headers.get('content-type')).toBe('application/x-msdownload');
    expect(download.headers.get('content-disposition')).toContain('filename="holiday.png"');
    expect(download.bytes.equals(executable())).toBe(true);
  });

  it('serves HTML as text, never as a page', async () => {
    const created = await upload(owner, Buffer.from('<html><script>alert(document.cookie)</script></html>'), 'page.html', { type: 'text/html' });
    expect(created.json.contentType).toBe('text/plain; charset=utf-8');
    const download = await send(stack.api, owner, 'GET', `/files/${created.json.id}`);
    expect(download.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(download.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('refuses a file over FILES_MAX_BYTES with 413 in the envelope, and leaves no object and no row', async () => {
    const caller = await stack.signUp('files-large');
    const before = await storedMessages();
    const refused = await upload(caller, Buffer.alloc(SMALL_LIMIT + 1, 7), 'big.bin', { api: `${small.url}/api/v1` });
    expectError(reply(refused), 413, 'file');
    expect(refused.json.error.code).toBe('payload_too_large');
    expect(await storedMessages()).toBe(before);
    expect(await fileRows(caller.workspaceId)).toEqual([]);

    const fits = await upload(caller, Buffer.alloc(SMALL_LIMIT, 7), 'fits.bin', { api: `${small.url}/api/v1` });
    expect(fits.status).toBe(201);
    expect(fits.json.size).toBe(SMALL_LIMIT);
  });

  it('keeps each workspace under its quota: usage on GET /files/usage, 413 quota_exceeded over it, nothing stored', async () => {
    const caller = await stack.signUp('files-quota');
    expect((await caller.get('/files/usage')).body).toEqual({ used: 0, quota: QUOTA, available: QUOTA, files: 0 });
    const first = await upload(caller, Buffer.alloc(2 * MiB, 1), 'two.bin');
    expect(first.status).toBe(201);
    expect((await caller.get('/files/usage')).body).toEqual({ used: 2 * MiB, quota: QUOTA, available: MiB, files: 1 });

    const before = await storedMessages();
    const refused = await upload(caller, Buffer.alloc(MiB + 1, 2), 'over.bin');
    expect(refused.status).toBe(413);
    expect(refused.json.error.code).toBe('quota_exceeded');
    expect(await storedMessages()).toBe(before);
    expect((await fileRows(caller.workspaceId)).length).toBe(1);

    // Deleting frees its bytes; the rest fits again.
    expect((await caller.delete(`/files/${first.json.id}`)).status).toBe(204);
    expect((await caller.get('/files/usage')).body).toMatchObject({ used: 0, available: QUOTA, files: 0 });
    expect((await upload(caller, Buffer.alloc(MiB + 1, 2), 'over.bin')).status).toBe(201);
    // Another workspace's use is its own.
    expect((await other.get('/files/usage')).body.used).toBe(0);
  });

  it('leaves no object and no row behind when the client goes away half-way through an upload', async () => {
    const caller = await stack.signUp('files-abort');
    const before = await storedMessages();
    const url = new URL(`${stack.api}/files`);
    const boundary = 'kinship-abort-boundary';
    await new Promise<void>((resolve) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${caller.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        },
        () => resolve(),
      );
      request.on('error', () => resolve());
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      request.write(Buffer.alloc(512 * 1024, 3));
      // Long enough for the gateway to have stored chunks of it.
      void sleep(300).then(() => {
        request.destroy();
        resolve();
      });
    });
    await eventually(async () => (await storedMessages()) === before, 10_000);
    expect(await fileRows(caller.workspaceId)).toEqual([]);
  });

  it('refuses bodies that are not an upload: not multipart 415, no file part 422, broken multipart 400', async () => {
    const json = await send(stack.api, owner, 'POST', '/files', JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    const noFile = new FormData();
    noFile.append('name', 'nothing');
    const missing = await send(stack.api, owner, 'POST', '/files', noFile);
    expectError(reply(missing), 422, 'file');
    const broken = await send(stack.api, owner, 'POST', '/files', '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc', {
      'content-type': 'multipart/form-data; boundary=x',
    });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('malformed_multipart');
  });

  it('attaches an upload or an existing file to a record, lists the record’s files page by page, and deletes softly', async () => {
    const contactId = await contact(owner, 'files-attach@example.com');
    const onContact = await upload(owner, PNG, 'contact.png', { path: `/contacts/${contactId}/files` });
    expect(onContact.status).toBe(201);
    expect(onContact.json.attachedTo).toEqual([{ type: 'contact', id: contactId }]);

    const loose = await upload(owner, Buffer.from('minutes of the meeting'), 'minutes.txt');
    const attached = await send(stack.api, owner, 'POST', `/contacts/${contactId}/files`, JSON.stringify({ fileId: loose.json.id }), {
      'content-type': 'application/json',
    });
    expect(attached.status).toBe(201);
    expect(attached.json).toMatchObject({ id: loose.json.id, attachedTo: [{ type: 'contact', id: contactId }] });
    // Attaching again changes nothing.
    const again = await send(stack.api, owner, 'POST', `/contacts/${contactId}/files`, JSON.stringify({ fileId: loose.json.id }), {
      'content-type': 'application/json',
    });
    expect(again.json.attachedTo).toHaveLength(1);

    const first = await owner.get(`/contacts/${contactId}/files?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((file: { id: string }) => file.id)).toEqual([loose.json.id]);
    const second = await owner.get(`/contacts/${contactId}/files?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toMatchObject({ data: [{ id: onContact.json.id }], nextCursor: null });
    expectError(await owner.get(`/contacts/${contactId}/files?cursor=bogus`), 400, 'cursor');

    expect((await owner.delete(`/files/${loose.json.id}`)).status).toBe(204);
    expect((await owner.get(`/contacts/${contactId}/files`)).body.data.map((file: { id: string }) => file.id)).toEqual([onContact.json.id]);
    expectError(await owner.get(`/files/${loose.json.id}`), 404);
    expectError(await owner.delete(`/files/${loose.json.id}`), 404);
    const [row] = await stack.owner.query('SELECT deleted_at FROM crm.files WHERE id = $1', [loose.json.id]);
    expect(row.deleted_at).toBeInstanceOf(Date);
  });

  it('attaches to deals, tickets and notes too, each answering 404 for an unknown record before reading the upload', async () => {
    const contactId = await contact(owner, 'files-records@example.com');
    const pipeline = (await owner.get('/pipelines')).body.data[0];
    const deal = await owner.post('/deals', { name: 'Files deal', amount: 1000, currency: 'EUR', pipelineId: pipeline.id, stageId: pipeline.stages[0].id });
    const ticket = await owner.post('/tickets', { subject: 'Broken printer', contactId });
    const note = await owner.post('/notes', { body: 'See the attachment', related: { type: 'contact', id: contactId } });
    const company = await owner.post('/companies', { name: 'Files Ltd' });
    for (const [path, id] of [
      ['deals', deal.body.id],
      ['tickets', ticket.body.id],
      ['notes', note.body.id],
      ['companies', company.body.id],
    ] as const) {
      expect(id).toEqual(expect.any(String));
      const created = await upload(owner, PNG, `${path}.png`, { path: `/${path}/${id}/files` });
      expect(created.status).toBe(201);
      expect((await owner.get(`/${path}/${id}/files`)).body.data.map((file: { id: string }) => file.id)).toEqual([created.json.id]);
    }
    const before = await storedMessages();
    expectError(reply(await upload(owner, PNG, 'nowhere.png', { path: '/deals/00000000-0000-4000-8000-000000000000/files' })), 404);
    expect(await storedMessages()).toBe(before);
  });

  it('keeps workspaces apart: another workspace’s records and files are 404, and nothing is stored', async () => {
    const contactId = await contact(owner, 'files-private@example.com');
    const secret = await upload(owner, PNG, 'secret.png', { path: `/contacts/${contactId}/files` });
    const before = await storedMessages();
    const rowsBefore = await fileRows(other.workspaceId);

    expectError(reply(await upload(other, PNG, 'intruder.png', { path: `/contacts/${contactId}/files` })), 404);
    expectError(
      reply(
        await send(stack.api, other, 'POST', `/contacts/${contactId}/files`, JSON.stringify({ fileId: secret.json.id }), {
          'content-type': 'application/json',
        }),
      ),
      404,
    );
    expectError(await other.get(`/contacts/${contactId}/files`), 404);
    expectError(reply(await send(stack.api, other, 'GET', `/files/${secret.json.id}`)), 404);
    expectError(await other.delete(`/files/${secret.json.id}`), 404);
    // A file of its own cannot be attached to the owner's contact, nor the owner's file to its own contact.
    const own = await upload(other, PNG, 'own.png');
    const ownContact = await contact(other, 'files-theirs@example.com');
    expectError(
      reply(
        await send(stack.api, other, 'POST', `/contacts/${ownContact}/files`, JSON.stringify({ fileId: secret.json.id }), {
          'content-type': 'application/json',
        }),
      ),
      404,
    );

    expect(await storedMessages()).toBe(before + 2); // own.png: one chunk and its metadata (PNG's pixel data does not decode: no thumbnail)
    expect((await fileRows(other.workspaceId)).map((row) => row.id)).toEqual([...rowsBefore.map((row) => row.id), own.json.id]);
    expect((await send(stack.api, owner, 'GET', `/files/${secret.json.id}`)).status).toBe(200);
  });

  it('follows the records’ permissions: a key that cannot read deals neither lists a deal’s files nor downloads them', async () => {
    const pipeline = (await owner.get('/pipelines')).body.data[0];
    const deal = await owner.post('/deals', { name: 'Private deal', amount: 500, currency: 'EUR', pipelineId: pipeline.id, stageId: pipeline.stages[0].id });
    const onDeal = await upload(owner, PNG, 'deal.png', { path: `/deals/${deal.body.id}/files` });
    const contactId = await contact(owner, 'files-permissions@example.com');
    // JSON text, so that the API-key caller (which reads every answer as JSON) can read the download.
    const onContact = await upload(owner, Buffer.from('{"minutes":"signed"}'), 'minutes.json', { path: `/contacts/${contactId}/files` });

    const key = await stack.apiKey(owner, ['files:read', 'contacts:read']);
    expect((await key.get(`/deals/${deal.body.id}/files`)).status).toBe(403);
    expect((await key.get(`/contacts/${contactId}/files`)).status).toBe(200);
    expect((await key.get(`/files/${onDeal.json.id}`)).status).toBe(403);
    expect(await key.get(`/files/${onContact.json.id}`)).toMatchObject({ status: 200, body: { minutes: 'signed' } });

    // Attaching changes the record: a viewer may not, nor upload; a member only to records they own.
    const viewer = await stack.as(owner, 'viewer');
    expect((await upload(viewer, PNG, 'viewer.png')).status).toBe(403);
    expect((await upload(viewer, PNG, 'viewer.png', { path: `/contacts/${contactId}/files` })).status).toBe(403);
    const member = await stack.as(owner, 'member');
    expect((await upload(member, PNG, 'member.png', { path: `/deals/${deal.body.id}/files` })).status).toBe(403);
    const mine = await upload(member, PNG, 'member.png');
    expect(mine.status).toBe(201);
    expect((await member.delete(`/files/${onContact.json.id}`)).status).toBe(403);
    expect((await member.delete(`/files/${mine.json.id}`)).status).toBe(204);
  });

  it('answers 404 for ids that are not UUIDs and 422 for an attach body without a file id', async () => {
    expectError(await owner.get('/files/not-a-uuid'), 404);
    expectError(await owner.delete('/files/not-a-uuid'), 404);
    const contactId = await contact(owner, 'files-bad@example.com');
    expectError(await owner.post(`/contacts/${contactId}/files`, { fileId: 'nope' }), 422, 'fileId');
    expectError(await owner.post(`/contacts/${contactId}/files`, { fileId: '00000000-0000-4000-8000-000000000000' }), 404);
  });

  it('attaches files to invoices, which billing vouches for: billing’s permissions, 404 for another workspace’s invoice', async () => {
    const contactId = await contact(owner, 'files-invoice@example.com');
    const invoice = await owner.post('/invoices', {
      customer: { contactId },
      currency: 'EUR',
      lines: [{ description: 'Workshop', quantity: 1, unitPrice: 50_000 }],
    });
    expect(invoice.status).toBe(201);
    const path = `/invoices/${invoice.body.id}/files`;

    const created = await upload(owner, PNG, 'signed-order.png', { path });
    expect(created.status).toBe(201);
    expect(created.json.attachedTo).toEqual([{ type: 'invoice', id: invoice.body.id }]);
    const loose = await upload(owner, Buffer.from('delivery note'), 'delivery.txt');
    const attached = await send(stack.api, owner, 'POST', path, JSON.stringify({ fileId: loose.json.id }), { 'content-type': 'application/json' });
    expect(attached.status).toBe(201);
    expect((await owner.get(path)).body.data.map((file: { id: string }) => file.id)).toEqual([loose.json.id, created.json.id]);

    // billing:read lists and downloads, billing:write attaches: a member reads, only a manager up attaches.
    const member = await stack.as(owner, 'member');
    expect((await member.get(path)).status).toBe(200);
    expect((await send(stack.api, member, 'GET', `/files/${created.json.id}`)).status).toBe(200);
    expect((await upload(member, PNG, 'member.png', { path })).status).toBe(403);
    const manager = await stack.as(owner, 'manager');
    expect((await upload(manager, PNG, 'manager.png', { path })).status).toBe(201);
    const key = await stack.apiKey(owner, ['files:read', 'contacts:read']);
    expect((await key.get(path)).status).toBe(403);
    expect((await key.get(`/files/${created.json.id}`)).status).toBe(403);

    // Another workspace's invoice, and one that does not exist, are 404 before the upload is read.
    const before = await storedMessages();
    const rowsBefore = await fileRows(other.workspaceId);
    expectError(reply(await upload(other, PNG, 'intruder.png', { path })), 404);
    expectError(await other.get(path), 404);
    const theirs = await upload(other, PNG, 'theirs.png');
    expectError(reply(await send(stack.api, other, 'POST', path, JSON.stringify({ fileId: theirs.json.id }), { 'content-type': 'application/json' })), 404);
    expectError(reply(await upload(owner, PNG, 'nowhere.png', { path: '/invoices/00000000-0000-4000-8000-000000000000/files' })), 404);
    expectError(await owner.get('/invoices/not-a-uuid/files'), 404);
    expectError(await owner.post(path, { fileId: 'nope' }), 422, 'fileId');
    expect(await storedMessages()).toBe(before + 2); // theirs.png only
    expect((await fileRows(other.workspaceId)).length).toBe(rowsBefore.length + 1);
    const attachments = await stack.owner.query(`SELECT file_id FROM crm.file_attachments WHERE record_type = 'invoice' AND record_id = $1`, [invoice.body.id]);
    expect(attachments).toHaveLength(3);
  });

  it('makes a WebP thumbnail of images at upload, 256 px at most, and answers 404 thumbnail_unavailable for other files', async () => {
    const wide = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toBuffer();
    const photo = await upload(owner, wide, 'photo.jpg');
    expect(photo.status).toBe(201);
    expect(photo.json.contentType).toBe('image/jpeg');
    const thumbnail = await send(stack.api, owner, 'GET', `/files/${photo.json.id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(thumbnail.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await sharp(thumbnail.bytes).metadata()).toMatchObject({ format: 'webp', width: 256, height: 128 });

    // An image smaller than a thumbnail keeps its size; a GIF's first frame is taken.
    const gif = await sharp({ create: { width: 40, height: 90, channels: 4, background: '#00ff0080' } })
      .gif()
      .toBuffer();
    const small = await upload(owner, gif, 'small.gif');
    expect(small.json.contentType).toBe('image/gif');
    expect(await sharp((await send(stack.api, owner, 'GET', `/files/${small.json.id}/thumbnail`)).bytes).metadata()).toMatchObject({ width: 40, height: 90 });

    // Not an image, and an image that cannot be decoded: stored all the same, without a thumbnail.
    const text = await upload(owner, Buffer.from('just words'), 'words.txt');
    const none = await send(stack.api, owner, 'GET', `/files/${text.json.id}/thumbnail`);
    expectError(reply(none), 404);
    expect(none.json.error.code).toBe('thumbnail_unavailable');
    const broken = Buffer.concat([wide.subarray(0, 400), Buffer.alloc(300, 0xab)]);
    const before = await storedMessages();
    const damaged = await upload(owner, broken, 'damaged.jpg');
    expect(damaged.status).toBe(201);
    expect(damaged.json.contentType).toBe('image/jpeg');
    expect(await storedMessages()).toBe(before + 2); // the file, and no thumbnail
    expect((await send(stack.api, owner, 'GET', `/files/${damaged.json.id}/thumbnail`)).json.error.code).toBe('thumbnail_unavailable');
    expect((await send(stack.api, owner, 'GET', `/files/${damaged.json.id}`)).bytes.equals(broken)).toBe(true);

    // The file's permissions: another workspace gets 404, a deleted file has none.
    expectError(reply(await send(stack.api, other, 'GET', `/files/${photo.json.id}/thumbnail`)), 404);
    expectError(reply(await send(stack.api, owner, 'GET', '/files/not-a-uuid/thumbnail')), 404);
    expect((await owner.delete(`/files/${photo.json.id}`)).status).toBe(204);
    expect((await send(stack.api, owner, 'GET', `/files/${photo.json.id}/thumbnail`)).json.error.code).toBe('not_found');
  });

  it('sweeps the bytes of files deleted past the grace period, and objects no row names once an hour old, from the real object store', async () => {
    const store = await FileStore.open(nats, { namespace: stack.environment.natsNamespace, ...ATTACHMENTS_OPTIONS });
    const sweeper = stack.crm.app.get(FileSweeper);
    const image = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#884422' } })
      .png()
      .toBuffer();
    const kept = await upload(owner, image, 'kept.png');
    const gone = await upload(owner, image, 'gone.png');
    const keyOf = async (id: string): Promise<string> => (await stack.owner.query('SELECT object_key FROM crm.files WHERE id = $1', [id]))[0].object_key;
    const keptKey = await keyOf(kept.json.id);
    const goneKey = await keyOf(gone.json.id);
    expect((await owner.delete(`/files/${gone.json.id}`)).status).toBe(204);
    // What a gateway that died between storing an upload and crm recording it leaves behind.
    const orphan = `files/${randomUUID()}`;
    await store.put(orphan, Readable.from([Buffer.from('never recorded')]));
    await store.put(orphan.replace('files/', 'thumbnails/'), Readable.from([Buffer.from('never recorded either')]));
    const present = async (key: string): Promise<boolean> => (await store.info(key)) !== null;

    // Now: the deleted file is within its 30 days, the orphan younger than an hour; nothing goes.
    await sweeper.sweep();
    for (const key of [keptKey, goneKey, goneKey.replace('files/', 'thumbnails/'), orphan]) expect(await present(key)).toBe(true);
    expect(await fileRows(owner.workspaceId)).toEqual(expect.arrayContaining([expect.objectContaining({ id: gone.json.id })]));

    // 31 days on: the deleted file's bytes, thumbnail and row go, and the orphans; the live file stays whole.
    const result = await sweeper.sweep(new Date(Date.now() + 31 * 24 * 60 * 60 * 1000));
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(result.orphans).toBeGreaterThanOrEqual(2);
    for (const key of [goneKey, goneKey.replace('files/', 'thumbnails/'), orphan, orphan.replace('files/', 'thumbnails/')])
      expect(await present(key)).toBe(false);
    expect(await stack.owner.query('SELECT id FROM crm.files WHERE id = $1', [gone.json.id])).toEqual([]);
    expect(await present(keptKey)).toBe(true);
    expect(await present(keptKey.replace('files/', 'thumbnails/'))).toBe(true);
    const download = await send(stack.api, owner, 'GET', `/files/${kept.json.id}`);
    expect(download.bytes.equals(image)).toBe(true);
    expect((await send(stack.api, owner, 'GET', `/files/${kept.json.id}/thumbnail`)).status).toBe(200);
    // A second sweep finds nothing more of these.
    expect(await sweeper.sweep(new Date(Date.now() + 31 * 24 * 60 * 60 * 1000))).toEqual({ purged: 0, orphans: 0 });
  });
});
