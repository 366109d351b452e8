// Imports and exports at scale (issue #5): a generated HubSpot-format CSV imported end to end
// through the real gateway (multipart upload into the FileStore) and a crm worker running as its own
// process (so its peak RSS is its own), next to a plain COPY of the same file into a bare table;
// then an export of the workspace's contacts to CSV.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect } from '@nats-io/transport-node';
import { migrateService, FileStore, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService } from '@kinship/testing';
import pg from 'pg';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { fixed, numberFromEnv, print, saveResult, waitUntil } from './lib.js';

const ROWS = numberFromEnv('BENCH_IMPORT_ROWS', 1_000_000);
const HEADERS = ['First Name', 'Last Name', 'Email', 'Phone Number', 'Company Name', 'Lifecycle Stage', 'Lead Status', 'Contact owner'];
const STAGES = ['Lead', 'Subscriber', 'Marketing Qualified Lead', 'Customer'];

/**
 * Row i of the file: every 100th row is bad (an invalid email), the next one repeats the email of
 * a row 50 lines earlier (1% in-file duplicates), and every 10th row (offset 3) is a contact that
 * exists before the import (10% matches). The others are new people.
 */
interface ImportStatus {
  status: string;
  created: number;
  updated: number;
  conflicts: number;
  failed: number;
}

interface ExportStatus {
  status: string;
  totalRows: number;
  size: number;
  error: string | null;
}

function fileRow(i: number): string[] {
  let email = `person${i}@bench.example`;
  if (i % 100 === 0) email = `not an email ${i}`;
  else if (i % 100 === 1 && i > 100) email = `person${i - 50}@bench.example`;
  else if (i % 10 === 3) email = `existing${Math.floor(i / 10)}@bench.example`;
  return [`First${i}`, `Last${i}`, email, '', `Company ${i % 5000}`, STAGES[i % STAGES.length]!, i % 2 ? 'Open' : 'New', 'owner@bench.example'];
}

function csvLine(values: string[]): string {
  return `${values.map((value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',')}\n`;
}

async function generateFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(csvLine(HEADERS));
  for (let i = 1; i <= ROWS; i++) {
    if (!out.write(csvLine(fileRow(i)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Peak resident set of a process since start (or since its last reset), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

/** Writing 5 to clear_refs resets VmHWM, so the export's peak is its own, not the import's. */
async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

function startCrmWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['services/crm/dist/main.js'], { env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      if (output.includes('crm service started')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`crm exited (${code}) before starting:\n${output}`)));
  });
}

async function copyBaseline(databaseUrl: string, path: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`CREATE TABLE bench_copy (first_name text, last_name text, email text, phone text, company_name text, lifecycle_stage text, lead_status text, contact_owner text)`);
  await client.end();
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const psql = spawn('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy bench_copy FROM '${path}' WITH (FORMAT csv, HEADER true)`], { stdio: ['ignore', 'ignore', 'inherit'] });
    psql.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`COPY failed (${code})`))));
  });
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-imports');
  const env = environment.env;
  const path = join(tmpdir(), `kinship-bench-import-${randomBytes(4).toString('hex')}.csv`);
  let auth: RunningService | undefined;
  let gateway: RunningService | undefined;
  let crm: ChildProcess | undefined;
  let failed = false;
  try {
    print(`generating ${ROWS} HubSpot-format rows…`);
    await generateFile(path);
    const fileMb = (await stat(path)).size / 1024 / 1024;

    const copySeconds = await copyBaseline(environment.databaseUrl, path);

    auth = await startTestService(authService, environment);
    await migrateService(crmService, env);
    crm = await startCrmWorker(env);
    gateway = await startGateway(env);
    const api = `${gateway.url}/api/v1`;
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${randomBytes(3).toString('hex')}@example.com`, password: 'amber-cobalt-violin-meadow-4', name: 'Bench', workspaceName: 'Bench imports' }),
    });
    const { workspace, accessToken } = (await registered.json()) as { workspace: { id: string }; accessToken: string };
    const authorization = `Bearer ${accessToken}`;

    // The 10% of rows that match: contacts that exist before the import, written set-based.
    const database = new pg.Client({ connectionString: environment.databaseUrl });
    await database.connect();
    await database.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, created_at)
       SELECT gen_random_uuid(), $1, 'Existing', 'Contact ' || n, 'existing' || n || '@bench.example', now() - n * interval '1 millisecond'
       FROM generate_series(0, $2::int) AS n`,
      [workspace.id, Math.floor(ROWS / 10)],
    );
    await database.end();

    await resetPeakRss(crm.pid!);
    const importStarted = performance.now();
    const form = new FormData();
    form.append('entity', 'contacts');
    form.append('file', await openAsBlob(path, { type: 'text/csv' }), 'hubspot-contacts.csv');
    const upload = await fetch(`${api}/imports`, { method: 'POST', headers: { authorization }, body: form });
    if (upload.status !== 202) throw new Error(`POST /imports answered ${upload.status}: ${await upload.text()}`);
    const uploadSeconds = (performance.now() - importStarted) / 1000;
    const { id: importId } = (await upload.json()) as { id: string };
    let imported: ImportStatus | undefined;
    const importDone = await waitUntil(
      async () => {
        imported = (await (await fetch(`${api}/imports/${importId}`, { headers: { authorization, accept: 'application/json' } })).json()) as ImportStatus;
        return imported.status !== 'queued' && imported.status !== 'processing';
      },
      30 * 60_000,
      500,
    );
    const importSeconds = (performance.now() - importStarted) / 1000;
    const importRss = await peakRssMb(crm.pid!);
    if (!importDone || !imported || imported.status !== 'completed') throw new Error(`import ended ${imported?.status}: ${JSON.stringify(imported)}`);

    // A fresh worker for the export, so its peak RSS is the export's alone (a reset of VmHWM would
    // start from what the import left on the heap).
    crm.kill('SIGTERM');
    await once(crm, 'exit');
    crm = await startCrmWorker(env);
    const exportStarted = performance.now();
    const created = await fetch(`${api}/exports`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ entity: 'contacts', format: 'csv' }) });
    if (created.status !== 202) throw new Error(`POST /exports answered ${created.status}: ${await created.text()}`);
    const { id: exportId } = (await created.json()) as { id: string };
    let exported: ExportStatus | undefined;
    await waitUntil(
      async () => {
        exported = (await (await fetch(`${api}/exports/${exportId}`, { headers: { authorization, accept: 'application/json' } })).json()) as ExportStatus;
        return exported.status === 'completed' || exported.status === 'failed';
      },
      30 * 60_000,
      250,
    );
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const exportRss = await peakRssMb(crm.pid!);
    if (!exported || exported.status !== 'completed') throw new Error(`export ended ${exported?.status}: ${exported?.error}`);

    const importRate = ROWS / importSeconds;
    const copyRate = ROWS / copySeconds;
    const exportRate = exported.totalRows / exportSeconds;
    print();
    print(`file: ${ROWS} rows, ${fixed(fileMb)} MB (10% match existing contacts, 1% in-file duplicates, 1% bad rows)`);
    print(`import end to end (upload ${fixed(uploadSeconds)} s + job): ${fixed(importSeconds)} s, ${fixed(importRate, 0)} rows/s, crm worker peak RSS ${fixed(importRss, 0)} MB`);
    print(`  created ${imported.created}, updated ${imported.updated}, conflicts ${imported.conflicts}, failed ${imported.failed}`);
    print(`plain COPY of the same file into a bare table: ${fixed(copySeconds)} s, ${fixed(copyRate, 0)} rows/s`);
    print(`ratio import/COPY: ${fixed(importRate / copyRate, 3)} (${fixed(copyRate / importRate, 1)}× slower)`);
    print(`export of ${exported.totalRows} contacts to CSV (${fixed(exported.size / 1024 / 1024)} MB): ${fixed(exportSeconds)} s, ${fixed(exportRate, 0)} rows/s, crm worker peak RSS ${fixed(exportRss, 0)} MB`);
    await saveResult('imports', {
      rows: ROWS,
      fileMb,
      import: { seconds: importSeconds, rowsPerSecond: importRate, peakRssMb: importRss, created: imported.created, updated: imported.updated, conflicts: imported.conflicts, failed: imported.failed },
      copy: { seconds: copySeconds, rowsPerSecond: copyRate },
      ratio: importRate / copyRate,
      export: { rows: exported.totalRows, seconds: exportSeconds, rowsPerSecond: exportRate, peakRssMb: exportRss, bytes: exported.size },
    });
  } catch (error) {
    failed = true;
    print(`imports bench failed: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await gateway?.close();
    if (crm && crm.exitCode === null) {
      crm.kill('SIGTERM');
      await once(crm, 'exit');
    }
    await auth?.close();
    const nats = await connect({ servers: environment.natsUrl });
    await (await FileStore.open(nats, { namespace: environment.natsNamespace, ttlDays: 1 })).destroy();
    await nats.close();
    await environment.dispose();
    await rm(path, { force: true });
  }
  if (failed) process.exit(1);
}

await main();
