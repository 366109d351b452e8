import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventStreamName } from '@kinship/messaging';
import { FileStore, migrateService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import pg from 'pg';
import { authService } from '../../auth/src/auth.service.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { reportingService } from '../../reporting/src/reporting.service.js';
import { startGateway } from '../src/gateway.js';

// Two installations on the shared servers: the source, backed up with `make backup`'s script and
// then deleted, and an empty one (new database, new NATS namespace) restored with `make restore`'s.
const PASSWORD = 'walnut-harbour-prism-glacier-3';
const REPOSITORY = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

interface Stack {
  services: RunningService[];
  api: string;
  close(): Promise<void>;
}

async function startStack(environment: TestEnvironment): Promise<Stack> {
  const auth = await startTestService(authService, environment);
  const crm = await startTestService(crmService, environment);
  const gateway = await startGateway(environment.env);
  return {
    services: [auth, crm, gateway],
    api: `${gateway.url}/api/v1`,
    async close() {
      for (const service of [gateway, crm, auth]) await service.close();
    },
  };
}

/** Runs scripts/<name>.mjs as `make` does, with only the variables of the installation it works on. */
function script(name: string, environment: TestEnvironment, args: string[]): Promise<{ stdout: string }> {
  const env = { PATH: process.env.PATH!, DATABASE_URL: environment.databaseUrl, NATS_URL: environment.natsUrl, NATS_NAMESPACE: environment.natsNamespace };
  return run('node', [join('scripts', `${name}.mjs`), ...args], { cwd: REPOSITORY, env });
}

async function streamMessages(environment: TestEnvironment): Promise<number> {
  const nats = await connect({ servers: environment.natsUrl });
  try {
    return (await (await jetstreamManager(nats)).streams.info(eventStreamName(environment.natsNamespace))).state.messages;
  } finally {
    await nats.close();
  }
}

describe('backup and restore: a workspace backed up from one installation is whole in an empty one', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kinship-backup-'));
  const email = `owner-${randomBytes(4).toString('hex')}@example.com`;
  const csv = 'Email,First Name,Last Name\nada@example.com,Ada,Lovelace\ngrace@example.com,Grace,Hopper\nnot-an-email,Bad,Row\n';
  let target: TestEnvironment;
  let restored: Stack;
  let importId: string;
  let attachmentId: string;
  const attachment = 'Minutes of the restored meeting\n';
  let eventsBackedUp: number;

  async function call(api: string, method: string, path: string, token: string | undefined, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, text, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  }

  /** Fills a workspace through the API, backs the installation up, and deletes it. */
  async function backUpSource(): Promise<void> {
    const source = await createTestEnvironment('backup-source');
    sourceKeyEncryptionKey = source.env.AUTH_KEY_ENCRYPTION_KEY;
    const stack = await startStack(source);
    try {
      const registered = await call(stack.api, 'POST', '/auth/register', undefined, {
        email,
        password: PASSWORD,
        name: 'Bea Backup',
        workspaceName: 'Backed up',
      });
      expect(registered.status).toBe(201);
      const token = registered.body.accessToken as string;
      for (const name of ['Alan', 'Barbara', 'Claude']) {
        expect(
          (await call(stack.api, 'POST', '/contacts', token, { firstName: name, lastName: 'Source', email: `${name.toLowerCase()}@example.com` })).status,
        ).toBe(201);
      }
      expect((await call(stack.api, 'POST', '/deals', token, { name: 'Restored renewal', amount: 125_000, currency: 'EUR' })).status).toBe(201);
      const form = new FormData();
      form.append('entity', 'contacts');
      form.append('file', new Blob([csv]), 'people.csv');
      const upload = await fetch(`${stack.api}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(upload.status).toBe(202);
      importId = ((await upload.json()) as { id: string }).id;
      for (let status = ''; status !== 'completed'; await sleep(100)) {
        status = (await call(stack.api, 'GET', `/imports/${importId}`, token)).body.status;
        expect(['queued', 'processing', 'running', 'completed']).toContain(status);
      }
      const attachmentForm = new FormData();
      attachmentForm.append('file', new Blob([attachment]), 'minutes.txt');
      const attached = await fetch(`${stack.api}/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: attachmentForm });
      expect(attached.status).toBe(201);
      attachmentId = ((await attached.json()) as { id: string }).id;
      // Every schema exists in a real installation; this one runs only auth, crm and the gateway.
      await migrateService(billingService, source.env);
      await migrateService(notificationsService, source.env);
      await migrateService(reportingService, source.env);
      await script('backup', source, ['--out', folder]);
      eventsBackedUp = await streamMessages(source);
      // Nothing was published after the copy of the stream (it may have been: the restore would publish it again).
      const database = new pg.Client({ connectionString: source.databaseUrl });
      await database.connect();
      const unpublished = await database.query(
        'SELECT id FROM auth.outbox WHERE published_at IS NULL UNION ALL SELECT id FROM crm.outbox WHERE published_at IS NULL',
      );
      await database.end();
      expect({ unpublished: unpublished.rowCount, backedUp: JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')).jetstream[0].messages }).toEqual({
        unpublished: 0,
        backedUp: eventsBackedUp,
      });
    } finally {
      await stack.close();
      await source.dispose();
    }
  }

  let sourceKeyEncryptionKey: string;

  beforeAll(async () => {
    await backUpSource();
    target = await createTestEnvironment('backup-target');
    // The restored signing keys open only with the key they were stored with: it goes with the backup (docs/operations.md).
    target.env.AUTH_KEY_ENCRYPTION_KEY = sourceKeyEncryptionKey;
    await script('restore', target, [folder]);
    restored = await startStack(target);
  }, 240_000);

  afterAll(async () => {
    await restored?.close();
    await target?.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes a manifest of every schema, both streams, the import’s file and the attachment', () => {
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.postgres.services.map((entry: { schema: string }) => entry.schema)).toEqual(['auth', 'crm', 'billing', 'notifications', 'reporting']);
    expect(manifest.postgres.extensions).toContain('pg_trgm');
    expect(manifest.jetstream.map((stream: { kind: string }) => stream.kind)).toEqual(['events', 'deadletter']);
    expect(manifest.jetstream[0].messages).toBe(eventsBackedUp);
    expect(manifest.files.objects).toEqual([
      expect.objectContaining({ size: Buffer.byteLength(csv), metadata: expect.objectContaining({ fileName: 'people.csv' }) }),
    ]);
    expect(manifest.attachments.bucket).toMatch(/kinship-attachments$/);
    expect(manifest.attachments.objects).toEqual([expect.objectContaining({ key: expect.stringMatching(/^files\//), size: Buffer.byteLength(attachment) })]);
  });

  it('restores into an empty database and namespace, where the owner signs in and finds the contacts, the deal and the import', async () => {
    const signedIn = await call(restored.api, 'POST', '/auth/login', undefined, { email, password: PASSWORD });
    expect(signedIn.status).toBe(200);
    const token = signedIn.body.accessToken as string;

    const contacts = await call(restored.api, 'GET', '/contacts?limit=50', token);
    expect(contacts.status).toBe(200);
    expect(contacts.body.data.map((contact: { email: string }) => contact.email).sort()).toEqual([
      'ada@example.com',
      'alan@example.com',
      'barbara@example.com',
      'claude@example.com',
      'grace@example.com',
    ]);
    const deals = await call(restored.api, 'GET', '/deals', token);
    expect(deals.body.data).toEqual([expect.objectContaining({ name: 'Restored renewal', amount: 125_000, currency: 'EUR' })]);
    const imported = await call(restored.api, 'GET', `/imports/${importId}`, token);
    expect(imported.body).toMatchObject({ status: 'completed', created: 2, failed: 1 });
    const errors = await call(restored.api, 'GET', `/imports/${importId}/errors.csv`, token);
    expect(errors.text).toContain('not-an-email');
    // The file on the attachments bucket downloads byte for byte.
    const file = await call(restored.api, 'GET', `/files/${attachmentId}`, token);
    expect(file).toMatchObject({ status: 200, text: attachment });
  });

  it('refuses to restore over an installation that has data', async () => {
    await expect(script('restore', target, [folder])).rejects.toMatchObject({ stderr: expect.stringContaining('schema "auth" already exists') });
    const signedIn = await call(restored.api, 'POST', '/auth/login', undefined, { email, password: PASSWORD });
    expect(signedIn.status).toBe(200);
  });

  it('restores the uploaded file byte for byte, and the events once each', async () => {
    const database = new pg.Client({ connectionString: target.databaseUrl });
    await database.connect();
    const [{ file_key: fileKey }] = (await database.query('SELECT file_key FROM crm.imports WHERE id = $1', [importId])).rows as Array<{ file_key: string }>;
    await database.end();
    const nats = await connect({ servers: target.natsUrl });
    try {
      const file = await (await FileStore.open(nats, { namespace: target.natsNamespace, ttlDays: 7 })).get(fileKey!);
      expect((await buffer(file!.content)).toString()).toBe(csv);
    } finally {
      await nats.close();
    }
    // The services started on the restored data and published nothing twice.
    await sleep(1500);
    expect(await streamMessages(target)).toBe(eventsBackedUp);
  });
});
