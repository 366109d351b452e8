// Imports at scale (issues #5, #17): a generated HubSpot-format CSV imported end to end
// through the real gateway (multipart upload into the FileStore) and a crm worker running as its own
// process (so its peak RSS is its own), next to two COPYs in the same run: the file into a bare
// table, and its rows into a table with crm.contacts' columns and indexes (the ratio's baseline).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID as randomUuid } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect } from '@nats-io/transport-node';
import { migrateService, FileStore, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService } from '@kinship/testing';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { cpuSeconds, peakRssMb, resetPeakRss, startCrmWorker } from './crm-worker.js';
import { fixed, median, numberFromEnv, print, saveResult, waitUntil } from './lib.js';

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
  processed: number;
  created: number;
  updated: number;
  conflicts: number;
  failed: number;
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

async function copyBaseline(databaseUrl: string, path: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    `CREATE TABLE bench_copy (first_name text, last_name text, email text, phone text, company_name text, lifecycle_stage text, lead_status text, contact_owner text)`,
  );
  await client.end();
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const psql = spawn('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy bench_copy FROM '${path}' WITH (FORMAT csv, HEADER true)`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    psql.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`COPY failed (${code})`))));
  });
  return (performance.now() - started) / 1000;
}

/** COPY text of a value: backslash, tab and newline escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n]/g, (character) => (character === '\\' ? '\\\\' : character === '\t' ? '\\t' : '\\n'));
}

/**
 * The rows of the file COPYed into a table made LIKE crm.contacts INCLUDING ALL (its generated
 * search columns, checks and every index; no trigger, no foreign key), as the import would store
 * them (in-file duplicates skipped): what a set-wise load of the same rows costs with the same
 * index set. Seconds, and the CPU seconds its PostgreSQL backend spent.
 */
async function copyIndexedBaseline(databaseUrl: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_copy_contacts (LIKE crm.contacts INCLUDING ALL)`);
    const { id: workspaceId, pid } = (await client.query<{ id: string; pid: number }>(`SELECT gen_random_uuid() AS id, pg_backend_pid() AS pid`)).rows[0]!;
    const cpuBefore = await cpuSeconds(pid);
    const started = performance.now();
    const copy = client.query(copyFrom(`COPY bench_copy_contacts (id, workspace_id, first_name, last_name, email, company_name, lifecycle_stage) FROM STDIN`));
    for (let i = 1; i <= ROWS; i++) {
      // An in-file duplicate becomes no row of its own (the import merges it into the earlier one).
      if (i % 100 === 1 && i > 100) continue;
      const [first, last, email, , company] = fileRow(i);
      const line = `${randomUuid()}\t${workspaceId}\t${copyText(first!)}\t${copyText(last!)}\t${copyText(email!)}\t${copyText(company!)}\tlead\n`;
      if (!copy.write(line)) await once(copy, 'drain');
    }
    copy.end();
    await once(copy, 'finish');
    return { seconds: (performance.now() - started) / 1000, cpuSeconds: (await cpuSeconds(pid)) - cpuBefore };
  } finally {
    await client.end();
  }
}

/** A free TCP port for the crm worker's HTTP server (health and /metrics). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The crm's event-loop delay p99 since the previous scrape (prom-client resets its histogram at each), ms. */
async function eventLoopP99Ms(metricsUrl: string): Promise<number> {
  const metrics = await (await fetch(metricsUrl)).text();
  return Number(/^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1] ?? NaN) * 1000;
}

/** The crm's memory as its /metrics reports it (resident set, V8 heap used and reserved, memory outside the heap), MB; and its garbage collection so far. */
interface WorkerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  gcSeconds: number;
  majorGcs: number;
}

async function workerMemory(metricsUrl: string): Promise<WorkerMemory> {
  const metrics = await (await fetch(metricsUrl)).text();
  const sum = (pattern: RegExp) => [...metrics.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  const mb = (name: string) => sum(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')) / 1024 / 1024;
  return {
    rss: mb('process_resident_memory_bytes'),
    heapUsed: mb('nodejs_heap_size_used_bytes'),
    heapTotal: mb('nodejs_heap_size_total_bytes'),
    external: mb('nodejs_external_memory_bytes'),
    gcSeconds: sum(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    majorGcs: sum(/^nodejs_gc_duration_seconds_count\{[^}]*kind="major"[^}]*\} (\S+)$/gm),
  };
}

/**
 * The CPU seconds PostgreSQL's backends of one database spent since the first call: its sessions
 * (pg_stat_activity) read once a second, each backend's last reading kept (a backend that exits
 * between two readings loses at most a second). The server runs on this machine.
 */
class DatabaseCpu {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private started = false;

  constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  async sample(): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
      this.database,
    ]);
    for (const { pid } of rows) {
      const seconds = await cpuSeconds(pid);
      if (seconds === 0) continue;
      // A backend already running at the first reading counts from there; a later one from its start.
      if (!this.started) this.start.set(pid, seconds);
      this.last.set(pid, seconds);
    }
    this.started = true;
  }

  seconds(): number {
    return [...this.last].reduce((total, [pid, seconds]) => total + seconds - (this.start.get(pid) ?? 0), 0);
  }
}

/** Rows per second over each tenth of the file, from the import's progress polled once a second. */
function ratesPerTenth(samples: Array<{ seconds: number; processed: number }>): number[] {
  const rates: number[] = [];
  for (let tenth = 1; tenth <= 10; tenth++) {
    const from = samples.find((sample) => sample.processed >= ((tenth - 1) * ROWS) / 10);
    const to = samples.find((sample) => sample.processed >= (tenth * ROWS) / 10);
    if (from && to && to.seconds > from.seconds) rates.push((to.processed - from.processed) / (to.seconds - from.seconds));
  }
  return rates;
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

    // The status is polled with one access token for the whole import: a million rows outlast the default 15 minutes.
    auth = await startTestService(authService, environment, { ACCESS_TOKEN_TTL_SECONDS: '3600' });
    await migrateService(crmService, env);
    const { seconds: indexedCopySeconds, cpuSeconds: indexedCopyCpu } = await copyIndexedBaseline(environment.databaseUrl);
    const crmPort = await freePort();
    crm = await startCrmWorker({ ...env, HTTP_PORT: String(crmPort) });
    const metricsUrl = `http://127.0.0.1:${crmPort}/metrics`;
    // The worker logs how many batches were written as planned ahead and how many merged again.
    let batchesLine = '';
    crm.stdout!.on('data', (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split('\n')
        .find((text) => text.includes('import batches written'));
      if (line) batchesLine = line;
    });
    gateway = await startGateway(env);
    const api = `${gateway.url}/api/v1`;
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench-${randomBytes(3).toString('hex')}@example.com`,
        password: 'amber-cobalt-violin-meadow-4',
        name: 'Bench',
        workspaceName: 'Bench imports',
      }),
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

    const cpuClient = new pg.Client({ connectionString: environment.databaseUrl });
    await cpuClient.connect();
    const databaseCpu = new DatabaseCpu(cpuClient, new URL(environment.databaseUrl).pathname.slice(1));
    await databaseCpu.sample();
    const cpuTimer = setInterval(() => void databaseCpu.sample().catch(() => undefined), 1000);
    const workerCpuBefore = await cpuSeconds(crm.pid!);
    await resetPeakRss(crm.pid!);
    const loadBefore = loadavg()[0]!;
    await eventLoopP99Ms(metricsUrl);
    const eventLoop: number[] = [];
    const eventLoopTimer = setInterval(() => {
      eventLoopP99Ms(metricsUrl).then(
        (p99) => eventLoop.push(p99),
        () => undefined,
      );
    }, 5000);
    const memory: WorkerMemory[] = [await workerMemory(metricsUrl)];
    const memoryTimer = setInterval(() => {
      workerMemory(metricsUrl).then(
        (sample) => memory.push(sample),
        () => undefined,
      );
    }, 1000);
    const importStarted = performance.now();
    const form = new FormData();
    form.append('entity', 'contacts');
    form.append('file', await openAsBlob(path, { type: 'text/csv' }), 'hubspot-contacts.csv');
    const upload = await fetch(`${api}/imports`, { method: 'POST', headers: { authorization }, body: form });
    if (upload.status !== 202) throw new Error(`POST /imports answered ${upload.status}: ${await upload.text()}`);
    const uploadSeconds = (performance.now() - importStarted) / 1000;
    const { id: importId } = (await upload.json()) as { id: string };
    let imported: ImportStatus | undefined;
    const progress: Array<{ seconds: number; processed: number }> = [];
    const importDone = await waitUntil(
      async () => {
        imported = (await (await fetch(`${api}/imports/${importId}`, { headers: { authorization, accept: 'application/json' } })).json()) as ImportStatus;
        progress.push({ seconds: (performance.now() - importStarted) / 1000, processed: imported.processed });
        return imported.status !== 'queued' && imported.status !== 'processing';
      },
      30 * 60_000,
      1000,
    );
    const importSeconds = (performance.now() - importStarted) / 1000;
    clearInterval(eventLoopTimer);
    clearInterval(memoryTimer);
    clearInterval(cpuTimer);
    await databaseCpu.sample();
    await cpuClient.end();
    const workerCpu = (await cpuSeconds(crm.pid!)) - workerCpuBefore;
    const postgresCpu = databaseCpu.seconds();
    const memoryAfter = await workerMemory(metricsUrl);
    const loadAfter = loadavg()[0]!;
    const importRss = await peakRssMb(crm.pid!);
    if (!importDone || !imported || imported.status !== 'completed') throw new Error(`import ended ${imported?.status}: ${JSON.stringify(imported)}`);

    const importRate = ROWS / importSeconds;
    const copyRate = ROWS / copySeconds;
    const indexedCopyRate = ROWS / indexedCopySeconds;
    const tenths = ratesPerTenth(progress);
    print();
    print(`file: ${ROWS} rows, ${fixed(fileMb)} MB (10% match existing contacts, 1% in-file duplicates, 1% bad rows)`);
    print(
      `import end to end (upload ${fixed(uploadSeconds)} s + job): ${fixed(importSeconds)} s, ${fixed(importRate, 0)} rows/s, crm worker peak RSS ${fixed(importRss, 0)} MB`,
    );
    print(`  created ${imported.created}, updated ${imported.updated}, conflicts ${imported.conflicts}, failed ${imported.failed}`);
    print(`  rows/s per tenth of the file, first to last: ${tenths.map((rate) => fixed(rate, 0)).join(', ')}`);
    print(`  crm event-loop delay p99 per 5 s during the import: median ${fixed(median(eventLoop), 0)} ms, max ${fixed(Math.max(...eventLoop), 0)} ms`);
    const most = (field: keyof WorkerMemory) => Math.max(...memory.map((sample) => sample[field]));
    const gcSeconds = memoryAfter.gcSeconds - memory[0]!.gcSeconds;
    const majorGcs = memoryAfter.majorGcs - memory[0]!.majorGcs;
    print(
      `  crm memory (its /metrics once a second): before the import RSS ${fixed(memory[0]!.rss, 0)} MB, heap used ${fixed(memory[0]!.heapUsed, 0)} MB; ` +
        `highest during it: RSS ${fixed(most('rss'), 0)}, heap used ${fixed(most('heapUsed'), 0)}, heap total ${fixed(most('heapTotal'), 0)}, external ${fixed(most('external'), 0)} MB`,
    );
    print(`  crm garbage collection during the import: ${fixed(gcSeconds)} s, ${majorGcs} major collections`);
    print(
      `  CPU during the import: crm worker ${fixed(workerCpu)} s (${fixed((workerCpu / ROWS) * 10_000, 2)} s per 10k rows), ` +
        `PostgreSQL backends of the bench database ${fixed(postgresCpu)} s (${fixed((postgresCpu / ROWS) * 10_000, 2)} s per 10k rows)`,
    );
    print(`  worker: ${batchesLine.trim() || 'no batch summary logged'}`);
    print(`load average (1 min) before → after the import: ${fixed(loadBefore, 2)} → ${fixed(loadAfter, 2)}`);
    print(`plain COPY of the same file into a bare table: ${fixed(copySeconds)} s, ${fixed(copyRate, 0)} rows/s`);
    print(`COPY of the same rows into a table with crm.contacts' columns and indexes: ${fixed(indexedCopySeconds)} s, ${fixed(indexedCopyRate, 0)} rows/s`);
    print(`  its PostgreSQL backend's CPU: ${fixed(indexedCopyCpu)} s (${fixed((indexedCopyCpu / ROWS) * 10_000, 2)} s per 10k rows)`);
    print(`ratio import/COPY with the same indexes: ${fixed(importRate / indexedCopyRate, 3)}; import/bare COPY: ${fixed(importRate / copyRate, 3)}`);
    print(`PostgreSQL CPU of the same-index COPY / of the import: ${fixed(indexedCopyCpu / postgresCpu, 3)}`);
    await saveResult('imports', {
      rows: ROWS,
      fileMb,
      import: {
        seconds: importSeconds,
        rowsPerSecond: importRate,
        peakRssMb: importRss,
        created: imported.created,
        updated: imported.updated,
        conflicts: imported.conflicts,
        failed: imported.failed,
        rowsPerSecondPerTenth: tenths,
        eventLoopP99Ms: { median: median(eventLoop), max: Math.max(...eventLoop) },
        memoryMb: {
          before: { rss: memory[0]!.rss, heapUsed: memory[0]!.heapUsed },
          highest: { rss: most('rss'), heapUsed: most('heapUsed'), heapTotal: most('heapTotal'), external: most('external') },
        },
        gc: { seconds: gcSeconds, majorCollections: majorGcs },
        cpuSeconds: { crmWorker: workerCpu, postgres: postgresCpu },
      },
      loadAverage: { before: loadBefore, after: loadAfter },
      copy: { seconds: copySeconds, rowsPerSecond: copyRate },
      indexedCopy: { seconds: indexedCopySeconds, rowsPerSecond: indexedCopyRate, cpuSeconds: indexedCopyCpu },
      ratio: importRate / indexedCopyRate,
      bareRatio: importRate / copyRate,
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
