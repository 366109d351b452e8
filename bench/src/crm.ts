/**
 * The crm at a million contacts: what a contact search costs through the whole stack (gateway →
 * NATS → crm → PostgreSQL) beside the same SQL sent straight through pg; reads and creates of one
 * contact; and the plan of every list query the API serves at that size, which must use indexes.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { deadLetterStreamName, eventStreamName } from '@kinship/messaging';
import { runtimeRoleFor, WORKSPACE_SETTING } from '@kinship/persistence';
import { startService, type RunningService } from '@kinship/platform';
import autocannon, { type Result } from 'autocannon';
import { SignJWT } from 'jose';
import pg from 'pg';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { fixed, numberFromEnv, print, saveResult } from './lib.js';
import { ensureSeededCrm, migrationEnv, type SeededCrm } from './seed-crm.js';
import { SqlCapture } from './sql-capture.js';
import { processCpuMs, type SqlLoadResult, type SqlLoadSpec, type SqlQuery } from './sql-load-worker.js';

declare module 'autocannon' {
  interface Options {
    /** Replaces `[<id>]` in each request's body with a new unique id. */
    idReplacement?: boolean;
  }
  interface Histogram {
    p95?: number;
  }
}

const DURATION_S = numberFromEnv('BENCH_DURATION', 10);
const WARMUP_S = numberFromEnv('BENCH_WARMUP', 3);
const CONNECTIONS = 32;
/** Prefixes the search load turns through: a common first name, a rare surname, an email domain. */
const SEARCH_PREFIXES = [
  { q: 'mar', what: 'common first-name prefix (Maria, Mark, Martin, Marco, Marta, Mary, Marie…)' },
  { q: 'ziel', what: 'rare surname prefix (Zielinski)' },
  { q: 'outlook', what: 'email domain (outlook.com)' },
];
const PERFORMANCE_DOC = new URL('../../docs/performance.md', import.meta.url);
const GENERATED_START = '<!-- crm bench results: written by bench/src/crm.ts, do not edit by hand -->';
const GENERATED_END = '<!-- end of crm bench results -->';
const TABLES_THAT_MUST_NOT_BE_SCANNED = /Seq Scan on (contacts|companies|deals)\b/;

// autocannon reports latency percentiles from p2.5 to p99.999 but not p95: its summary reads the
// list of percentiles from this module, so adding 95 to the list makes it report p95 too.
const percentileList = (createRequire(createRequire(import.meta.url).resolve('autocannon'))('hdr-histogram-percentiles-obj') as { percentiles: number[] })
  .percentiles;
if (!percentileList.includes(95)) percentileList.splice(percentileList.indexOf(97.5), 0, 95);

interface Figures {
  requestsPerSecond: number;
  /** CPU time per request of this process (gateway, crm service, load generator) and of the PostgreSQL backends of the bench's database. */
  nodeCpuMsPerRequest?: number;
  postgresCpuMsPerRequest?: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
  statusCodes: Record<string, number>;
}

function httpFigures(result: Result, warmup: Result): Figures {
  const statusCodes: Record<string, number> = {};
  for (const run of [warmup, result]) for (const [code, { count }] of Object.entries(run.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const p95 = result.latency.p95;
  if (typeof p95 !== 'number') throw new Error('autocannon did not report p95; the percentile list it reads has changed');
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p95Ms: p95,
    p99Ms: result.latency.p99,
    requests: result['2xx'] + result.non2xx,
    failures: [warmup, result].reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx, 0),
    statusCodes,
  };
}

function nearestRank(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN;
}

function sqlFigures(result: SqlLoadResult & { nodeCpuMsPerRequest: number; postgresCpuMsPerRequest: number }): Figures {
  const sorted = Float64Array.from(result.latenciesMs).sort();
  return {
    nodeCpuMsPerRequest: result.nodeCpuMsPerRequest,
    postgresCpuMsPerRequest: result.postgresCpuMsPerRequest,
    requestsPerSecond: sorted.length / result.elapsedS,
    p50Ms: nearestRank(sorted, 50),
    p95Ms: nearestRank(sorted, 95),
    p99Ms: nearestRank(sorted, 99),
    requests: sorted.length,
    failures: result.errors,
    statusCodes: {},
  };
}

type HttpRequest = { method: 'GET' | 'POST'; path: string; body?: string };

async function backendsCpuMs(owner: pg.Pool, database: string): Promise<Map<number, number>> {
  const { rows } = await owner.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
  const times = new Map<number, number>();
  for (const { pid } of rows) {
    const time = await processCpuMs(pid);
    if (time !== undefined) times.set(pid, time);
  }
  return times;
}

/**
 * CPU spent during `work` by this process and by the PostgreSQL backends serving the bench's
 * database (read from /proc, so only where PostgreSQL runs on this machine; NaN elsewhere). A
 * backend that started during the work counts whole; one that ended during it is missed.
 */
async function cpuDuring<T>(owner: pg.Pool, database: string, work: () => Promise<T>): Promise<{ value: T; nodeMs: number; postgresMs: number }> {
  const before = await backendsCpuMs(owner, database);
  const nodeBefore = process.cpuUsage();
  const value = await work();
  const node = process.cpuUsage(nodeBefore);
  const after = await backendsCpuMs(owner, database);
  let postgresMs = 0;
  for (const [pid, total] of after) postgresMs += total - (before.get(pid) ?? 0);
  return { value, nodeMs: (node.user + node.system) / 1000, postgresMs: after.size ? postgresMs : Number.NaN };
}

interface Measuring {
  owner: pg.Pool;
  database: string;
}

/** Warm-up, then the measured run, each in one autocannon worker thread. */
async function httpLoad(
  measuring: Measuring,
  url: string,
  headers: Record<string, string>,
  requests: HttpRequest[],
  options: { idReplacement?: boolean } = {},
): Promise<Figures> {
  const run = (duration: number) =>
    autocannon({ url, headers, requests: requests.map((request) => ({ ...request })), connections: CONNECTIONS, duration, workers: 1, ...options });
  const warmup = await run(WARMUP_S);
  const measured = await cpuDuring(measuring.owner, measuring.database, () => run(DURATION_S));
  const figures = httpFigures(measured.value, warmup);
  return { ...figures, nodeCpuMsPerRequest: measured.nodeMs / figures.requests, postgresCpuMsPerRequest: measured.postgresMs / figures.requests };
}

/** The worker warms up and measures in one go: CPU is taken over both, per transaction of both. */
async function sqlLoad(spec: SqlLoadSpec): Promise<SqlLoadResult & { nodeCpuMsPerRequest: number; postgresCpuMsPerRequest: number }> {
  const nodeBefore = process.cpuUsage();
  const result = await new Promise<SqlLoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('./sql-load-worker.js', import.meta.url), { workerData: spec });
    worker.once('message', (message: SqlLoadResult) => resolve(message));
    worker.once('error', reject);
  });
  const node = process.cpuUsage(nodeBefore);
  return {
    ...result,
    nodeCpuMsPerRequest: (node.user + node.system) / 1000 / result.transactions,
    postgresCpuMsPerRequest: result.postgresCpuMs / result.transactions,
  };
}

async function api<T>(url: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

interface ListCase {
  label: string;
  table: string;
  path: string;
  /** Turns the first page's query into a deep page's (see the deep cursor case). */
  deepen?: (query: SqlQuery, nextCursor: string) => Promise<SqlQuery>;
}

interface Plan {
  label: string;
  path: string;
  rows: number;
  executionMs: number;
  indexes: string[];
  seqScans: string[];
  text: string;
}

/** EXPLAIN (ANALYZE, BUFFERS) of each query a request sent, in one transaction as the service's role. */
async function explain(owner: pg.Pool, seeded: SeededCrm, queries: SqlQuery[]): Promise<string> {
  const client = await owner.connect();
  try {
    await client.query('START TRANSACTION');
    await client.query(`SET LOCAL role ${runtimeRoleFor('crm')}`);
    await client.query('SELECT set_config($1, $2, true)', [WORKSPACE_SETTING, seeded.bigWorkspaceId]);
    const texts: string[] = [];
    for (const query of queries) {
      const explainText = `EXPLAIN (ANALYZE, BUFFERS) ${query.text}`;
      // Once to warm the cache as the load would, once to report.
      await client.query(explainText, query.values);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(explainText, query.values);
      texts.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
    }
    return texts.join('\n-- then\n');
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

function planOf(listCase: ListCase, text: string, rows: number): Plan {
  return {
    label: listCase.label,
    path: listCase.path,
    rows,
    executionMs: [...text.matchAll(/Execution Time: ([\d.]+) ms/g)].reduce((sum, match) => sum + Number(match[1]), 0),
    indexes: [
      ...new Set([...text.matchAll(/Index (?:Only )?Scan(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)/g)].map((match) => match[1] ?? match[2]!)),
    ],
    seqScans: [...new Set([...text.matchAll(/Seq Scan on (\w+)/g)].map((match) => match[1]!))],
    text,
  };
}

async function deleteStreams(natsUrl: string, namespace: string): Promise<void> {
  const nats = await connect({ servers: natsUrl });
  try {
    const streams = await jetstreamManager(nats);
    for (const name of [eventStreamName(namespace), deadLetterStreamName(namespace)]) await streams.streams.delete(name).catch(() => false);
  } finally {
    await nats.close();
  }
}

/** The seed's parts in the order they ran (the marker keeps them in jsonb, which reorders keys). */
function seedParts(seconds: Record<string, number>): string {
  const order = ['migrations', 'big', 'small', 'indexes', 'vacuum'];
  const steps = ['pipeline', 'settings', 'companies', 'contacts', 'deals', 'deal_contacts'];
  const rank = (part: string) => {
    const [first = '', step = ''] = part.split(' ');
    return order.indexOf(first) * 100 + steps.indexOf(step);
  };
  return Object.entries(seconds)
    .filter(([part]) => part !== 'total')
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([part, took]) => `${part} ${fixed(took)} s`)
    .join(', ');
}

function markdownReport(
  seeded: SeededCrm,
  figures: Record<string, Figures>,
  ratios: Record<string, number>,
  plans: Plan[],
  load: { before: number; after: number },
): string {
  const row = (label: string, x: Figures) =>
    `| ${label} | ${fixed(x.requestsPerSecond, 0)} | ${fixed(x.p50Ms)} | ${fixed(x.p95Ms)} | ${fixed(x.p99Ms)} | ${fixed(x.nodeCpuMsPerRequest ?? Number.NaN, 2)} | ${fixed(x.postgresCpuMsPerRequest ?? Number.NaN, 2)} |`;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    GENERATED_START,
    '',
    `Run of ${new Date().toISOString().slice(0, 10)} on ${availableParallelism()} cores (${cpu}), PostgreSQL, nats-server, the services and the load generators on the same machine;`,
    `${CONNECTIONS} connections, ${DURATION_S} s measured after ${WARMUP_S} s of warm-up per row. Seed: ${seeded.sizes.contacts.toLocaleString('en')} contacts,`,
    `${seeded.sizes.companies.toLocaleString('en')} companies, ${seeded.sizes.deals.toLocaleString('en')} deals in the measured workspace, beside ${seeded.sizes.smallWorkspaces} workspaces of`,
    `${seeded.sizes.smallContacts.toLocaleString('en')} contacts; seeded in ${fixed(seeded.seedSeconds.total ?? Number.NaN, 0)} s (${seedParts(seeded.seedSeconds)}).`,
    `Load average (1 min) ${fixed(load.before, 2)} before the loads and ${fixed(load.after, 2)} after them.`,
    '',
    '| path | req/s | p50 ms | p95 ms | p99 ms | Node CPU ms/request | PostgreSQL CPU ms/request |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('`GET /contacts?q=…&lifecycleStage=lead&limit=100` through the gateway', figures.searchHttp!),
    row('the same SQL straight through pg', figures.searchSql!),
    row('`GET /contacts/:id`', figures.getById!),
    row('`POST /contacts`', figures.create!),
    '',
    `Gateway ÷ pg for the search: throughput ${fixed(ratios.throughput!, 3)}, p50 ×${fixed(ratios.p50!, 2)}, p95 ×${fixed(ratios.p95!, 2)}.`,
    '',
    '### Plans',
    '',
    'Each list query the API serves, as the crm service sent it (caught in pg), explained with `EXPLAIN (ANALYZE, BUFFERS)` as the',
    "service's role with the workspace set, after one unreported run to warm the cache.",
    '',
    '| list | rows | execution ms | indexes |',
    '| --- | ---: | ---: | --- |',
    ...plans.map((plan) => `| ${plan.label} | ${plan.rows} | ${fixed(plan.executionMs, 2)} | ${plan.indexes.map((name) => `\`${name}\``).join(', ')} |`),
    '',
    ...plans.flatMap((plan) => [`#### ${plan.label}`, '', `\`${plan.path}\``, '', '```text', plan.text, '```', '']),
    GENERATED_END,
  ];
  return lines.join('\n');
}

async function writeReport(report: string): Promise<void> {
  const current = await readFile(PERFORMANCE_DOC, 'utf8').catch(() => '');
  const start = current.indexOf(GENERATED_START);
  const end = current.indexOf(GENERATED_END);
  const next = start >= 0 && end > start ? current.slice(0, start) + report + current.slice(end + GENERATED_END.length) : `${current.trimEnd()}\n\n${report}\n`;
  await writeFile(PERFORMANCE_DOC, next);
}

/**
 * Plays the auth service's part the gateway needs (this bench runs no auth): publishes the public
 * half of a key the bench signs its access token with, on auth.signing-keys.jwks.
 */
async function publishSigningKey(env: Record<string, string>): Promise<{ sign(claims: Record<string, unknown>): Promise<string>; nats: NatsConnection }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const kid = 'bench';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
  const nats = await connect({ servers: env.NATS_URL! });
  nats.subscribe(`${env.NATS_NAMESPACE!}auth.signing-keys.jwks`, {
    callback: (_error, message: Msg) => {
      message.respond(JSON.stringify({ id: message.json<{ id: string }>().id, response: { keys: [jwk] }, isDisposed: true }));
    },
  });
  await nats.flush();
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
      .setIssuer('kinship')
      .setAudience('kinship-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
  return { sign, nats };
}

async function main(): Promise<number> {
  const seeded = await ensureSeededCrm();
  if (!seeded.seededNow) {
    print(`Seeded database reused (${JSON.stringify(seeded.sizes)}); it was seeded in ${fixed(seeded.seedSeconds.total ?? Number.NaN)} s.`);
  }
  const env = migrationEnv(seeded.databaseUrl);
  const capture = new SqlCapture();
  const owner = new pg.Pool({ connectionString: seeded.databaseUrl, max: 2 });
  const benchUserId = randomUUID();
  let crm: RunningService | undefined;
  let gateway: RunningService | undefined;
  const signingKey = await publishSigningKey(env);
  try {
    crm = await startService(crmService, env);
    gateway = await startGateway(env);
    const url = `${gateway.url}/api/v1`;
    const token = await signingKey.sign({ sub: benchUserId, wid: seeded.bigWorkspaceId, role: 'owner', sid: randomUUID(), typ: 'access' });
    const bearer = { authorization: `Bearer ${token}` };

    const ws = seeded.bigWorkspaceId;
    const [{ company_id: busyCompany }] = (
      await owner.query<{ company_id: string }>(
        `SELECT company_id FROM crm.contacts WHERE workspace_id = $1 AND company_id IS NOT NULL AND deleted_at IS NULL GROUP BY company_id ORDER BY count(*) DESC LIMIT 1`,
        [ws],
      )
    ).rows as [{ company_id: string }];
    const [{ id: proposalStage }] = (
      await owner.query<{ id: string }>(`SELECT s.id FROM crm.pipeline_stages s WHERE s.workspace_id = $1 AND s.name = 'Proposal'`, [ws])
    ).rows as [{ id: string }];
    const contactIds = (
      await owner.query<{ id: string }>(`SELECT id FROM crm.contacts TABLESAMPLE SYSTEM (1) WHERE workspace_id = $1 AND deleted_at IS NULL LIMIT 1000`, [ws])
    ).rows.map((row) => row.id);
    // A cursor half-way down the default list: the key of the row there, as the service would have put it in the cursor.
    const [deepRow] = (
      await owner.query<{ key: string; id: string }>(
        `SELECT created_at::text AS key, id FROM crm.contacts WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
        [ws, Math.floor(seeded.sizes.contacts / 2)],
      )
    ).rows as [{ key: string; id: string }];
    const deepCursor = async (query: SqlQuery, nextCursor: string): Promise<SqlQuery> => {
      const { k, i } = JSON.parse(Buffer.from(nextCursor.split('.')[0]!, 'base64url').toString('utf8')) as { k: string; i: string };
      const values = query.values.map((value) => (value === k ? deepRow.key : value === i ? deepRow.id : value));
      if (values.filter((value, index) => value !== query.values[index]).length !== 2)
        throw new Error('the cursor page query does not carry the cursor as two parameters');
      return { text: query.text, values };
    };

    const cases: ListCase[] = [
      { label: 'contacts, default list (newest first)', table: 'crm.contacts', path: '/contacts' },
      { label: 'contacts, lifecycleStage=lead', table: 'crm.contacts', path: '/contacts?lifecycleStage=lead' },
      ...SEARCH_PREFIXES.map(({ q, what }) => ({ label: `contacts, q=${q} — ${what}`, table: 'crm.contacts', path: `/contacts?q=${q}` })),
      ...SEARCH_PREFIXES.map(({ q }) => ({
        label: `contacts, q=${q} + lifecycleStage=lead (the measured search)`,
        table: 'crm.contacts',
        path: `/contacts?q=${q}&lifecycleStage=lead&limit=100`,
      })),
      { label: 'contacts, sort=lastName', table: 'crm.contacts', path: '/contacts?sort=lastName' },
      {
        label: `contacts, cursor page ${Math.floor(seeded.sizes.contacts / 2).toLocaleString('en')} rows down`,
        table: 'crm.contacts',
        path: '/contacts?cursor=…',
        deepen: deepCursor,
      },
      { label: 'contacts, sort=-updatedAt', table: 'crm.contacts', path: '/contacts?sort=-updatedAt' },
      { label: 'contacts, tags=vip', table: 'crm.contacts', path: '/contacts?tags=vip' },
      // A tag no contact holds: the case the tags index is for (a common one is read in list order).
      { label: 'contacts, tags=unused (a tag no contact holds)', table: 'crm.contacts', path: '/contacts?tags=unused' },
      { label: 'contacts, ownerId of one of the owners', table: 'crm.contacts', path: `/contacts?ownerId=${seeded.ownerIds[1] ?? seeded.ownerIds[0]}` },
      { label: 'contacts, companyId of the company with most contacts', table: 'crm.contacts', path: `/contacts?companyId=${busyCompany}` },
      { label: 'companies, default list', table: 'crm.companies', path: '/companies' },
      { label: 'companies, q=north', table: 'crm.companies', path: '/companies?q=north' },
      { label: 'deals, default list', table: 'crm.deals', path: '/deals' },
      { label: 'deals, stageId=Proposal', table: 'crm.deals', path: `/deals?stageId=${proposalStage}` },
      { label: 'deals, q=north', table: 'crm.deals', path: '/deals?q=north' },
    ];

    print(`Plans of ${cases.length} list queries (EXPLAIN ANALYZE, BUFFERS)…`);
    const plans: Plan[] = [];
    const searchQueries: SqlQuery[][] = [];
    for (const listCase of cases) {
      let queries: SqlQuery[];
      let rows: number;
      if (listCase.deepen) {
        const first = await api<{ nextCursor: string | null }>(url, token, 'GET', '/contacts');
        if (!first.nextCursor) throw new Error('GET /contacts gave no next cursor');
        const second = await capture.listQueriesOf(listCase.table, () =>
          api<{ data: unknown[] }>(url, token, 'GET', `/contacts?cursor=${encodeURIComponent(first.nextCursor!)}`),
        );
        queries = [await listCase.deepen(second.queries[0]!, first.nextCursor)];
        rows = second.answer.data.length;
      } else {
        const caught = await capture.listQueriesOf(listCase.table, () => api<{ data: unknown[] }>(url, token, 'GET', listCase.path));
        queries = caught.queries;
        rows = caught.answer.data.length;
        if (listCase.path.includes('&lifecycleStage=lead&limit=100')) searchQueries.push(queries);
      }
      const plan = planOf(listCase, await explain(owner, seeded, queries), rows);
      plans.push(plan);
      print(`\n-- ${plan.label}: ${listCase.path} → ${rows} rows, ${fixed(plan.executionMs, 2)} ms, indexes ${plan.indexes.join(', ') || 'none'}`);
      print(plan.text);
    }

    const loadBefore = loadavg()[0]!;
    const paths = SEARCH_PREFIXES.map(({ q }) => ({ method: 'GET' as const, path: `/api/v1/contacts?q=${q}&lifecycleStage=lead&limit=100` }));
    print(
      `\nGET /contacts?q={${SEARCH_PREFIXES.map(({ q }) => q).join(',')}}&lifecycleStage=lead&limit=100 through the gateway, ${CONNECTIONS} connections, ${WARMUP_S} + ${DURATION_S} s…`,
    );
    const measuring: Measuring = { owner, database: new URL(seeded.databaseUrl).pathname.slice(1) };
    const searchHttp = await httpLoad(measuring, gateway.url, bearer, paths);
    print(`The same SQL through pg, ${CONNECTIONS} clients, ${WARMUP_S} + ${DURATION_S} s…`);
    const searchSql = sqlFigures(
      await sqlLoad({
        databaseUrl: seeded.databaseUrl,
        role: runtimeRoleFor('crm'),
        workspaceSetting: WORKSPACE_SETTING,
        workspaceId: ws,
        queries: searchQueries,
        connections: CONNECTIONS,
        warmupS: WARMUP_S,
        durationS: DURATION_S,
      }),
    );
    print(`GET /contacts/:id over ${contactIds.length} contacts…`);
    const getById = await httpLoad(
      measuring,
      gateway.url,
      bearer,
      contactIds.map((id) => ({ method: 'GET', path: `/api/v1/contacts/${id}` })),
    );
    print('POST /contacts with a new email each…');
    const create = await httpLoad(
      measuring,
      gateway.url,
      { ...bearer, 'content-type': 'application/json' },
      [
        {
          method: 'POST',
          path: '/api/v1/contacts',
          body: JSON.stringify({ firstName: 'Bench', lastName: 'Writer', email: 'bench-[<id>]@example.com', lifecycleStage: 'lead', tags: ['bench'] }),
        },
      ],
      { idReplacement: true },
    );

    const loadAverage = { before: loadBefore, after: loadavg()[0]! };
    const figures = { searchHttp, searchSql, getById, create };
    const ratios = {
      throughput: searchHttp.requestsPerSecond / searchSql.requestsPerSecond,
      p50: searchHttp.p50Ms / searchSql.p50Ms,
      p95: searchHttp.p95Ms / searchSql.p95Ms,
    };
    const row = (label: string, x: Figures) =>
      `  ${label.padEnd(44)} ${fixed(x.requestsPerSecond, 0).padStart(7)} req/s   p50 ${fixed(x.p50Ms).padStart(6)} ms   p95 ${fixed(x.p95Ms).padStart(6)} ms   p99 ${fixed(x.p99Ms).padStart(6)} ms` +
      `   CPU/request: node ${fixed(x.nodeCpuMsPerRequest ?? Number.NaN, 2)} ms, postgres ${fixed(x.postgresCpuMsPerRequest ?? Number.NaN, 2)} ms   failures ${x.failures}`;
    print();
    print(`crm at ${seeded.sizes.contacts} contacts — ${CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s warm-up`);
    print(row('GET /contacts?q=…&lifecycleStage=lead (gateway)', searchHttp));
    print(row('same SQL straight through pg', searchSql));
    print(`  gateway ÷ pg: throughput ${fixed(ratios.throughput, 3)}   p50 ×${fixed(ratios.p50, 2)}   p95 ×${fixed(ratios.p95, 2)}`);
    print(row('GET /contacts/:id', getById));
    print(row('POST /contacts', create));
    print(
      `  load average (1 min) ${fixed(loadAverage.before, 2)} before the loads, ${fixed(loadAverage.after, 2)} after, on ${availableParallelism()} cores:` +
        ' above the core count, something else was using the machine and the figures are low.',
    );

    const scanned = plans.filter((plan) => TABLES_THAT_MUST_NOT_BE_SCANNED.test(plan.text));
    const failures = Object.values(figures).reduce((sum, x) => sum + x.failures, 0);
    await saveResult('crm', {
      sizes: seeded.sizes,
      seedSeconds: seeded.seedSeconds,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      loadAverage,
      ...figures,
      ratios,
      plans,
      failures,
    });
    await writeReport(markdownReport(seeded, figures, ratios, plans, loadAverage));
    print(`\nFigures and plans written to docs/performance.md.`);
    let code = 0;
    if (failures > 0) {
      for (const [label, x] of Object.entries(figures))
        if (x.failures > 0) print(`  ${label}: ${x.failures} failures, answers by status ${JSON.stringify(x.statusCodes)}`);
      print(`FAILED: ${failures} errors, timeouts or non-2xx answers.`);
      code = 1;
    }
    if (scanned.length > 0) {
      print(`FAILED: a sequential scan of contacts, companies or deals in: ${scanned.map((plan) => plan.label).join('; ')}`);
      code = 1;
    }
    return code;
  } finally {
    await gateway?.close();
    await crm?.close();
    await signingKey.nats.close();
    // What the bench wrote goes, so the seeded database stays as seeded for the next run.
    await owner.query(`DELETE FROM crm.contacts WHERE workspace_id = $1 AND created_by = $2`, [seeded.bigWorkspaceId, benchUserId]);
    await owner.query(`TRUNCATE crm.outbox, crm.inbox`);
    await owner.end();
    await deleteStreams(env.NATS_URL!, env.NATS_NAMESPACE!);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`crm failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
