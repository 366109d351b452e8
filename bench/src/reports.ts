/**
 * The reporting service (issue 13): projection catch-up and report latency.
 * 1. Catch-up: BENCH_REPORT_EVENTS crm events (deals created, moved and won; contacts created, one
 *    in ten moved on a lifecycle stage) are on the stream before the service starts; of the events'
 *    entities BENCH_REPORT_CONTACT_PERCENT (default 30) are contacts, the rest deals (83 gives the
 *    crm bench's scale, 1,000,000 contacts and 200,000 deals, at 1,400,000 events); measured: events/s until every projection's
 *    consumer has settled all of them, and the CPU time of this process (which runs the service) per event.
 * 2. Steady lag: BENCH_REPORT_RATE (default 1,000) deal events/s for BENCH_REPORT_STEADY_SECONDS
 *    (default 10); each event's lag is from its publish to the deals projection's recorded position
 *    reaching it (polled every 10 ms, so up to 10 ms more than the true lag); p50, p99, max.
 * 3. Reports: p95 of each standard report through the gateway (GET /api/v1/reports/<name> with an
 *    owner's token: HTTP, authentication, the NATS hop and the service), uncached (a new `to` each
 *    call, so a new cache key) and cached (the same query again), and the same SQL sent straight
 *    through pg in the same run as the baseline (the ratio is report ÷ SQL); and the CPU time of
 *    this process (gateway, auth and the service; not PostgreSQL, Redis or NATS) per cached answer.
 * 4. Rebuild: POST /reports/rebuild's operation over every event on the stream; seconds until
 *    completed, and the peak RSS of this process (the service runs in it) sampled every 100 ms.
 *    BENCH_REPORT_REBUILD=0 leaves it out.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventStreamName, NamespacedClientNats, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId, postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { authService } from '../../services/auth/dist/auth.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { consumerName, PROJECTIONS } from '../../services/reporting/dist/projections/projection.js';
import { reportingService } from '../../services/reporting/dist/reporting.service.js';
import { fixed, numberFromEnv, percentiles, print, saveResult, waitUntil } from './lib.js';
import { SqlCapture } from './sql-capture.js';

const EVENTS = Math.floor(numberFromEnv('BENCH_REPORT_EVENTS', 200_000));
const SAMPLES = Math.floor(numberFromEnv('BENCH_REPORT_SAMPLES', 40));
const CONTACT_PERCENT = numberFromEnv('BENCH_REPORT_CONTACT_PERCENT', 30);
const OWNERS = 20;
const CURRENCIES = ['EUR', 'USD', 'JPY'];
const LIFECYCLE = ['lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer'];
const IN_FLIGHT = 500;
const CATCH_UP_TIMEOUT_MS = 1_800_000;
const STEADY_RATE = numberFromEnv('BENCH_REPORT_RATE', 1_000);
const STEADY_SECONDS = numberFromEnv('BENCH_REPORT_STEADY_SECONDS', 10);
const REBUILD_TIMEOUT_MS = 1_800_000;
const REBUILD = process.env.BENCH_REPORT_REBUILD !== '0';

const REPORTS: Array<{ name: string; input: Record<string, string> }> = [
  { name: 'pipeline', input: {} },
  { name: 'forecast', input: { interval: 'quarter' } },
  { name: 'win-rate', input: {} },
  { name: 'lead-conversion', input: { kind: 'ordered' } },
  { name: 'revenue', input: {} },
  { name: 'activity', input: {} },
  { name: 'acquisition', input: {} },
  { name: 'deal-velocity', input: {} },
];
/** The read models a report's SQL reads: the statements of a request the baseline sends again. */
const READ_MODEL_QUERY =
  /FROM reporting\.(deals|deal_pipeline_totals|deal_forecast_totals|deal_close_totals|deal_stage_totals|contacts|contact_lifecycle_history|contact_funnel_totals|contact_acquisition_totals|invoices|payments|tasks|deal_stage_history)/;

function p95(samples: number[]): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** The crm events of a workspace with one pipeline: deals created (some moved on and won), contacts created (some moved on). */
function* crmEvents(workspaceId: string): Generator<{ subject: string; body: object }> {
  const pipelineId = newId();
  const stages = ['Lead', 'Qualified', 'Proposal', 'Won'].map((name, position) => ({
    id: newId(),
    name,
    probability: [10, 40, 70, 100][position],
    position,
    kind: position === 3 ? 'won' : 'open',
  }));
  const owners = Array.from({ length: OWNERS }, () => newId());
  const at = (index: number) => new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
  const envelope = (index: number, type: string, aggregateId: string, data: object) => ({
    subject: `events.crm.${type}`,
    body: { id: newId(), type, version: 1, occurredAt: at(index), workspaceId, actorId: owners[index % OWNERS], aggregateId, data },
  });
  yield envelope(0, 'pipeline.created', pipelineId, { pipeline: { id: pipelineId, name: 'Sales', stages, createdAt: at(0) } });
  for (let index = 1, entity = 0; index < EVENTS; entity++) {
    // Entity n is a contact when it takes the running share of contacts up a whole one.
    if (Math.floor(((entity + 1) * CONTACT_PERCENT) / 100) === Math.floor((entity * CONTACT_PERCENT) / 100)) {
      const deal = {
        id: newId(),
        name: `Deal ${index}`,
        amount: 1_000 + (index % 9_973) * 10,
        currency: CURRENCIES[index % CURRENCIES.length],
        pipelineId,
        stageId: stages[0]!.id,
        ownerId: owners[index % OWNERS],
        expectedCloseDate: `2026-${String(1 + (index % 12)).padStart(2, '0')}-15`,
        contactIds: [],
        createdAt: at(index),
      };
      yield envelope(index++, 'deal.created', deal.id, { deal });
      if (index % 3 === 0 && index < EVENTS)
        yield envelope(index++, 'deal.stage_changed', deal.id, { deal: { ...deal, stageId: stages[1 + (index % 2)]!.id } });
      if (index % 5 === 0 && index < EVENTS) yield envelope(index++, 'deal.won', deal.id, { deal: { ...deal, stageId: stages[3]!.id, closedAt: at(index) } });
    } else {
      const stage = index % LIFECYCLE.length;
      const contact = {
        id: newId(),
        lifecycleStage: LIFECYCLE[stage]!,
        leadSource: ['web', 'referral', null][index % 3],
        ownerId: owners[index % OWNERS],
        createdAt: at(index),
        firstName: 'Bench',
        tags: [],
        customFields: {},
      };
      const customerSince = (lifecycleStage: string) => (lifecycleStage === 'customer' ? at(index).slice(0, 10) : null);
      yield envelope(index++, 'contact.created', contact.id, { contact: { ...contact, customerSince: customerSince(contact.lifecycleStage) } });
      // One contact in ten moves on to the next stage: a lifecycle history of more than one entry.
      if (entity % 10 === 0 && stage + 1 < LIFECYCLE.length && index < EVENTS) {
        const lifecycleStage = LIFECYCLE[stage + 1]!;
        yield envelope(index++, 'contact.updated', contact.id, { contact: { ...contact, lifecycleStage, customerSince: customerSince(lifecycleStage) } });
      }
    }
  }
}

/** The user and system CPU time so far of the PostgreSQL backends connected to the bench's database, read from /proc (they run on this machine). */
async function backendCpuMicros(sql: DataSource): Promise<number> {
  const backends: Array<{ pid: number }> = await sql.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const ticksPerSecond = 100;
  let micros = 0;
  for (const { pid } of backends) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command's closing parenthesis: utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 13) micros += ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond;
  }
  return micros;
}

/** Every event on the stream replayed into shadow tables and swapped in: seconds, and this process's peak RSS. */
async function measureRebuild(
  client: ServiceClient,
  context: RequestContext,
): Promise<{ events: number; seconds: number; peakRssBytes: number; rssBeforeBytes: number }> {
  let peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const rebuildStart = performance.now();
  const rebuild = (await client.send('reporting.rebuilds.start', {}, context)) as { id: string; eventsTotal: number };
  let status = 'running';
  const rebuilt = await waitUntil(
    async () => {
      const progress = (await client.send('reporting.rebuilds.get', { id: rebuild.id }, context)) as { status: string; error: string | null };
      if (progress.status === 'failed') throw new Error(`the rebuild failed: ${progress.error}`);
      status = progress.status;
      return status === 'completed';
    },
    REBUILD_TIMEOUT_MS,
    250,
  );
  clearInterval(sampler);
  if (!rebuilt) throw new Error(`the rebuild did not complete (${status})`);
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
  const mb = (bytes: number) => fixed(bytes / 1024 / 1024, 0);
  print(
    `rebuild: ${rebuild.eventsTotal} events in ${fixed(rebuildSeconds)} s = ${fixed(rebuild.eventsTotal / rebuildSeconds, 0)} events/s; peak RSS ${mb(peakRss)} MB (${mb(rssBefore)} MB before)`,
  );
  return { events: rebuild.eventsTotal, seconds: rebuildSeconds, peakRssBytes: peakRss, rssBeforeBytes: rssBefore };
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-reporting');
  const nats = await connect({ servers: environment.natsUrl });
  const client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 60_000);
  const sql = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'reporting', poolSize: 2 }));
  const capture = new SqlCapture();
  let reporting: Awaited<ReturnType<typeof startTestService>> | undefined;
  let auth: RunningService | undefined;
  let gateway: RunningService | undefined;
  try {
    // The reports are asked through the gateway by the owner of a registered workspace, whose events are published below.
    // A token of the longest life auth allows (an hour): publishing and catch-up take minutes.
    auth = await startTestService(authService, environment, { LOG_LEVEL: 'warn', ACCESS_TOKEN_TTL_SECONDS: '3600' });
    gateway = await startGateway({ ...environment.env, LOG_LEVEL: 'warn' });
    const api = `${gateway.url}/api/v1`;
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${newId()}@example.com`, password: 'amber-cobalt-violin-meadow-4', name: 'Bench', workspaceName: 'Bench reports' }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
    const { workspace, accessToken } = (await registered.json()) as { workspace: { id: string }; accessToken: string };
    const workspaceId = workspace.id;
    const report = async (name: string, input: Record<string, string>) => {
      const response = await fetch(`${api}/reports/${name}?${new URLSearchParams(input)}`, { headers: { authorization: `Bearer ${accessToken}` } });
      if (response.status !== 200) throw new Error(`GET /reports/${name} answered ${response.status}: ${await response.text()}`);
      return response.json();
    };
    const js = jetstream(nats);
    // The stream exists once a service has started; reporting is started after the events are in, so create it by starting and stopping it first.
    await (await startTestService(reportingService, environment, { LOG_LEVEL: 'warn' })).close();
    await sql.initialize();
    let published = 0;
    const pending = new Set<Promise<unknown>>();
    const publishStart = performance.now();
    for (const event of crmEvents(workspaceId)) {
      const ack: Promise<unknown> = js
        .publish(`${environment.natsNamespace}${event.subject}`, JSON.stringify(event.body), { msgID: (event.body as { id: string }).id })
        .then((): boolean => pending.delete(ack));
      pending.add(ack);
      published++;
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
    print(`published ${published} crm events in ${fixed((performance.now() - publishStart) / 1000)} s`);

    const jsm = await jetstreamManager(nats);
    const start = performance.now();
    const cpuBefore = process.cpuUsage();
    reporting = await startTestService(reportingService, environment, { LOG_LEVEL: 'warn' });
    // When each projection's consumer first had nothing left: the slowest one bounds the catch-up.
    const settledAfter = new Map<string, number>();
    const settled = await waitUntil(
      async () => {
        for (const projection of PROJECTIONS) {
          if (settledAfter.has(projection)) continue;
          const info = await jsm.consumers.info(eventStreamName(environment.natsNamespace), consumerName(projection));
          if (info.num_pending + info.num_ack_pending === 0) settledAfter.set(projection, (performance.now() - start) / 1000);
        }
        return settledAfter.size === PROJECTIONS.length;
      },
      CATCH_UP_TIMEOUT_MS,
      500,
    );
    if (!settled) throw new Error('the projections did not catch up');
    const catchUpSeconds = (performance.now() - start) / 1000;
    // This process's CPU (the service's consumers, and the polls above) per event: a figure the machine's load moves far less than the rate.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMicrosPerEvent = (cpu.user + cpu.system) / published;
    // PostgreSQL's: the CPU of the backends serving this database (the service's pool opened them for the catch-up).
    const postgresCpuMicrosPerEvent = (await backendCpuMicros(sql)) / published;
    print(
      `settled after (s): ${[...settledAfter]
        .sort(([, a], [, b]) => a - b)
        .map(([projection, seconds]) => `${projection} ${fixed(seconds)}`)
        .join(', ')}`,
    );
    const [{ deals, contacts }] = await sql.query(
      'SELECT (SELECT count(*)::int FROM reporting.deals) AS deals, (SELECT count(*)::int FROM reporting.contacts) AS contacts',
    );
    print(
      `catch-up: ${published} events through ${PROJECTIONS.length} projections in ${fixed(catchUpSeconds)} s = ${fixed(published / catchUpSeconds, 0)} events/s (${deals} deals, ${contacts} contacts projected); node CPU ${fixed(cpuMicrosPerEvent, 0)} µs, PostgreSQL CPU ${fixed(postgresCpuMicrosPerEvent, 0)} µs per event`,
    );

    // Steady: deal.created at STEADY_RATE per second, each event's publish time against the deals projection's position.
    const [{ pipelineId, stageId }] = await sql.query(`SELECT pipeline_id AS "pipelineId", stage_id AS "stageId" FROM reporting.deals LIMIT 1`);
    const publishedAt = new Map<number, number>();
    const lags: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling || publishedAt.size > 0) {
        const [{ position }] = await sql.query(`SELECT stream_sequence::int AS position FROM reporting.projection_positions WHERE projection = 'deals'`);
        const now = performance.now();
        for (const [sequence, at] of publishedAt) {
          if (sequence > position) continue;
          lags.push(now - at);
          publishedAt.delete(sequence);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const steadyStart = performance.now();
    const steadyEvents = Math.floor(STEADY_RATE * STEADY_SECONDS);
    const steadyAcks: Array<Promise<unknown>> = [];
    // However the steady phase ends, the poller stops before the connection closes.
    const stopPolling = () => {
      polling = false;
      publishedAt.clear();
      return poller.catch(() => undefined);
    };
    try {
      for (let index = 0; index < steadyEvents; index++) {
        const due = steadyStart + (index * 1_000) / STEADY_RATE;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const id = newId();
        const deal = {
          id,
          name: `Steady ${index}`,
          amount: 1_000,
          currency: 'EUR',
          pipelineId,
          stageId,
          ownerId: null,
          contactIds: [],
          createdAt: new Date().toISOString(),
        };
        const event = {
          id: newId(),
          type: 'deal.created',
          version: 1,
          occurredAt: deal.createdAt,
          workspaceId,
          actorId: null,
          aggregateId: id,
          data: { deal },
        };
        const sentAt = performance.now();
        steadyAcks.push(
          js
            .publish(`${environment.natsNamespace}events.crm.deal.created`, JSON.stringify(event), { msgID: event.id, timeout: 60_000 })
            .then((ack) => publishedAt.set(ack.seq, sentAt)),
        );
      }
      await Promise.all(steadyAcks);
    } catch (error) {
      await stopPolling();
      throw error;
    }
    const achievedRate = steadyEvents / ((performance.now() - steadyStart) / 1000);
    polling = false;
    const drained = await Promise.race([poller.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300_000).unref())]);
    if (!drained) {
      await stopPolling();
      throw new Error('the steady events were not all applied within 5 minutes');
    }
    const lag = percentiles(lags);
    print(
      `steady: ${steadyEvents} deal events at ${fixed(achievedRate, 0)} events/s: lag p50 ${fixed(lag.p50)} ms, p99 ${fixed(lag.p99)} ms, max ${fixed(lag.max)} ms`,
    );

    const context: RequestContext = { workspaceId, userId: newId(), role: 'owner', scopes: [], requestId: 'bench-reports' };
    const results: Record<string, { uncachedP95Ms: number; cachedP95Ms: number; cachedCpuMs: number; sqlP95Ms: number; ratio: number; cachedRatio: number }> =
      {};
    print('report (through the gateway)  uncached p95   cached p95   same SQL p95   uncached / SQL   cached / SQL   cached CPU/request');
    for (const { name, input: reportInput } of REPORTS) {
      const uncached: number[] = [];
      const base: number[] = [];
      let queries: Array<{ text: string; values: unknown[] }> = [];
      for (let sample = 0; sample < SAMPLES; sample++) {
        // A different `to` each time (all after the data) is a new cache key with the same answer.
        const input = { ...reportInput, to: new Date(Date.UTC(2030, 0, 1 + sample)).toISOString().slice(0, 10) };
        const started = performance.now();
        const caught = await capture.queriesOf(() => report(name, input));
        uncached.push(performance.now() - started);
        queries = caught.queries.filter((query) => READ_MODEL_QUERY.test(query.text));
      }
      for (let sample = 0; sample < SAMPLES; sample++)
        base.push(await timed(async () => Promise.all(queries.map((query) => sql.query(query.text, query.values)))));
      const cached: number[] = [];
      // This process runs the gateway, auth and the reporting service: their CPU per cached answer (PostgreSQL, Redis and NATS not counted).
      const cpuBefore = process.cpuUsage();
      for (let sample = 0; sample < SAMPLES; sample++) cached.push(await timed(() => report(name, { ...reportInput, to: '2030-01-01' })));
      const cpu = process.cpuUsage(cpuBefore);
      const figures = {
        uncachedP95Ms: p95(uncached),
        cachedP95Ms: p95(cached),
        cachedCpuMs: (cpu.user + cpu.system) / 1000 / SAMPLES,
        sqlP95Ms: p95(base),
        ratio: p95(uncached) / p95(base),
        cachedRatio: p95(cached) / p95(base),
      };
      results[name] = figures;
      print(
        `${name.padEnd(28)} ${fixed(figures.uncachedP95Ms).padStart(9)} ms ${fixed(figures.cachedP95Ms).padStart(9)} ms ${fixed(figures.sqlP95Ms).padStart(11)} ms ${fixed(figures.ratio, 2).padStart(14)} ${fixed(figures.cachedRatio, 2).padStart(14)} ${fixed(figures.cachedCpuMs, 2).padStart(17)} ms`,
      );
    }

    const rebuildFigures = REBUILD ? await measureRebuild(client, context) : null;

    await saveResult('reports', {
      events: published,
      catchUpSeconds,
      eventsPerSecond: published / catchUpSeconds,
      catchUpCpuMicrosPerEvent: cpuMicrosPerEvent,
      catchUpPostgresCpuMicrosPerEvent: postgresCpuMicrosPerEvent,
      settledAfterSeconds: Object.fromEntries(settledAfter),
      deals,
      contacts,
      steady: { events: steadyEvents, rate: achievedRate, lagP50Ms: lag.p50, lagP99Ms: lag.p99, lagMaxMs: lag.max },
      rebuild: rebuildFigures,
      reports: results,
    });
  } finally {
    await reporting?.close();
    await gateway?.close();
    await auth?.close();
    await client.close();
    await nats.close();
    await sql.destroy().catch(() => undefined);
    await environment.dispose();
  }
}

await main();
