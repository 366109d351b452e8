// `make restore BACKUP=<folder>`: puts a backup of scripts/backup.mjs into an EMPTY installation.
//
//   node scripts/restore.mjs <folder>
//
// Target: the same variables the services read (<SERVICE>_DATABASE_URL or DATABASE_URL, NATS_URL,
// NATS_NAMESPACE, which may differ from the backup's); the database role must be a superuser (row-level
// security is forced on the tables, and objects go back to their owners). Run it with the services stopped, then start
// them (their migrations find the schemas up to date). It refuses a target that already holds a
// schema or a stream of its own. Order: database, then streams, then files (docs/operations.md#restore).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import pg from 'pg';
import { deadLetterStreamName, eventStreamName } from '../libs/messaging/dist/events/stream.js';
import { ensureRuntimeRole } from '../libs/persistence/dist/data-source.js';
import { ATTACHMENTS_OPTIONS, FileStore } from '../libs/platform/dist/files/file-store.js';
import { databaseUrlOf, redactUrl } from './backup-common.mjs';

const run = promisify(execFile);
const folder = process.argv[2];
if (!folder) {
  process.stderr.write('usage: node scripts/restore.mjs <backup folder>\n');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
if (manifest.format !== 1) throw new Error(`unknown backup format ${manifest.format}`);
const namespace = process.env.NATS_NAMESPACE ?? '';
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const PUBLISHES_IN_FLIGHT = 100;

/** Subjects carry the namespace of their installation: `old.events.…` becomes `new.events.…`. */
const renamespace = (subject) => namespace + (subject.startsWith(manifest.namespace) ? subject.slice(manifest.namespace.length) : subject);

function verify(entry) {
  const digest = createHash('sha256')
    .update(readFileSync(join(folder, entry.file)))
    .digest('hex');
  if (digest !== entry.sha256) throw new Error(`${entry.file} is damaged: its SHA-256 differs from the manifest's`);
}

function* streamLines(stream) {
  for (const line of readFileSync(join(folder, stream.file), 'utf8').split('\n')) if (line) yield JSON.parse(line);
}

/** Ids of the events the restored stream holds; an outbox row marked published but not among them is published again. */
function restoredEventIds() {
  const events = manifest.jetstream.find((stream) => stream.kind === 'events');
  if (!events) return [];
  return [...streamLines(events)].map((message) => message.headers['Nats-Msg-Id']?.[0]).filter(Boolean);
}

async function restoreDatabase() {
  const eventIds = restoredEventIds();
  for (const extension of manifest.postgres.extensions) {
    const client = new pg.Client({ connectionString: databaseUrlOf(manifest.postgres.services[0].service) });
    await client.connect();
    await client.query(`CREATE EXTENSION IF NOT EXISTS "${extension}" WITH SCHEMA public`).finally(() => client.end());
  }
  for (const entry of manifest.postgres.services) {
    verify(entry);
    const url = databaseUrlOf(entry.service);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [entry.schema]);
      if (existing.rows.length > 0) throw new Error(`schema "${entry.schema}" already exists at ${redactUrl(url)}: restore into an empty database`);
      // The dump grants the service's runtime role its privileges; a new server may not have the role yet.
      await ensureRuntimeRole(client, entry.schema);
      // Objects keep their owners (the roles that ran the migrations), which the auth policies name.
      await run('pg_restore', ['--exit-on-error', '--single-transaction', `--dbname=${url}`, join(folder, entry.file)], { maxBuffer: 16 * 1024 * 1024 });
      const republished = await client.query(
        `UPDATE "${entry.schema}".outbox SET published_at = NULL WHERE published_at IS NOT NULL AND NOT (id = ANY($1::uuid[]))`,
        [eventIds],
      );
      process.stdout.write(`restored schema ${entry.schema}${republished.rowCount ? ` (${republished.rowCount} events to publish again)` : ''}\n`);
    } finally {
      await client.end();
    }
  }
}

async function restoreStream(jsm, js, stream) {
  verify(stream);
  const name = stream.kind === 'events' ? eventStreamName(namespace) : deadLetterStreamName(namespace);
  const existing = await jsm.streams.info(name).catch(() => null);
  if (existing && existing.state.messages > 0)
    throw new Error(`stream ${name} already holds ${existing.state.messages} messages: restore into a fresh NATS or namespace`);
  const config = {
    subjects: stream.subjects.map(renamespace),
    retention: stream.retention,
    storage: stream.storage,
    max_age: stream.maxAgeNanos,
    duplicate_window: stream.duplicateWindowNanos,
  };
  if (existing) await jsm.streams.update(name, config);
  else await jsm.streams.add({ name, ...config });
  let inFlight = [];
  for (const message of streamLines(stream)) {
    const headers = natsHeaders();
    for (const [key, values] of Object.entries(message.headers)) {
      for (const value of values) headers.append(key, key === 'Kinship-Original-Subject' ? renamespace(value) : value);
    }
    inFlight.push(js.publish(renamespace(message.subject), Buffer.from(message.data, 'base64'), { headers }));
    if (inFlight.length >= PUBLISHES_IN_FLIGHT) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  process.stdout.write(`restored ${stream.messages} messages into ${name}\n`);
}

/** A bucket of the manifest (absent in backups made before it was copied), opened with `options` as its services open it. */
async function restoreBucket(nats, entry, label, options) {
  if (!entry || entry.objects.length === 0) return;
  const files = await FileStore.open(nats, { namespace, ...options });
  for (const object of entry.objects) {
    verify(object);
    await files.put(object.key, createReadStream(join(folder, object.file)), object.metadata);
  }
  process.stdout.write(`restored ${entry.objects.length} ${label}\n`);
}

await restoreDatabase();
const nats = await connect({ servers: natsUrl.split(','), name: 'kinship-restore' });
try {
  const jsm = await jetstreamManager(nats);
  const js = jetstream(nats);
  for (const stream of manifest.jetstream) await restoreStream(jsm, js, stream);
  await restoreBucket(nats, manifest.files, 'files', { ttlDays: manifest.files.ttlDays ?? 7 });
  await restoreBucket(nats, manifest.attachments, 'attachments', ATTACHMENTS_OPTIONS);
} finally {
  await nats.close();
}
process.stdout.write(`restore of ${folder} done; start the services\n`);
