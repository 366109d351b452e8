/**
 * The request path of issue 11: `GET /contacts/:id` and one contacts list page through the gateway
 * → NATS → crm, each running as its own process as deployed (`node services/<x>/dist/main.js`,
 * with tracing and info logs), against one Fastify + pg process sending the same SQL in the same
 * row-level-security transaction (rpc-contacts-baseline.ts). Both sides are measured in the same
 * run, interleaved over several rounds, at 64 connections; then each at a steady 200 req/s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runtimeRoleFor, WORKSPACE_SETTING } from '@kinship/persistence';
import { migrateService, startService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { fixed, measured, numberFromEnv, print, saveResult, type Measured } from './lib.js';
import { loopDelayOf, pacedLoadInWorker, type LoopDelay } from './paced-load.js';
import type { BaselineSpec, SqlTimings } from './rpc-contacts-baseline.js';
import { startServiceProcess, stopServiceProcess } from './service-processes.js';
import { SqlCapture } from './sql-capture.js';
import { processCpuMs } from './sql-load-worker.js';

const CONNECTIONS = 64;
const STEADY_RATE = 200;
const STEADY_CONNECTIONS = 16;
const DURATION_S = numberFromEnv('BENCH_DURATION', 10);
/** Longer steady runs give a p99 from more requests: one pause moves the p99 of 2,000 requests a lot. */
const STEADY_DURATION_S = numberFromEnv('BENCH_STEADY_DURATION', DURATION_S);
const WARMUP_S = numberFromEnv('BENCH_WARMUP', 3);
const ROUNDS = numberFromEnv('BENCH_ROUNDS', 3);
const CONTACTS = 500;
const PAGE_SIZE = 25;
const LIST_PATH = `/api/v1/contacts?limit=${PAGE_SIZE}`;
/** A directory to write `--cpu-prof` profiles of the gateway and crm processes into, in gateway/ and crm/ (summarise with cpu-profile-summary.js). */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
/** The crm's default pool (postgresOptions), which the baseline copies. */
const POOL_SIZE = 10;

interface Side {
  label: string;
  url: string;
  /** The processes that serve this side, for their CPU time. */
  pids: number[];
  /** The side's services by name, whose /metrics give their event-loop delay and garbage collection. */
  services: Record<string, string>;
  /** Where the side times its requests layer by layer (the plain process: its SQL). */
  layers: Layer[];
}

/** One hop of a request, timed by a histogram of a service's /metrics, or by the plain process's SQL timings. */
interface Layer {
  name: string;
  service?: string;
  metric?: string;
  /** The series of the operation (the steady runs measure one operation at a time, so a pattern may cover both). */
  labels?: RegExp;
  /** The plain process's GET /sql-timings. */
  sqlTimingsUrl?: string;
}

/** How many requests a layer timed in the window and how many took longer than 10, 25 and 50 ms (edges of LATENCY_BUCKETS). */
interface LayerFigures {
  count: number;
  over10Ms: number;
  over25Ms: number;
  over50Ms: number;
}

interface Run extends Measured {
  /** CPU time of the side's processes per request served in the measured window. */
  cpuMsPerRequest: number;
}

/** What held a process's event loop during a measured window: how late its timers ran, and its garbage collections. */
interface LoopFigures extends LoopDelay {
  gcCount: number;
  gcMs: number;
  /** Collections longer than 10 ms (prom-client's bucket edge nearest a tail that matters). */
  gcOver10Ms: number;
}

/** A thread whose collections are not counted (no /metrics of its own). */
const NO_GC_FIGURES = { gcCount: Number.NaN, gcMs: Number.NaN, gcOver10Ms: Number.NaN };

interface SteadyRun extends Run {
  /** Per process: the services of the side from their /metrics, this process's main thread (auth) and the load generator's thread. */
  loops: Record<string, LoopFigures>;
  /** Per hop, outermost first: which of them the slow requests were slow in. */
  layers: Record<string, LayerFigures>;
}

interface GcTotals {
  count: number;
  seconds: number;
  upTo10Ms: number;
}

/** prom-client's event-loop histogram times a 10 ms repeating timer: each figure is the interval plus the delay. */
const SERVICE_LOOP_RESOLUTION_MS = 10;

function metricValue(metrics: string, name: string): number {
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
}

/** Sums a histogram of prom-client's garbage-collection metric over its kinds (minor, major, incremental, weakcb). */
function gcTotals(metrics: string): GcTotals {
  const sum = (pattern: RegExp) => [...metrics.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  return {
    count: sum(/^nodejs_gc_duration_seconds_count\{[^}]*\} (\S+)$/gm),
    seconds: sum(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    upTo10Ms: sum(/^nodejs_gc_duration_seconds_bucket\{[^}]*le="0\.01"[^}]*\} (\S+)$/gm),
  };
}

async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** A histogram's cumulative bucket counts by upper edge (`le`), summed over the series whose labels match. */
function histogramBuckets(metrics: string, metric: string, labels: RegExp): Map<string, number> {
  const buckets = new Map<string, number>();
  for (const match of metrics.matchAll(new RegExp(`^${metric}_bucket\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    if (!labels.test(match[1]!)) continue;
    const le = /le="([^"]+)"/.exec(match[1]!)![1]!;
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
  }
  return buckets;
}

function layerFigures(before: string, after: string, metric: string, labels: RegExp): LayerFigures {
  const start = histogramBuckets(before, metric, labels);
  const end = histogramBuckets(after, metric, labels);
  const within = (le: string) => (end.get(le) ?? 0) - (start.get(le) ?? 0);
  const count = within('+Inf');
  return { count, over10Ms: count - within('0.01'), over25Ms: count - within('0.025'), over50Ms: count - within('0.05') };
}

async function sqlTimings(url: string): Promise<SqlTimings> {
  return (await fetch(url)).json() as Promise<SqlTimings>;
}

/**
 * Event-loop delay and garbage collection of each process of a side over `work`: prom-client's
 * event-loop histogram (10 ms resolution) restarts at every scrape, so the scrape before opens the
 * window; its GC histogram counts from start, so the window is the difference. The bench's own
 * loop (the paced load's timer, and the auth service, which runs in this process) is watched
 * with a histogram of 1 ms resolution. Every figure is the delay beyond the timer's interval.
 */
async function withLoopFigures<T>(
  side: Side,
  work: () => Promise<T>,
): Promise<{ result: T; loops: Record<string, LoopFigures>; layers: Record<string, LayerFigures> }> {
  const names = Object.keys(side.services);
  const before = await Promise.all(names.map((name) => scrape(side.services[name]!)));
  // Opens the plain process's window: it hands over (and forgets) what it timed so far.
  await Promise.all(side.layers.filter((layer) => layer.sqlTimingsUrl).map((layer) => sqlTimings(layer.sqlTimingsUrl!)));
  const own = monitorEventLoopDelay({ resolution: 1 });
  own.enable();
  const result = await work();
  own.disable();
  const after = await Promise.all(names.map((name) => scrape(side.services[name]!)));
  const loops: Record<string, LoopFigures> = {};
  names.forEach((name, index) => {
    const gcBefore = gcTotals(before[index]!);
    const gcAfter = gcTotals(after[index]!);
    loops[name] = {
      p50Ms: metricValue(after[index]!, 'nodejs_eventloop_lag_p50_seconds') * 1000 - SERVICE_LOOP_RESOLUTION_MS,
      p99Ms: metricValue(after[index]!, 'nodejs_eventloop_lag_p99_seconds') * 1000 - SERVICE_LOOP_RESOLUTION_MS,
      maxMs: metricValue(after[index]!, 'nodejs_eventloop_lag_max_seconds') * 1000 - SERVICE_LOOP_RESOLUTION_MS,
      gcCount: gcAfter.count - gcBefore.count,
      gcMs: (gcAfter.seconds - gcBefore.seconds) * 1000,
      gcOver10Ms: gcAfter.count - gcAfter.upTo10Ms - (gcBefore.count - gcBefore.upTo10Ms),
    };
  });
  loops['bench main thread (auth)'] = { ...loopDelayOf(own), ...NO_GC_FIGURES };
  const layers: Record<string, LayerFigures> = {};
  for (const layer of side.layers) {
    if (layer.sqlTimingsUrl) {
      const timings = await sqlTimings(layer.sqlTimingsUrl);
      layers[layer.name] = { count: timings.count, over10Ms: timings.over10Ms, over25Ms: Number.NaN, over50Ms: Number.NaN };
      continue;
    }
    const index = names.indexOf(layer.service!);
    layers[layer.name] = layerFigures(before[index]!, after[index]!, layer.metric!, layer.labels!);
  }
  return { result, loops, layers };
}

function startBaseline(spec: BaselineSpec): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./rpc-contacts-baseline.js', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(spec);
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url?: string; error?: string }) =>
      message.url ? resolve({ child, url: message.url }) : reject(new Error(`baseline: ${message.error}`)),
    );
    child.once('exit', (code) => reject(new Error(`baseline exited (${code}) before starting`)));
  });
}

async function cpuMsOf(pids: number[]): Promise<number> {
  const times = await Promise.all(pids.map((pid) => processCpuMs(pid)));
  return times.reduce<number>((sum, time) => sum + (time ?? Number.NaN), 0);
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

/** Warm-up, then the measured run, each in one autocannon worker thread; CPU of the side's processes over the measured run. */
async function measure(side: Side, headers: Record<string, string>, paths: string[]): Promise<Run> {
  const run = (duration: number) =>
    autocannon({ url: side.url, headers, requests: paths.map((path) => ({ method: 'GET', path })), connections: CONNECTIONS, duration, workers: 1 });
  const warmup = await run(WARMUP_S);
  const cpuBefore = await cpuMsOf(side.pids);
  const result: Result = await run(DURATION_S);
  const cpuMs = (await cpuMsOf(side.pids)) - cpuBefore;
  const figures = measured(result, [warmup]);
  return { ...figures, cpuMsPerRequest: cpuMs / figures.requests };
}

/** The same at a steady rate, paced evenly (pacedLoad says why not autocannon's rate). */
async function measureSteady(side: Side, headers: Record<string, string>, paths: string[]): Promise<SteadyRun> {
  const load = (durationS: number) => pacedLoadInWorker({ url: side.url, headers, paths, rate: STEADY_RATE, durationS, connections: STEADY_CONNECTIONS });
  const warmup = await load(WARMUP_S);
  const cpuBefore = await cpuMsOf(side.pids);
  const {
    result: { loop, ...figures },
    loops,
    layers,
  } = await withLoopFigures(side, () => load(STEADY_DURATION_S));
  const cpuMs = (await cpuMsOf(side.pids)) - cpuBefore;
  loops['load generator'] = { ...loop, ...NO_GC_FIGURES };
  // Failures during a warm-up count too: a path that fails at all has not been measured.
  return {
    ...figures,
    errors: figures.errors + warmup.errors,
    non2xx: figures.non2xx + warmup.non2xx,
    cpuMsPerRequest: cpuMs / figures.requests,
    loops,
    layers,
  };
}

function loopLine(loops: Record<string, LoopFigures>): string {
  return Object.entries(loops)
    .map(
      ([name, loop]) =>
        `${name} p50/p99/max ${fixed(loop.p50Ms)}/${fixed(loop.p99Ms)}/${fixed(loop.maxMs)} ms` +
        (Number.isNaN(loop.gcCount) ? '' : `, GC ${loop.gcCount}× ${fixed(loop.gcMs)} ms (${loop.gcOver10Ms} over 10 ms)`),
    )
    .join('; ');
}

function layerLine(layers: Record<string, LayerFigures>): string {
  const share = (over: number, count: number) => (Number.isNaN(over) ? '' : ` ${over} (${fixed((100 * over) / count, 1)}%)`);
  return Object.entries(layers)
    .map(
      ([name, layer]) =>
        `${name}: ${layer.count} timed, over 10/25/50 ms${share(layer.over10Ms, layer.count)}${share(layer.over25Ms, layer.count)}${share(layer.over50Ms, layer.count)}`,
    )
    .join('; ');
}

function range(values: number[], digits = 0): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? fixed(low, digits) : `${fixed(low, digits)}–${fixed(high, digits)}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<number> {
  let environment: TestEnvironment | undefined;
  let auth: RunningService | undefined;
  let capturingCrm: RunningService | undefined;
  let crm: ChildProcess | undefined;
  let gateway: ChildProcess | undefined;
  let baseline: ChildProcess | undefined;
  try {
    environment = await createTestEnvironment('bench rpc-contacts');
    const env = { ...environment.env };
    const logDirectory = await mkdtemp(join(tmpdir(), 'kinship-bench-rpc-contacts-'));
    auth = await startTestService(authService, environment);
    await migrateService(crmService, env);
    // First a crm in this process, to catch the SQL it sends; the measured crm is a process of its own.
    const capture = new SqlCapture();
    capturingCrm = await startService(crmService, env);
    const started = await startServiceProcess('gateway', env, logDirectory, CPU_PROFILE_DIR);
    gateway = started.child;
    const gatewayUrl = started.url;

    const registered = await api<{ accessToken: string; workspace: { id: string } }>(gatewayUrl, undefined, 'POST', '/auth/register', {
      email: `bench-${randomBytes(3).toString('hex')}@example.com`,
      password: 'amber-cobalt-violin-meadow-4',
      name: 'Bench Owner',
      workspaceName: 'Bench rpc contacts',
    });
    const token = registered.accessToken;
    const ids: string[] = [];
    for (let batch = 0; batch < CONTACTS; batch += 20) {
      const created = await Promise.all(
        Array.from({ length: Math.min(20, CONTACTS - batch) }, (_, index) =>
          api<{ id: string }>(gatewayUrl, token, 'POST', '/contacts', {
            firstName: `Ada${batch + index}`,
            lastName: 'Lovelace',
            email: `ada-${batch + index}@example.com`,
            lifecycleStage: 'lead',
            tags: ['bench'],
          }),
        ),
      );
      ids.push(...created.map((contact) => contact.id));
    }
    // The statistics autovacuum would gather: without them the list's plan reads every contact of the
    // workspace and sorts them (the table looks empty), and flips to the index once autovacuum gets there.
    const owner = new pg.Client({ connectionString: environment.databaseUrl });
    await owner.connect();
    await owner.query('ANALYZE crm.contacts');
    await owner.end();
    const capturedGet = await capture.queriesOf(() => api<{ id: string }>(gatewayUrl, token, 'GET', `/contacts/${ids[0]}`));
    // The outbox relay of the contacts just created may have written meanwhile: keep the read only.
    const getQueries = capturedGet.queries.filter((query) => query.text.includes('FROM crm.contacts r'));
    if (getQueries.length !== 1)
      throw new Error(`expected one read of the contact, caught: ${capturedGet.queries.map((query) => query.text.slice(0, 80)).join(' | ')}`);
    // The baseline opens its transactions as the crm does; one that set no workspace would see no rows.
    const opening = capture.openingOf(getQueries[0]!);
    if (!opening.some((query) => query.text.includes(WORKSPACE_SETTING) || query.values.includes(WORKSPACE_SETTING)))
      throw new Error(`the read's transaction did not open with the workspace setting: ${opening.map((query) => query.text).join(' | ')}`);
    const capturedList = await capture.listQueriesOf('crm.contacts', () =>
      api<{ data: unknown[] }>(gatewayUrl, token, 'GET', LIST_PATH.slice('/api/v1'.length)),
    );
    await capturingCrm.close();
    capturingCrm = undefined;
    const crmStarted = await startServiceProcess('crm', env, logDirectory, CPU_PROFILE_DIR);
    crm = crmStarted.child;
    const baselineStarted = await startBaseline({
      databaseUrl: environment.databaseUrl,
      role: runtimeRoleFor('crm'),
      opening,
      poolSize: POOL_SIZE,
      get: { queries: getQueries, capturedId: ids[0]! },
      list: capturedList.queries,
      pageSize: PAGE_SIZE,
    });
    baseline = baselineStarted.child;

    const viaGateway: Side = {
      label: 'gateway → NATS → crm',
      url: gatewayUrl,
      pids: [gateway.pid!, crm.pid!],
      services: { gateway: gatewayUrl, crm: crmStarted.url },
      layers: [
        { name: 'gateway HTTP', service: 'gateway', metric: 'http_request_duration_seconds', labels: /route="\/api\/v1\/contacts[^"]*"/ },
        { name: 'gateway → crm request', service: 'gateway', metric: 'rpc_client_duration_seconds', labels: /pattern="crm\.contacts\.(get|list)"/ },
        { name: 'crm handler', service: 'crm', metric: 'rpc_request_duration_seconds', labels: /pattern="crm\.contacts\.(get|list)"/ },
      ],
    };
    const plain: Side = {
      label: 'Fastify + pg',
      url: baselineStarted.url,
      pids: [baseline.pid!],
      services: {},
      layers: [{ name: 'SQL (its statements, pg parsing included)', sqlTimingsUrl: `${baselineStarted.url}/sql-timings` }],
    };
    const headers = { authorization: `Bearer ${token}` };
    const getPaths = ids.map((id) => `/api/v1/contacts/${id}`);

    // Both answer the same rows: a wrong route would make a fast benchmark of 404s.
    for (const side of [viaGateway, plain]) {
      const one = await api<{ id: string }>(side.url, token, 'GET', `/contacts/${ids[1]}`);
      const page = await api<{ data: Array<{ id: string }> }>(side.url, token, 'GET', LIST_PATH.slice('/api/v1'.length));
      if (one.id !== ids[1] || page.data.length !== capturedList.answer.data.length) throw new Error(`${side.label} answered other rows`);
    }

    const operations = [
      { name: 'GET /contacts/:id', paths: getPaths },
      { name: `GET ${LIST_PATH.slice('/api/v1'.length)}`, paths: [LIST_PATH] },
    ];
    const rounds: Array<Record<string, { gateway: Run; plain: Run }>> = [];
    const loadBefore = loadavg()[0]!;
    for (let round = 1; round <= ROUNDS; round++) {
      const results: Record<string, { gateway: Run; plain: Run }> = {};
      for (const operation of operations) {
        // The side measured first alternates, so neither always runs on a machine the other just warmed or loaded.
        const order = round % 2 === 1 ? [viaGateway, plain] : [plain, viaGateway];
        const runs = new Map<Side, Run>();
        for (const side of order) {
          print(`round ${round}/${ROUNDS}: ${operation.name} — ${side.label}, ${CONNECTIONS} connections, ${WARMUP_S} + ${DURATION_S} s…`);
          runs.set(side, await measure(side, headers, operation.paths));
        }
        results[operation.name] = { gateway: runs.get(viaGateway)!, plain: runs.get(plain)! };
      }
      rounds.push(results);
    }
    const steady: Record<string, { gateway: SteadyRun; plain: SteadyRun }> = {};
    for (const operation of operations) {
      print(`steady ${STEADY_RATE} req/s: ${operation.name}, both sides…`);
      steady[operation.name] = {
        gateway: await measureSteady(viaGateway, headers, operation.paths),
        plain: await measureSteady(plain, headers, operation.paths),
      };
    }
    const loadAfter = loadavg()[0]!;

    print();
    print(
      `Request path — ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per side after ${WARMUP_S} s warm-up, interleaved; ${CONTACTS} contacts`,
    );
    const summary: Record<string, unknown> = {};
    for (const operation of operations) {
      const of = (pick: (pair: { gateway: Run; plain: Run }) => number) => rounds.map((round) => pick(round[operation.name]!));
      const ratios = of((pair) => pair.gateway.requestsPerSecond / pair.plain.requestsPerSecond);
      const steadyPair = steady[operation.name]!;
      print(`  ${operation.name}`);
      print(
        `    gateway → NATS → crm  ${range(of((pair) => pair.gateway.requestsPerSecond)).padStart(11)} req/s   p50 ${range(of((pair) => pair.gateway.p50Ms))} ms   p99 ${range(of((pair) => pair.gateway.p99Ms))} ms   CPU ${range(
          of((pair) => pair.gateway.cpuMsPerRequest),
          2,
        )} ms/request (gateway + crm)`,
      );
      print(
        `    Fastify + pg          ${range(of((pair) => pair.plain.requestsPerSecond)).padStart(11)} req/s   p50 ${range(of((pair) => pair.plain.p50Ms))} ms   p99 ${range(of((pair) => pair.plain.p99Ms))} ms   CPU ${range(
          of((pair) => pair.plain.cpuMsPerRequest),
          2,
        )} ms/request`,
      );
      print(`    ratio gateway ÷ plain, per round: ${ratios.map((ratio) => fixed(ratio, 2)).join(', ')} (median ${fixed(median(ratios), 2)})`);
      print(
        `    steady ${STEADY_RATE} req/s: gateway p50 ${fixed(steadyPair.gateway.p50Ms)} ms, p99 ${fixed(steadyPair.gateway.p99Ms)} ms (${fixed(steadyPair.gateway.requestsPerSecond, 0)} req/s served);` +
          ` plain p50 ${fixed(steadyPair.plain.p50Ms)} ms, p99 ${fixed(steadyPair.plain.p99Ms)} ms;` +
          ` CPU ${fixed(steadyPair.gateway.cpuMsPerRequest, 2)} vs ${fixed(steadyPair.plain.cpuMsPerRequest, 2)} ms/request`,
      );
      print(`    event-loop delay during the gateway's steady run: ${loopLine(steadyPair.gateway.loops)}`);
      print(`    event-loop delay during the plain steady run: ${loopLine(steadyPair.plain.loops)}`);
      print(`    slow requests by hop, gateway's steady run: ${layerLine(steadyPair.gateway.layers)}`);
      print(`    plain steady run: ${layerLine(steadyPair.plain.layers)}`);
      summary[operation.name] = { rounds: rounds.map((round) => round[operation.name]), ratios, steady: steadyPair };
    }
    print(
      `  load average (1 min) ${fixed(loadBefore, 2)} before, ${fixed(loadAfter, 2)} after, on ${availableParallelism()} cores; autocannon and the paced load run in worker threads of this process.` +
        ' Compare the ratio, not the absolute figures, across machines and runs.',
    );

    const everyRun = [...rounds.flatMap((round) => Object.values(round)), ...Object.values(steady)].flatMap((pair) => [pair.gateway, pair.plain]);
    const failures = everyRun.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx, 0);
    await saveResult('rpc-contacts', {
      connections: CONNECTIONS,
      durationS: DURATION_S,
      rounds: ROUNDS,
      loadAverage: { before: loadBefore, after: loadAfter },
      operations: summary,
      failures,
    });
    print(`  service logs in ${logDirectory}`);
    if (failures > 0) {
      print(`FAILED: ${failures} errors, timeouts or non-2xx answers; the figures above do not measure a working path.`);
      return 1;
    }
    return 0;
  } finally {
    await stopServiceProcess(baseline);
    await stopServiceProcess(gateway);
    await stopServiceProcess(crm);
    await capturingCrm?.close();
    await auth?.close();
    await environment?.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rpc-contacts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
