// Exports at scale (issue #17): a workspace of BENCH_EXPORT_ROWS contacts exported to CSV through
// the real gateway and a crm worker in its own process (its memory measured alone), next to
// PostgreSQL's own COPY of the same query's rows (the floor: reading and formatting, no network hop,
// no object store), in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from '@nats-io/transport-node';
import { FileStore, migrateService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService } from '@kinship/testing';
import pg from 'pg';
import { authService } from '../../services/auth/dist/auth.service.js';
import { matchingRowsQuery } from '../../services/crm/dist/common/list-query.js';
import { CONTACT_COLUMNS, CONTACT_LIST } from '../../services/crm/dist/contacts/contact.model.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { csvSelect, withParametersInline } from '../../services/crm/dist/exports/csv-copy.js';
import { EXPORTED_ENTITIES } from '../../services/crm/dist/exports/export-entities.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { peakRssMb, resetPeakRss, rssMb, startCrmWorker } from './crm-worker.js';
import { fixed, numberFromEnv, print, saveResult, waitUntil } from './lib.js';

const ROWS = numberFromEnv('BENCH_EXPORT_ROWS', 1_000_000);
const STAGES = ['lead', 'subscriber', 'marketing_qualified', 'customer'];

interface ExportStatus {
  status: string;
  totalRows: number;
  size: number;
  error: string | null;
}

/** ROWS contacts written set-based: names, emails, phones, companies, stages, tags and a custom field, as an import leaves them. */
async function seedContacts(databaseUrl: string, workspaceId: string): Promise<void> {
  const database = new pg.Client({ connectionString: databaseUrl });
  await database.connect();
  try {
    await database.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, phone, job_title, company_name, lifecycle_stage, lead_source, tags, custom_fields, created_at)
       SELECT gen_random_uuid(), $1, 'First' || n, 'Last "' || n || '"', 'person' || n || '@bench.example', '+1555' || lpad(n::text, 7, '0'),
              'Engineer, level ' || (n % 5), 'Company ' || (n % 5000), ($3::text[])[1 + n % 4], 'import',
              ARRAY['bench', 'tag' || (n % 10)], jsonb_build_object('tier', 'gold'), now() - n * interval '1 millisecond'
       FROM generate_series(1, $2::int) AS n`,
      [workspaceId, ROWS, STAGES],
    );
    await database.query('ANALYZE crm.contacts');
  } finally {
    await database.end();
  }
}

/** A SELECT written by PostgreSQL's COPY to nowhere, through psql: seconds. */
async function copyToNowhere(databaseUrl: string, query: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const psql = spawn(
      'psql',
      [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy (${query.replace(/\s+/g, ' ')}) TO '/dev/null' WITH (FORMAT csv, HEADER true)`],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    psql.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`COPY failed (${code})`))));
  });
  return (performance.now() - started) / 1000;
}

/** The baseline: the same rows in the list's order, their columns as stored. */
function plainQuery(workspaceId: string): string {
  return `SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = '${workspaceId}' AND r.deleted_at IS NULL ORDER BY r.created_at DESC, r.id DESC`;
}

/** The export's own statement (the worker's, built by the same functions; no custom field is defined here): its cells formatted in SQL. */
function exportQuery(workspaceId: string): string {
  const columns = EXPORTED_ENTITIES.contacts.fileColumns;
  const rows = matchingRowsQuery(workspaceId, CONTACT_LIST, {}, null, columns.map((column, index) => `${column.sql} AS c${index}`).join(', '));
  return csvSelect(columns, withParametersInline(rows.sql, rows.parameters));
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-exports');
  const env = environment.env;
  let auth: RunningService | undefined;
  let gateway: RunningService | undefined;
  let crm: ChildProcess | undefined;
  let failed = false;
  try {
    auth = await startTestService(authService, environment);
    await migrateService(crmService, env);
    crm = await startCrmWorker(env);
    gateway = await startGateway(env);
    const api = `${gateway.url}/api/v1`;
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench-${randomBytes(3).toString('hex')}@example.com`,
        password: 'amber-cobalt-violin-meadow-4',
        name: 'Bench',
        workspaceName: 'Bench exports',
      }),
    });
    const { workspace, accessToken } = (await registered.json()) as { workspace: { id: string }; accessToken: string };
    const authorization = `Bearer ${accessToken}`;

    print(`seeding ${ROWS} contacts…`);
    await seedContacts(environment.databaseUrl, workspace.id);
    const copySeconds = await copyToNowhere(environment.databaseUrl, plainQuery(workspace.id));
    const formattedSeconds = await copyToNowhere(environment.databaseUrl, exportQuery(workspace.id));

    const idleRss = await rssMb(crm.pid!);
    await resetPeakRss(crm.pid!);
    const started = performance.now();
    const created = await fetch(`${api}/exports`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ entity: 'contacts', format: 'csv' }),
    });
    if (created.status !== 202) throw new Error(`POST /exports answered ${created.status}: ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    let exported: ExportStatus | undefined;
    await waitUntil(
      async () => {
        exported = (await (await fetch(`${api}/exports/${id}`, { headers: { authorization, accept: 'application/json' } })).json()) as ExportStatus;
        return exported.status === 'completed' || exported.status === 'failed';
      },
      30 * 60_000,
      250,
    );
    const seconds = (performance.now() - started) / 1000;
    const peakRss = await peakRssMb(crm.pid!);
    if (!exported || exported.status !== 'completed') throw new Error(`export ended ${exported?.status}: ${exported?.error}`);
    if (exported.totalRows !== ROWS) throw new Error(`export wrote ${exported.totalRows} rows of ${ROWS}`);

    const rate = exported.totalRows / seconds;
    const copyRate = ROWS / copySeconds;
    print();
    print(
      `export of ${exported.totalRows} contacts to CSV (${fixed(exported.size / 1024 / 1024)} MB) through the gateway and a crm worker: ${fixed(seconds)} s, ${fixed(rate, 0)} rows/s`,
    );
    print(`crm worker RSS: ${fixed(idleRss, 0)} MB before, peak ${fixed(peakRss, 0)} MB during (growth ${fixed(peakRss - idleRss, 0)} MB)`);
    print(`PostgreSQL COPY of the same query to /dev/null: ${fixed(copySeconds)} s, ${fixed(copyRate, 0)} rows/s`);
    print(
      `PostgreSQL COPY of the export's own SELECT (cells formatted in SQL) to /dev/null: ${fixed(formattedSeconds)} s, ${fixed(ROWS / formattedSeconds, 0)} rows/s`,
    );
    print(`ratio export/COPY: ${fixed(rate / copyRate, 3)}`);
    await saveResult('exports', {
      rows: exported.totalRows,
      bytes: exported.size,
      seconds,
      rowsPerSecond: rate,
      idleRssMb: idleRss,
      peakRssMb: peakRss,
      copy: { seconds: copySeconds, rowsPerSecond: copyRate },
      formattedCopy: { seconds: formattedSeconds, rowsPerSecond: ROWS / formattedSeconds },
      ratio: rate / copyRate,
    });
  } catch (error) {
    failed = true;
    print(`exports bench failed: ${(error as Error).stack ?? String(error)}`);
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
  }
  if (failed) process.exit(1);
}

await main();
