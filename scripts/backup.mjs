// `make backup`: a consistent-enough copy of one Kinship installation into a folder with a manifest.
//
//   node scripts/backup.mjs [--out <folder>]      default backups/<UTC time>
//
// Reads the services' own variables: <SERVICE>_DATABASE_URL or DATABASE_URL, NATS_URL, NATS_NAMESPACE.
// The database role must be a superuser or have BYPASSRLS: row-level security is forced on the tables.
// Writes:
//   postgres/<schema>.dump      pg_dump --format=custom of each service's schema (auth, crm, …)
//   jetstream/<stream>.ndjson   every message of the events and dead-letter streams, one JSON line each
//   files/<n>                   every object of the files bucket (import uploads, export results)
//   attachments/<n>             every object of the attachments bucket (files on records, their thumbnails)
//   manifest.json               what was copied, from where, with counts, sizes and SHA-256 digests
// Redis is not copied: it holds queues and caches the database can rebuild (docs/operations.md#backups).
// Runs against the built libs (`make backup` builds first).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Objm } from '@nats-io/obj';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { deadLetterStreamName, eventStreamName } from '../libs/messaging/dist/events/stream.js';
import { ATTACHMENTS_OPTIONS, FileStore, filesBucketName } from '../libs/platform/dist/files/file-store.js';
import { BACKUP_SERVICES, databaseUrlOf, option, redactUrl } from './backup-common.mjs';

const run = promisify(execFile);
const namespace = process.env.NATS_NAMESPACE ?? '';
const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const folder = option('--out') ?? join('backups', new Date().toISOString().replace(/[:.]/g, '-'));

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function dumpDatabase() {
  mkdirSync(join(folder, 'postgres'), { recursive: true });
  const services = [];
  const extensions = new Set();
  for (const service of BACKUP_SERVICES) {
    const url = databaseUrlOf(service);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [service]);
      if (rows.length === 0)
        throw new Error(`schema "${service}" does not exist at ${redactUrl(url)}: run the migrations first, or check ${service.toUpperCase()}_DATABASE_URL`);
      // Extensions live outside the schemas (pg_trgm in public); the restore creates them first.
      for (const row of (await client.query(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'`)).rows) extensions.add(row.extname);
    } finally {
      await client.end();
    }
    const file = join('postgres', `${service}.dump`);
    await run('pg_dump', ['--format=custom', `--schema=${service}`, `--file=${join(folder, file)}`, `--dbname=${url}`], { maxBuffer: 16 * 1024 * 1024 });
    services.push({ service, schema: service, database: redactUrl(url), file, sha256: sha256(join(folder, file)) });
  }
  return { services, extensions: [...extensions].sort() };
}

async function exportStream(jsm, kind, name) {
  const info = await jsm.streams.info(name).catch(() => null);
  if (!info) return null;
  const file = join('jetstream', `${name}.ndjson`);
  const out = createWriteStream(join(folder, file));
  let messages = 0;
  // Read in order up to the last sequence present now; later messages belong to the next backup.
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq += 1) {
    const message = await jsm.streams.getMessage(name, { seq }).catch(() => null);
    if (!message) continue;
    const headers = {};
    for (const [key, values] of message.header ?? []) headers[key] = values;
    const line = { seq: message.seq, subject: message.subject, time: message.time.toISOString(), headers, data: Buffer.from(message.data).toString('base64') };
    if (!out.write(`${JSON.stringify(line)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
    messages += 1;
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  const { config } = info;
  return {
    kind,
    name,
    subjects: config.subjects,
    retention: config.retention,
    storage: config.storage,
    maxAgeNanos: config.max_age,
    duplicateWindowNanos: config.duplicate_window,
    messages,
    firstSeq: info.state.first_seq,
    lastSeq: info.state.last_seq,
    file,
    sha256: sha256(join(folder, file)),
  };
}

/** Every object of a bucket into `dir`; `options` opens the bucket as its services do (without them: the files bucket, whose TTL is read back). */
async function exportBucket(nats, dir, bucketName, options) {
  const bucket = filesBucketName(namespace, bucketName);
  const jsm = await jetstreamManager(nats);
  const bucketInfo = await jsm.streams.info(`OBJ_${bucket}`).catch(() => null);
  if (!bucketInfo) return { bucket, ttlDays: null, objects: [] };
  mkdirSync(join(folder, dir), { recursive: true });
  const store = await new Objm(nats).open(bucket);
  const ttlDays = Math.round(Number(bucketInfo.config.max_age) / (24 * 60 * 60 * 1e9)) || null;
  const files = await FileStore.open(nats, { namespace, ...(options ?? { ttlDays: ttlDays ?? 7 }) });
  const objects = [];
  for (const info of await store.list()) {
    const found = await files.get(info.name);
    if (!found) continue;
    const file = join(dir, String(objects.length + 1));
    await pipeline(found.content, createWriteStream(join(folder, file)));
    objects.push({
      key: info.name,
      metadata: found.file.metadata,
      size: found.file.size,
      storedAt: found.file.storedAt.toISOString(),
      file,
      sha256: sha256(join(folder, file)),
    });
  }
  return { bucket, ttlDays, objects };
}

// Streams and files first, the database last: an event published after its stream was copied is
// still in the dumped outbox, and the restore publishes it again; the other order could restore
// events of changes the database never saw.
mkdirSync(join(folder, 'jetstream'), { recursive: true });
const startedAt = new Date().toISOString();
const nats = await connect({ servers: natsUrl.split(','), name: 'kinship-backup' });
let streams;
let files;
let attachments;
try {
  const jsm = await jetstreamManager(nats);
  streams = (
    await Promise.all([exportStream(jsm, 'events', eventStreamName(namespace)), exportStream(jsm, 'deadletter', deadLetterStreamName(namespace))])
  ).filter(Boolean);
  files = await exportBucket(nats, 'files');
  attachments = await exportBucket(nats, 'attachments', ATTACHMENTS_OPTIONS.bucket, ATTACHMENTS_OPTIONS);
} finally {
  await nats.close();
}
const database = await dumpDatabase();
const manifest = { format: 1, startedAt, finishedAt: new Date().toISOString(), namespace, jetstream: streams, files, attachments, postgres: database };
writeFileSync(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(
  `backup written to ${folder}: ${database.services.length} schemas, ${streams.map((stream) => `${stream.messages} messages of ${stream.name}`).join(', ')}, ${files.objects.length} files, ${attachments.objects.length} attachments\n`,
);
