/**
 * Sustained load (issue #17): the services as deployed (gateway, auth, crm and two notifications
 * replicas, each `node services/<x>/dist/main.js` in its own process) under mixed traffic for
 * BENCH_SOAK_MINUTES — contact reads, searches, list pages and creates through the gateway at
 * about half the maximum measured at the start of the same run — while imports follow one
 * another and campaigns go out to an SMTP sink in this process, throttled to half of what the
 * campaign bench measures here. Reported per service after warm-up: RSS growth (first to last
 * sample and the slope of all samples), event-loop delay p99 (prom-client's, per scrape of its
 * /metrics), and every error: failed requests, imports and campaigns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateService } from '@kinship/platform';
import { createTestEnvironment, freePort, type TestEnvironment } from '@kinship/testing';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { fixed, numberFromEnv, percentiles, print, saveResult, waitUntil } from './lib.js';
import { CRM_NODE_OPTIONS, serviceNodeFlags } from './crm-worker.js';

const MINUTES = numberFromEnv('BENCH_SOAK_MINUTES', 10);
/** Unmeasured start of the soak: caches, pools and JIT settle before RSS is compared. */
const WARMUP_S = Math.min(120, (MINUTES * 60) / 5);
const PROBE_S = 10;
const CONNECTIONS = 16;
const SAMPLE_EVERY_MS = 5_000;
const SEED_CONTACTS = 20_000;
/** The campaigns' audience: the seeded customers. */
const AUDIENCE = 2_000;
const IMPORT_ROWS = numberFromEnv('BENCH_SOAK_IMPORT_ROWS', 20_000);
/** Half of the ~300 emails/s the campaign bench measures on this machine, shared by the two replicas. */
const CAMPAIGN_EMAILS_PER_SECOND = 150;
const SEARCHES = ['mar', 'ziel', 'soak', 'First1', 'example'];
const STARTUP_MS = 300_000;

type ServiceName = 'gateway' | 'auth' | 'crm' | 'notifications-1' | 'notifications-2';

interface Service {
  name: ServiceName;
  child: ChildProcess;
  url: string;
}

interface Sample {
  seconds: number;
  rssMb: number;
  eventLoopP99Ms: number;
}

async function startSink(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received: () => received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function startProcess(name: ServiceName, script: string, env: Record<string, string>, logDirectory: string): Promise<Service> {
  const port = await freePort();
  const log = await open(join(logDirectory, `${name}.log`), 'w');
  const child = spawn(process.execPath, [...serviceNodeFlags(name), script], {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      // The crm runs with its pod's heap limit, so the soak shows whether its RSS settles under it.
      ...(name === 'crm' ? { NODE_OPTIONS: CRM_NODE_OPTIONS } : {}),
      LOG_LEVEL: 'warn',
      [name === 'gateway' ? 'GATEWAY_PORT' : 'HTTP_PORT']: String(port),
    },
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine a service takes a minute or more to start.
  const up = await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before answering; see ${logDirectory}/${name}.log`);
      return fetch(`${url}/health/live`).then(
        (response) => response.ok,
        () => false,
      );
    },
    STARTUP_MS,
    200,
  );
  if (!up) {
    await stop(child);
    throw new Error(`${name} did not answer /health/live within ${STARTUP_MS / 1000} s`);
  }
  return { name, child, url };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function sample(service: Service, seconds: number): Promise<Sample> {
  const status = await readFile(`/proc/${service.child.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  // prom-client resets its event-loop histogram at each scrape: the p99 is that of the interval.
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  const eventLoopP99Ms = Number(/^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1] ?? NaN) * 1000;
  return { seconds, rssMb, eventLoopP99Ms };
}

/** Least-squares slope of RSS over time, MB per minute. */
function slopeMbPerMinute(samples: Sample[]): number {
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.seconds, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.rssMb, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.seconds - meanX) * (s.rssMb - meanY), 0);
  const variance = samples.reduce((sum, s) => sum + (s.seconds - meanX) ** 2, 0);
  return (covariance / variance) * 60;
}

function importFile(round: number): Blob {
  const lines = ['First Name,Last Name,Email,Company Name,Lifecycle Stage'];
  for (let i = 0; i < IMPORT_ROWS; i++) lines.push(`Imported${i},Round${round},import-${round}-${i}@soak.example,Soak Company ${i % 500},Lead`);
  return new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' });
}

interface Background {
  completed: number;
  failures: string[];
  stopping: boolean;
}

async function api(gateway: string, authorization: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gateway}/api/v1${path}`, {
    method,
    headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The status a poll read; a failed poll counts as a failure and the polling goes on. */
async function polledStatus(gateway: string, authorization: string, path: string, state: Background): Promise<string | null> {
  const response = await api(gateway, authorization, 'GET', path);
  if (response.ok) return ((await response.json()) as { status: string }).status;
  state.failures.push(`GET ${path.replace(/[0-9a-f-]{36}/, ':id')} answered ${response.status}`);
  return null;
}

/** Imports one after another until the soak ends; each must complete. */
async function importLoop(gateway: string, authorization: string, state: Background): Promise<void> {
  for (let round = 1; !state.stopping; round++) {
    const form = new FormData();
    form.append('entity', 'contacts');
    form.append('file', importFile(round), `soak-${round}.csv`);
    const upload = await fetch(`${gateway}/api/v1/imports`, { method: 'POST', headers: { authorization }, body: form });
    if (upload.status !== 202) {
      state.failures.push(`POST /imports answered ${upload.status}`);
      continue;
    }
    const { id } = (await upload.json()) as { id: string };
    let status = 'queued';
    await waitUntil(
      async () => {
        status = (await polledStatus(gateway, authorization, `/imports/${id}`, state)) ?? status;
        return status !== 'queued' && status !== 'processing';
      },
      30 * 60_000,
      1000,
    );
    if (status === 'completed') state.completed += 1;
    else state.failures.push(`import ${id} ended ${status}`);
  }
}

/** Campaigns to the seeded customers one after another until the soak ends; each must end sent. */
async function campaignLoop(gateway: string, authorization: string, state: Background): Promise<void> {
  for (let round = 1; !state.stopping; round++) {
    const created = await api(gateway, authorization, 'POST', '/campaigns', {
      name: `Soak ${round}`,
      channel: 'email',
      subject: 'Hello {{firstName}}',
      body: '<p>Hello {{firstName}} {{lastName}}, here is our news.</p>',
      audience: { filter: { lifecycleStage: ['customer'] } },
    });
    if (created.status !== 201) {
      state.failures.push(`POST /campaigns answered ${created.status}: ${await created.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      continue;
    }
    const { id } = (await created.json()) as { id: string };
    const sent = await api(gateway, authorization, 'POST', `/campaigns/${id}/send`);
    if (!sent.ok) {
      state.failures.push(`POST /campaigns/:id/send answered ${sent.status}: ${await sent.text()}`);
      continue;
    }
    let status = 'sending';
    await waitUntil(
      async () => {
        status = (await polledStatus(gateway, authorization, `/campaigns/${id}`, state)) ?? status;
        return status === 'sent' || status === 'failed' || status === 'cancelled';
      },
      30 * 60_000,
      1000,
    );
    if (status === 'sent') state.completed += 1;
    else state.failures.push(`campaign ${id} ended ${status}`);
  }
}

/**
 * The request mix, in turn on each connection: a contact by id, a search, a list page, a create
 * (autocannon writes a new id into each create's email). Worker thread: not this event loop.
 */
function traffic(gateway: string, authorization: string, ids: string[], seconds: number, rate?: number): Promise<Result> {
  const requests = ids.flatMap((id, index) => [
    { method: 'GET' as const, path: `/api/v1/contacts/${id}` },
    { method: 'GET' as const, path: `/api/v1/contacts?q=${SEARCHES[index % SEARCHES.length]}&limit=25` },
    { method: 'GET' as const, path: '/api/v1/contacts?limit=25' },
    {
      method: 'POST' as const,
      path: '/api/v1/contacts',
      body: JSON.stringify({ firstName: 'Written', lastName: 'Soak', email: 'written-[<id>]@soak.example' }),
    },
  ]);
  return autocannon({
    url: gateway,
    connections: CONNECTIONS,
    duration: seconds,
    overallRate: rate,
    headers: { authorization, 'content-type': 'application/json' },
    requests,
    idReplacement: true,
    workers: 1,
  });
}

async function main(): Promise<number> {
  let environment: TestEnvironment | undefined;
  const services: Service[] = [];
  const sink = await startSink();
  try {
    environment = await createTestEnvironment('bench-soak');
    const env = { ...environment.env };
    const logDirectory = await mkdtemp(join(tmpdir(), 'kinship-bench-soak-'));
    await migrateService(authService, env);
    await migrateService(crmService, env);
    const notificationsEnv = {
      ...env,
      SMTP_URL: sink.url,
      PUBLIC_URL: 'https://app.kinship.example',
      CAMPAIGN_EMAILS_PER_SECOND: String(CAMPAIGN_EMAILS_PER_SECOND),
    };
    const [migrated] = (await once(
      spawn(process.execPath, ['services/notifications/dist/migrate.js'], { env: { PATH: process.env.PATH ?? '', ...notificationsEnv }, stdio: 'inherit' }),
      'exit',
    )) as [number];
    if (migrated !== 0) throw new Error('notifications migrations failed');
    const starting = [
      startProcess('auth', 'services/auth/dist/main.js', env, logDirectory),
      startProcess('crm', 'services/crm/dist/main.js', env, logDirectory),
      startProcess('notifications-1', 'services/notifications/dist/main.js', notificationsEnv, logDirectory),
      startProcess('notifications-2', 'services/notifications/dist/main.js', notificationsEnv, logDirectory),
    ];
    // Every started one is stopped at the end, also when another failed to start.
    const outcomes = await Promise.allSettled(starting);
    for (const outcome of outcomes) if (outcome.status === 'fulfilled') services.push(outcome.value);
    const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (refused) throw refused.reason;
    const gateway = await startProcess('gateway', 'services/gateway/dist/main.js', env, logDirectory);
    services.push(gateway);

    const registered = await api(gateway.url, '', 'POST', '/auth/register', {
      email: `soak-${randomBytes(3).toString('hex')}@example.com`,
      password: 'amber-cobalt-violin-meadow-4',
      name: 'Soak',
      workspaceName: 'Bench soak',
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
    const { workspace, accessToken } = (await registered.json()) as { workspace: { id: string }; accessToken: string };
    const authorization = `Bearer ${accessToken}`;

    const database = new pg.Client({ connectionString: environment.databaseUrl });
    await database.connect();
    const seeded = await database.query<{ id: string }>(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, lifecycle_stage, created_at)
       SELECT gen_random_uuid(), $1, (ARRAY['Maria', 'Mark', 'Zoe', 'Liam', 'Ada'])[1 + n % 5], 'Zielinski ' || n, 'seeded' || n || '@soak.example',
              CASE WHEN n <= $3 THEN 'customer' ELSE 'lead' END, now() - n * interval '1 second'
       FROM generate_series(1, $2::int) AS n RETURNING id`,
      [workspace.id, SEED_CONTACTS, AUDIENCE],
    );
    await database.query('ANALYZE crm.contacts, crm.contact_identities');
    await database.end();
    const ids = seeded.rows.slice(0, 200).map((row) => row.id);

    const loadBefore = loadavg()[0]!;
    print(`probing the maximum of the request mix: ${CONNECTIONS} connections, ${PROBE_S} s…`);
    const probe = await traffic(gateway.url, authorization, ids, PROBE_S);
    const rate = Math.max(1, Math.round(probe.requests.average / 2));
    print(`  ${fixed(probe.requests.average, 0)} req/s at most; the soak sends ${rate} req/s for ${MINUTES} min (warm-up ${WARMUP_S} s)`);

    const imports: Background = { completed: 0, failures: [], stopping: false };
    const campaigns: Background = { completed: 0, failures: [], stopping: false };
    const started = performance.now();
    const samples = new Map<ServiceName, Sample[]>(services.map((service) => [service.name, []]));
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const seconds = (performance.now() - started) / 1000;
        for (const service of services) samples.get(service.name)!.push(await sample(service, seconds));
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
      }
    })();
    const background = [importLoop(gateway.url, authorization, imports), campaignLoop(gateway.url, authorization, campaigns)];
    const soak = await traffic(gateway.url, authorization, ids, MINUTES * 60, rate);
    imports.stopping = true;
    campaigns.stopping = true;
    sampling = false;
    await sampler;
    // The import and campaign under way finish: they must end well too.
    await Promise.all(background);
    const loadAfter = loadavg()[0]!;

    const failures = soak.errors + soak.timeouts + soak.non2xx;
    print();
    print(
      `Soak: ${MINUTES} min at ${rate} req/s (half the probed ${fixed(probe.requests.average, 0)}), load average ${fixed(loadBefore, 2)} → ${fixed(loadAfter, 2)} on ${availableParallelism()} cores`,
    );
    print(
      `  requests: ${soak.requests.total} (${fixed(soak.requests.average, 0)} req/s), p50 ${soak.latency.p50} ms, p99 ${soak.latency.p99} ms; errors ${soak.errors}, timeouts ${soak.timeouts}, non-2xx ${soak.non2xx}`,
    );
    print(
      `  imports of ${IMPORT_ROWS} rows completed: ${imports.completed}; campaigns of ${AUDIENCE} emails sent: ${campaigns.completed} (${sink.received()} emails received)`,
    );
    for (const failure of [...imports.failures, ...campaigns.failures]) print(`  FAILED: ${failure}`);
    print('  per service after warm-up: RSS first → last sample (growth), slope; event-loop delay p99 per 5 s interval (median, max)');
    const perService: Record<string, object> = {};
    for (const service of services) {
      const measured = samples.get(service.name)!.filter((entry) => entry.seconds >= WARMUP_S);
      const first = measured[0]!;
      const last = measured.at(-1)!;
      const delays = percentiles(measured.map((entry) => entry.eventLoopP99Ms).filter((value) => Number.isFinite(value)));
      const figures = {
        rssFirstMb: first.rssMb,
        rssLastMb: last.rssMb,
        rssGrowthMb: last.rssMb - first.rssMb,
        rssSlopeMbPerMinute: slopeMbPerMinute(measured),
        eventLoopP99Ms: { median: delays.p50, max: delays.max },
      };
      perService[service.name] = figures;
      print(
        `    ${service.name.padEnd(16)} ${fixed(first.rssMb, 0)} → ${fixed(last.rssMb, 0)} MB (${figures.rssGrowthMb >= 0 ? '+' : ''}${fixed(figures.rssGrowthMb, 0)} MB), ${fixed(figures.rssSlopeMbPerMinute, 2)} MB/min; event-loop p99 ${fixed(delays.p50)} ms median, ${fixed(delays.max)} ms max`,
      );
    }
    print(`  service logs in ${logDirectory}`);
    const failed = failures + imports.failures.length + campaigns.failures.length;
    await saveResult('soak', {
      minutes: MINUTES,
      probeRequestsPerSecond: probe.requests.average,
      rate,
      loadAverage: { before: loadBefore, after: loadAfter },
      requests: {
        total: soak.requests.total,
        p50Ms: soak.latency.p50,
        p99Ms: soak.latency.p99,
        errors: soak.errors,
        timeouts: soak.timeouts,
        non2xx: soak.non2xx,
      },
      imports: { completed: imports.completed, failures: imports.failures },
      campaigns: { completed: campaigns.completed, failures: campaigns.failures, emails: sink.received() },
      services: perService,
    });
    if (failed > 0) {
      print(`FAILED: ${failed} failed requests, imports or campaigns`);
      return 1;
    }
    return 0;
  } finally {
    for (const service of services.reverse()) await stop(service.child);
    await sink.close();
    await environment?.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
