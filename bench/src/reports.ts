/**
 * The reporting service (issue 13): projection catch-up and report latency.
 * 1. Catch-up: BENCH_REPORT_EVENTS crm events (deals created, moved and won; contacts created)
 *    are on the stream before the service starts; measured: events/s until every projection's
 *    consumer has settled all of them.
 * 2. Reports: p95 of each standard report through the service's NATS operation, uncached (a new
 *    `to` each call, so a new cache key) and cached (the same query again), and the same SQL sent
 *    straight through pg in the same run as the baseline (the ratio is report ÷ SQL).
 */
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventStreamName, NamespacedClientNats, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId, postgresOptions } from '@kinship/persistence';
import { createTestEnvironment, startTestService } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { consumerName, PROJECTIONS } from '../../services/reporting/dist/projections/projection.js';
import { reportingService } from '../../services/reporting/dist/reporting.service.js';
import { fixed, numberFromEnv, print, saveResult, waitUntil } from './lib.js';
import { SqlCapture } from './sql-capture.js';

const EVENTS = Math.floor(numberFromEnv('BENCH_REPORT_EVENTS', 200_000));
const SAMPLES = Math.floor(numberFromEnv('BENCH_REPORT_SAMPLES', 40));
const OWNERS = 20;
const CURRENCIES = ['EUR', 'USD', 'JPY'];
const LIFECYCLE = ['lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer'];
const IN_FLIGHT = 500;
const CATCH_UP_TIMEOUT_MS = 1_800_000;

const REPORTS: Array<{ pattern: string; input: Record<string, string> }> = [
  { pattern: 'reporting.reports.pipeline', input: {} },
  { pattern: 'reporting.reports.forecast', input: { interval: 'quarter' } },
  { pattern: 'reporting.reports.win-rate', input: {} },
  { pattern: 'reporting.reports.lead-conversion', input: { kind: 'ordered' } },
  { pattern: 'reporting.reports.revenue', input: {} },
  { pattern: 'reporting.reports.activity', input: {} },
  { pattern: 'reporting.reports.acquisition', input: {} },
  { pattern: 'reporting.reports.deal-velocity', input: {} },
];

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
  const stages = ['Lead', 'Qualified', 'Proposal', 'Won'].map((name, position) => ({ id: newId(), name, probability: [10, 40, 70, 100][position], position, kind: position === 3 ? 'won' : 'open' }));
  const owners = Array.from({ length: OWNERS }, () => newId());
  const at = (index: number) => new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
  const envelope = (index: number, type: string, aggregateId: string, data: object) => ({
    subject: `events.crm.${type}`,
    body: { id: newId(), type, version: 1, occurredAt: at(index), workspaceId, actorId: owners[index % OWNERS], aggregateId, data },
  });
  yield envelope(0, 'pipeline.created', pipelineId, { pipeline: { id: pipelineId, name: 'Sales', stages, createdAt: at(0) } });
  for (let index = 1; index < EVENTS; ) {
    if (index % 10 < 7) {
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
      if (index % 3 === 0 && index < EVENTS) yield envelope(index++, 'deal.stage_changed', deal.id, { deal: { ...deal, stageId: stages[1 + (index % 2)]!.id } });
      if (index % 5 === 0 && index < EVENTS) yield envelope(index++, 'deal.won', deal.id, { deal: { ...deal, stageId: stages[3]!.id, closedAt: at(index) } });
    } else {
      const contact = { id: newId(), lifecycleStage: LIFECYCLE[index % LIFECYCLE.length], leadSource: ['web', 'referral', null][index % 3], ownerId: owners[index % OWNERS], createdAt: at(index) };
      yield envelope(index++, 'contact.created', contact.id, {
        contact: { ...contact, customerSince: contact.lifecycleStage === 'customer' ? at(index).slice(0, 10) : null, firstName: 'Bench', tags: [], customFields: {} },
      });
    }
  }
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-reports');
  const nats = await connect({ servers: environment.natsUrl });
  const client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 60_000);
  const sql = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'reporting', poolSize: 2 }));
  const capture = new SqlCapture();
  let reporting: Awaited<ReturnType<typeof startTestService>> | undefined;
  try {
    const workspaceId = newId();
    const js = jetstream(nats);
    // The stream exists once a service has started; reporting is started after the events are in, so create it by starting and stopping it first.
    await (await startTestService(reportingService, environment, { LOG_LEVEL: 'warn' })).close();
    await sql.initialize();
    let published = 0;
    const pending = new Set<Promise<unknown>>();
    const publishStart = performance.now();
    for (const event of crmEvents(workspaceId)) {
      const ack: Promise<unknown> = js.publish(`${environment.natsNamespace}${event.subject}`, JSON.stringify(event.body), { msgID: (event.body as { id: string }).id }).then((): boolean => pending.delete(ack));
      pending.add(ack);
      published++;
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
    print(`published ${published} crm events in ${fixed((performance.now() - publishStart) / 1000)} s`);

    const jsm = await jetstreamManager(nats);
    const start = performance.now();
    reporting = await startTestService(reportingService, environment, { LOG_LEVEL: 'warn' });
    const settled = await waitUntil(
      async () => {
        for (const projection of PROJECTIONS) {
          const info = await jsm.consumers.info(eventStreamName(environment.natsNamespace), consumerName(projection));
          if (info.num_pending + info.num_ack_pending > 0) return false;
        }
        return true;
      },
      CATCH_UP_TIMEOUT_MS,
      500,
    );
    if (!settled) throw new Error('the projections did not catch up');
    const catchUpSeconds = (performance.now() - start) / 1000;
    const [{ deals }] = await sql.query('SELECT count(*)::int AS deals FROM reporting.deals');
    print(`catch-up: ${published} events through ${PROJECTIONS.length} projections in ${fixed(catchUpSeconds)} s = ${fixed(published / catchUpSeconds, 0)} events/s (${deals} deals projected)`);

    const context: RequestContext = { workspaceId, userId: newId(), role: 'owner', scopes: [], requestId: 'bench-reports' };
    const results: Record<string, { uncachedP95Ms: number; cachedP95Ms: number; sqlP95Ms: number; ratio: number }> = {};
    print('report                       uncached p95   cached p95   same SQL p95   uncached / SQL');
    for (const report of REPORTS) {
      const uncached: number[] = [];
      const base: number[] = [];
      let queries: Array<{ text: string; values: unknown[] }> = [];
      for (let sample = 0; sample < SAMPLES; sample++) {
        // A different `to` each time (all after the data) is a new cache key with the same answer.
        const input = { ...report.input, to: new Date(Date.UTC(2030, 0, 1 + sample)).toISOString().slice(0, 10) };
        const started = performance.now();
        const caught = await capture.queriesOf(() => client.send(report.pattern, input, context));
        uncached.push(performance.now() - started);
        queries = caught.queries.filter((query) => /FROM reporting\.(deals|contacts|contact_lifecycle_history|invoices|payments|tasks|deal_stage_history)/.test(query.text));
      }
      for (let sample = 0; sample < SAMPLES; sample++) base.push(await timed(async () => Promise.all(queries.map((query) => sql.query(query.text, query.values)))));
      const cached: number[] = [];
      for (let sample = 0; sample < SAMPLES; sample++) cached.push(await timed(() => client.send(report.pattern, { ...report.input, to: '2030-01-01' }, context)));
      const figures = { uncachedP95Ms: p95(uncached), cachedP95Ms: p95(cached), sqlP95Ms: p95(base), ratio: p95(uncached) / p95(base) };
      results[report.pattern] = figures;
      print(`${report.pattern.replace('reporting.reports.', '').padEnd(28)} ${fixed(figures.uncachedP95Ms).padStart(9)} ms ${fixed(figures.cachedP95Ms).padStart(9)} ms ${fixed(figures.sqlP95Ms).padStart(11)} ms ${fixed(figures.ratio, 2).padStart(12)}`);
    }
    await saveResult('reports', { events: published, catchUpSeconds, eventsPerSecond: published / catchUpSeconds, deals, reports: results });
  } finally {
    await reporting?.close();
    await client.close();
    await nats.close();
    await sql.destroy().catch(() => undefined);
    await environment.dispose();
  }
}

await main();
