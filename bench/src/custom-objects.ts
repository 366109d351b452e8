/**
 * Custom objects cost the built-in routes nothing (issue 14 item 4): `GET /contacts/:id` and a
 * contacts page of a workspace without custom objects beside one with 50 object types of 30 fields,
 * requests alternating between the two so that the machine's load falls on both alike. Then a
 * custom object with many records: list, filter and search through the gateway beside the same SQL
 * sent straight through pg. Last, an import of a records file (POST /imports, entity records) into
 * another object, in rows per second beside the rate of the set-based INSERT that seeded the records.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { runtimeRoleFor, WORKSPACE_SETTING } from '@kinship/persistence';
import { migrateService, startService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import pg from 'pg';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { fixed, numberFromEnv, print, saveResult } from './lib.js';
import { SqlCapture } from './sql-capture.js';
import type { SqlQuery } from './sql-load-worker.js';

const CONTACTS = numberFromEnv('BENCH_OBJECTS_CONTACTS', 5000);
const OBJECTS = 50;
const FIELDS = 30;
const SAMPLES = numberFromEnv('BENCH_OBJECTS_SAMPLES', 1500);
const RECORDS = numberFromEnv('BENCH_OBJECT_RECORDS', 100_000);
const RECORD_SAMPLES = numberFromEnv('BENCH_OBJECT_RECORD_SAMPLES', 300);
const IMPORT_ROWS = numberFromEnv('BENCH_OBJECT_IMPORT_ROWS', 200_000);
const PASSWORD = 'amber-cobalt-violin-meadow-4';
const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'select', 'email', 'url', 'currency', 'multi_select', 'address'] as const;

interface Workspace {
  id: string;
  email: string;
  token: string;
}

interface Latency {
  p50Ms: number;
  p95Ms: number;
  samples: number;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50Ms: at(50), p95Ms: at(95), samples: sorted.length };
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

async function api<T>(url: string, token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function register(url: string, label: string): Promise<Workspace> {
  const email = `bench-${label}-${randomBytes(3).toString('hex')}@example.com`;
  const registered = await api<{ accessToken: string; workspace: { id: string } }>(url, undefined, 'POST', '/auth/register', {
    email,
    password: PASSWORD,
    name: 'Bench Owner',
    workspaceName: `Bench ${label}`,
  });
  return { id: registered.workspace.id, email, token: registered.accessToken };
}

/** A new access token: at 1,000,000 records the run outlasts the first one (15 minutes). */
async function signInAgain(url: string, workspace: Workspace): Promise<void> {
  const session = await api<{ accessToken: string }>(url, undefined, 'POST', '/auth/login', { email: workspace.email, password: PASSWORD });
  workspace.token = session.accessToken;
}

async function seedContacts(owner: pg.Pool, workspaceId: string): Promise<string[]> {
  const rows = await owner.query<{ id: string }>(
    `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email)
     SELECT gen_random_uuid(), $1, 'Ada' || n, 'Lovelace', 'ada' || n || '-' || $2 || '@example.com' FROM generate_series(1, $3) n RETURNING id`,
    [workspaceId, randomBytes(3).toString('hex'), CONTACTS],
  );
  return rows.rows.map((row) => row.id);
}

function objectBody(index: number) {
  return {
    key: `object_${index}`,
    singularLabel: `Object ${index}`,
    pluralLabel: `Objects ${index}`,
    fields: Array.from({ length: FIELDS }, (_, field) => {
      const type = FIELD_TYPES[field % FIELD_TYPES.length]!;
      const choices = type === 'select' || type === 'multi_select' ? { options: ['one', 'two', 'three'] } : {};
      return { key: `field${field}`, label: `Field ${field}`, type, searchable: type === 'text', ...choices };
    }),
  };
}

/** One request at a time, alternating between the cases, so drift in the machine's load falls on every case alike. */
async function alternate(url: string, cases: Array<{ token: string; paths: string[] }>, samples: number): Promise<Latency[]> {
  const times: number[][] = cases.map(() => []);
  for (let index = 0; index < samples; index += 1) {
    for (const [caseIndex, { token, paths }] of cases.entries()) {
      const path = paths[index % paths.length]!;
      const started = performance.now();
      const response = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      times[caseIndex]!.push(performance.now() - started);
    }
  }
  return times.map(latency);
}

/** The captured statements, run as crm runs them: in a transaction, as crm's role, with the workspace set. */
async function sqlLatency(databaseUrl: string, workspaceId: string, queries: SqlQuery[], samples: number): Promise<Latency> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c role=${runtimeRoleFor('crm')}` });
  await client.connect();
  const times: number[] = [];
  try {
    for (let index = 0; index < samples; index += 1) {
      const started = performance.now();
      await client.query('BEGIN');
      await client.query('SELECT set_config($1, $2, true)', [WORKSPACE_SETTING, workspaceId]);
      for (const query of queries) await client.query(query.text, query.values);
      await client.query('COMMIT');
      times.push(performance.now() - started);
    }
  } finally {
    await client.end();
  }
  return latency(times);
}

async function seedRecords(owner: pg.Pool, workspaceId: string, objectId: string): Promise<void> {
  // Searchable: name and city; values spread so that filters match a few percent of the records.
  await owner.query(
    `INSERT INTO crm.object_records (id, workspace_id, object_id, values, search_text, created_at)
     SELECT gen_random_uuid(), $1, $2, v, lower(concat_ws(' ', v->>'name', v->>'city')), now() - n * interval '1 second'
     FROM generate_series(1, $3) n,
     LATERAL (SELECT jsonb_build_object(
       'name', 'Property ' || n || ' ' || (ARRAY['Rose','Harbour','Oak','Mill','Field'])[1 + n % 5],
       'city', (ARRAY['Bath','York','Leeds','Derby','Truro','Ripon','Wells','Ely'])[1 + n % 8],
       'propertyType', (ARRAY['house','flat','land','office'])[1 + n % 4],
       'bedrooms', n % 7,
       'listedOn', to_char(date '2020-01-01' + (n % 1800), 'YYYY-MM-DD')) AS v) s`,
    [workspaceId, objectId, RECORDS],
  );
  await owner.query('ANALYZE crm.object_records');
}

/** A records file as a user exports it: a header of labels, each row a new record matched on its email. */
function recordsFile(rows: number): string {
  const cities = ['Bath', 'York', 'Leeds', 'Derby', 'Truro', 'Ripon', 'Wells', 'Ely'];
  const types = ['house', 'flat', 'land', 'office'];
  const lines = ['Name,Email,City,Type,Bedrooms,Listed on'];
  for (let n = 1; n <= rows; n += 1) {
    const day = String(1 + (n % 28)).padStart(2, '0');
    lines.push(`Parcel ${n},parcel${n}@bench.example,${cities[n % 8]},${types[n % 4]},${n % 7},2024-03-${day}`);
  }
  return `${lines.join('\n')}\n`;
}

async function importRecords(
  url: string,
  token: string,
): Promise<{ seconds: number; status: { status: string; created: number; failed: number; rowsPerSecond: number } }> {
  await api(url, token, 'POST', '/objects', {
    key: 'parcel',
    singularLabel: 'Parcel',
    pluralLabel: 'Parcels',
    fields: [
      { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
      { key: 'email', label: 'Email', type: 'email', searchable: true },
      { key: 'city', label: 'City', type: 'text', searchable: true },
      { key: 'propertyType', label: 'Type', type: 'select', options: ['house', 'flat', 'land', 'office'] },
      { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
      { key: 'listedOn', label: 'Listed on', type: 'date' },
    ],
  });
  const form = new FormData();
  form.append('entity', 'records');
  form.append('object', 'parcel');
  form.append('file', new Blob([recordsFile(IMPORT_ROWS)], { type: 'text/csv' }), 'parcels.csv');
  const started = performance.now();
  const upload = await fetch(`${url}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (upload.status !== 202) throw new Error(`POST /imports answered ${upload.status}: ${await upload.text()}`);
  const { id } = (await upload.json()) as { id: string };
  for (;;) {
    const status = await api<{ status: string; created: number; failed: number; rowsPerSecond: number }>(url, token, 'GET', `/imports/${id}`);
    if (status.status !== 'queued' && status.status !== 'processing') {
      if (status.status !== 'completed') throw new Error(`the records import ended ${JSON.stringify(status)}`);
      return { seconds: (performance.now() - started) / 1000, status };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function main(): Promise<number> {
  let environment: TestEnvironment | undefined;
  let auth: RunningService | undefined;
  let crm: RunningService | undefined;
  let gateway: RunningService | undefined;
  let owner: pg.Pool | undefined;
  try {
    environment = await createTestEnvironment('bench custom-objects');
    const env = { ...environment.env };
    auth = await startTestService(authService, environment);
    await migrateService(crmService, env);
    const capture = new SqlCapture();
    crm = await startService(crmService, env);
    gateway = await startGateway(env);
    const url = gateway.url;
    owner = new pg.Pool({ connectionString: environment.databaseUrl, max: 2 });

    const plain = await register(url, 'plain');
    const defined = await register(url, 'objects');
    const plainIds = await seedContacts(owner, plain.id);
    const definedIds = await seedContacts(owner, defined.id);
    for (let index = 0; index < OBJECTS; index += 1) await api(url, defined.token, 'POST', '/objects', objectBody(index));
    const [{ size }] = (
      await owner.query<{ size: string }>('SELECT sum(pg_column_size(fields))::text AS size FROM crm.object_definitions WHERE workspace_id = $1', [defined.id])
    ).rows as [{ size: string }];
    print(
      `${CONTACTS} contacts in each of two workspaces; the second defines ${OBJECTS} custom objects of ${FIELDS} fields (${size} bytes of field definitions).`,
    );

    print(`\nGET /contacts/:id and GET /contacts?limit=100, ${SAMPLES} requests each per workspace, one at a time, alternating…`);
    const loadBefore = load();
    const sampled = (ids: string[]) => Array.from({ length: 200 }, (_, index) => `/contacts/${ids[(index * 7919) % ids.length]}`);
    const [getPlain, getDefined] = await alternate(
      url,
      [
        { token: plain.token, paths: sampled(plainIds) },
        { token: defined.token, paths: sampled(definedIds) },
      ],
      SAMPLES,
    );
    const [listPlain, listDefined] = await alternate(
      url,
      [
        { token: plain.token, paths: ['/contacts?limit=100'] },
        { token: defined.token, paths: ['/contacts?limit=100'] },
      ],
      SAMPLES,
    );
    const loadAfter = load();
    const builtIn = {
      getById: { without: getPlain!, with: getDefined!, p50Ratio: getDefined!.p50Ms / getPlain!.p50Ms, p95Ratio: getDefined!.p95Ms / getPlain!.p95Ms },
      contactsPage: {
        without: listPlain!,
        with: listDefined!,
        p50Ratio: listDefined!.p50Ms / listPlain!.p50Ms,
        p95Ratio: listDefined!.p95Ms / listPlain!.p95Ms,
      },
      loadAverage: { before: loadBefore, after: loadAfter },
    };
    for (const [label, figures] of [
      ['GET /contacts/:id', builtIn.getById],
      ['GET /contacts?limit=100', builtIn.contactsPage],
    ] as const) {
      print(
        `${label}: without objects p50 ${fixed(figures.without.p50Ms, 2)} ms, p95 ${fixed(figures.without.p95Ms, 2)} ms; with ${OBJECTS}×${FIELDS} p50 ${fixed(figures.with.p50Ms, 2)} ms, p95 ${fixed(figures.with.p95Ms, 2)} ms; ratio p50 ${fixed(figures.p50Ratio, 3)}, p95 ${fixed(figures.p95Ratio, 3)}`,
      );
    }
    print(`load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}`);

    print(`\nA custom object with ${RECORDS.toLocaleString('en')} records (5 fields, 2 searchable)…`);
    const listing = await api<{ id: string }>(url, defined.token, 'POST', '/objects', {
      key: 'listing',
      singularLabel: 'Listing',
      pluralLabel: 'Listings',
      fields: [
        { key: 'name', label: 'Name', type: 'text', searchable: true },
        { key: 'city', label: 'City', type: 'text', searchable: true },
        { key: 'propertyType', label: 'Type', type: 'select', options: ['house', 'flat', 'land', 'office'] },
        { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
        { key: 'listedOn', label: 'Listed on', type: 'date' },
      ],
    });
    const seedStarted = performance.now();
    await seedRecords(owner, defined.id, listing.id);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    print(`seeded in ${fixed(seedSeconds)} s (one INSERT … SELECT through pg: ${fixed(RECORDS / seedSeconds, 0)} records/s)`);
    const filter = (value: object) => encodeURIComponent(JSON.stringify(value));
    const cases = [
      { label: 'default page (newest first)', path: '/objects/listing/records?limit=100' },
      { label: 'filter propertyType=flat', path: `/objects/listing/records?limit=100&filter=${filter({ propertyType: 'flat' })}` },
      { label: 'filter propertyType=flat & bedrooms=3', path: `/objects/listing/records?limit=100&filter=${filter({ propertyType: 'flat', bedrooms: 3 })}` },
      { label: 'filter bedroomsFrom=6 (range, no index)', path: `/objects/listing/records?limit=100&filter=${filter({ bedroomsFrom: 6 })}` },
      { label: 'sort=name (no index)', path: '/objects/listing/records?limit=100&sort=name' },
      { label: 'q=truro (common word)', path: '/objects/listing/records?limit=100&q=truro' },
      { label: 'q=property 4242 (rare)', path: `/objects/listing/records?limit=100&q=${encodeURIComponent('property 4242')}` },
    ];
    const recordFigures: Array<{ label: string; path: string; rows: number; gateway: Latency; sql: Latency; p95Ratio: number; loadAverage: string }> = [];
    for (const { label, path } of cases) {
      await signInAgain(url, defined);
      const caught = await capture.listQueriesOf('crm.object_records', () => api<{ data: unknown[] }>(url, defined.token, 'GET', path));
      const [through] = await alternate(url, [{ token: defined.token, paths: [path] }], RECORD_SAMPLES);
      const sql = await sqlLatency(environment.databaseUrl, defined.id, caught.queries, RECORD_SAMPLES);
      const figures = { label, path, rows: caught.answer.data.length, gateway: through!, sql, p95Ratio: through!.p95Ms / sql.p95Ms, loadAverage: load() };
      recordFigures.push(figures);
      print(
        `${label}: ${figures.rows} rows; gateway p50 ${fixed(through!.p50Ms, 2)} ms, p95 ${fixed(through!.p95Ms, 2)} ms; pg p50 ${fixed(sql.p50Ms, 2)} ms, p95 ${fixed(sql.p95Ms, 2)} ms; p95 ratio ${fixed(figures.p95Ratio, 2)} (load ${figures.loadAverage})`,
      );
    }
    print(`\nImport of ${IMPORT_ROWS.toLocaleString('en')} rows into a custom object (6 fields, matched on email, every row new)…`);
    const importLoadBefore = load();
    await signInAgain(url, defined);
    const imported = await importRecords(url, defined.token);
    const importRate = IMPORT_ROWS / imported.seconds;
    const seedRate = RECORDS / seedSeconds;
    const recordImport = {
      rows: IMPORT_ROWS,
      created: imported.status.created,
      failed: imported.status.failed,
      seconds: imported.seconds,
      rowsPerSecond: importRate,
      jobRowsPerSecond: imported.status.rowsPerSecond,
      seedInsertRowsPerSecond: seedRate,
      ratioToSeedInsert: importRate / seedRate,
      loadAverage: { before: importLoadBefore, after: load() },
    };
    print(
      `records import: ${recordImport.created} created, ${recordImport.failed} failed in ${fixed(imported.seconds)} s from the upload: ${fixed(importRate, 0)} rows/s (the job's own figure ${recordImport.jobRowsPerSecond}); ratio to the seeding INSERT … SELECT ${fixed(recordImport.ratioToSeedInsert, 3)} (load ${importLoadBefore} → ${recordImport.loadAverage.after})`,
    );
    await saveResult('custom-objects', {
      contacts: CONTACTS,
      objects: OBJECTS,
      fields: FIELDS,
      samples: SAMPLES,
      builtIn,
      records: RECORDS,
      recordFigures,
      recordImport,
    });
    return 0;
  } finally {
    await gateway?.close();
    await crm?.close();
    await auth?.close();
    await owner?.end();
    await environment?.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    print(`custom-objects bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
