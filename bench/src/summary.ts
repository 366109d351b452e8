/** Prints one short summary of the results the benches left in bench/results/; run by run.sh after them. */
import { readFile } from 'node:fs/promises';
import { fixed, print, verdict } from './lib.js';

interface RpcResult {
  gateway: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  plain: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  ratios: { throughput: number; p50: number; p99: number };
  failures: number;
}

interface PipelineStage {
  eventsPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

interface OutboxResult {
  steadyRate: number;
  steady: PipelineStage & { writtenPerSecond: number };
  full: PipelineStage;
  raw: PipelineStage;
  ratio: number;
}

interface Rates {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Versus {
  throughput: number;
  p50: number;
  p99: number;
}

interface AuthResult {
  probeRate: number;
  logins: Rates;
  meAlone: Rates;
  meDuringLogins: Rates;
  public: Rates;
  bearer: Rates;
  apiKey: Rates;
  eventLoopDelay: { aloneP99Ms: number; duringLoginsP99Ms: number };
  ratios: { meDuringLoginsVsAlone: Versus; bearerVsPublic: Versus; apiKeyVsPublic: Versus };
  apiKeyVerifications: number;
  failures: number;
}

interface ConsoleLoadResult {
  contacts: number;
  firstVisitMs: number;
  repeatVisitMs: { p50: number; p95: number };
  searchMs: { p50: number; p95: number };
  scroll: { rows: number; p95Ms: number; longFrames: number; count: number };
  ratios: { firstRowsToApi: number; searchToApi: number; scrollP95ToIdleP95: number };
}

interface CrmResult {
  sizes: { contacts: number };
  searchHttp: Rates & { p95Ms: number };
  searchSql: Rates & { p95Ms: number };
  getById: Rates;
  create: Rates;
  ratios: { throughput: number; p50: number; p95: number };
  plans: Array<{ seqScans: string[] }>;
  failures: number;
}

/** undefined when the bench did not leave a result (run.sh deletes old ones first, so a failed bench has none). */
async function load<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(new URL(`../results/${name}.json`, import.meta.url), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

interface InboundEmailResult {
  emails: number;
  acceptedPerSecond: number;
  threadedPerSecond: number;
  targetPerSecond: number;
  baselinePerSecond: number;
  ratio: number;
}

interface SlaResult {
  tickets: number;
  passes: Array<{ name: string; seconds: number; notices: number }>;
  baselineSeconds: number;
  ratios: { steady: number; quiet: number };
}

interface FuzzResult {
  seed: number;
  requests: number;
  operations: number;
  operationsCovered: number;
  findings: unknown[];
}

interface PaymentsResult {
  paymentsPerSecond: number;
  ratio: number;
  targets: { paymentsPerSecond: number; ratio: number };
  machineMsPerPayment: number;
  reconciliation: { large: { entries: number; seconds: number; rssBeforeMb: number; rssPeakMb: number } };
  failures: number;
}

const rpc = await load<RpcResult>('rpc-roundtrip');
const outbox = await load<OutboxResult>('outbox-pipeline');
const auth = await load<AuthResult>('auth');
const crm = await load<CrmResult>('crm');
const consoleLoad = await load<ConsoleLoadResult>('console-load');
const fuzz = await load<FuzzResult>('fuzz');
const sla = await load<SlaResult>('sla');
const inboundEmail = await load<InboundEmailResult>('inbound-email');
const payments = await load<PaymentsResult>('payments');

print();
print('== bench summary ==');
if (rpc) {
  print(
    `rpc round trip   gateway ${fixed(rpc.gateway.requestsPerSecond, 0)} req/s (p50 ${fixed(rpc.gateway.p50Ms)} / p99 ${fixed(rpc.gateway.p99Ms)} ms)` +
      `   plain Fastify ${fixed(rpc.plain.requestsPerSecond, 0)} req/s (p50 ${fixed(rpc.plain.p50Ms)} / p99 ${fixed(rpc.plain.p99Ms)} ms)`,
  );
  print(
    `                 gateway ÷ plain: throughput ${fixed(rpc.ratios.throughput, 3)}, p50 ×${fixed(rpc.ratios.p50, 2)}, p99 ×${fixed(rpc.ratios.p99, 2)}` +
      (rpc.failures > 0 ? `   FAILED: ${rpc.failures} errors/non-2xx` : ''),
  );
} else {
  print('rpc round trip   no result (the bench failed, see its output above)');
}
if (outbox) {
  print(
    `outbox pipeline  steady ${outbox.steadyRate}/s: consumed ${fixed(outbox.steady.eventsPerSecond, 0)}/s, lag p50 ${fixed(outbox.steady.lagP50Ms)} / p99 ${fixed(outbox.steady.lagP99Ms)} ms`,
  );
  print(
    `                 full speed ${fixed(outbox.full.eventsPerSecond, 0)} events/s (lag p99 ${fixed(outbox.full.lagP99Ms)} ms)` +
      `   raw JetStream ${fixed(outbox.raw.eventsPerSecond, 0)} msgs/s   outbox ÷ raw: ${fixed(outbox.ratio, 3)}`,
  );
} else {
  print('outbox pipeline  no result (the bench failed, see its output above)');
}
if (auth) {
  print(
    `auth             logins ${fixed(auth.logins.requestsPerSecond, 0)}/s (p99 ${fixed(auth.logins.p99Ms)} ms)` +
      `   GET /me at ${auth.probeRate} req/s: p99 ${fixed(auth.meAlone.p99Ms)} ms alone, ${fixed(auth.meDuringLogins.p99Ms)} ms during logins (×${fixed(auth.ratios.meDuringLoginsVsAlone.p99, 2)})` +
      `, event-loop delay p99 ${fixed(auth.eventLoopDelay.aloneP99Ms)} → ${fixed(auth.eventLoopDelay.duringLoginsP99Ms)} ms`,
  );
  print(
    `                 public ${fixed(auth.public.requestsPerSecond, 0)} req/s (p99 ${fixed(auth.public.p99Ms)} ms)` +
      `   access token ÷ public: throughput ${fixed(auth.ratios.bearerVsPublic.throughput, 3)}, p99 ×${fixed(auth.ratios.bearerVsPublic.p99, 2)}` +
      `   API key ÷ public: throughput ${fixed(auth.ratios.apiKeyVsPublic.throughput, 3)}, p99 ×${fixed(auth.ratios.apiKeyVsPublic.p99, 2)} (${auth.apiKeyVerifications} verifications)` +
      (auth.failures > 0 ? `   FAILED: ${auth.failures} errors/non-2xx` : ''),
  );
} else {
  print('auth             no result (the bench failed, see its output above)');
}
if (crm) {
  const scanned = crm.plans.filter((plan) => plan.seqScans.some((table) => ['contacts', 'companies', 'deals'].includes(table))).length;
  print(
    `crm              ${crm.sizes.contacts} contacts: search through the gateway ${fixed(crm.searchHttp.requestsPerSecond, 0)} req/s (p50 ${fixed(crm.searchHttp.p50Ms)} / p95 ${fixed(crm.searchHttp.p95Ms)} ms)` +
      `   same SQL through pg ${fixed(crm.searchSql.requestsPerSecond, 0)} req/s (p50 ${fixed(crm.searchSql.p50Ms)} / p95 ${fixed(crm.searchSql.p95Ms)} ms)`,
  );
  print(
    `                 gateway ÷ pg: throughput ${fixed(crm.ratios.throughput, 3)}, p50 ×${fixed(crm.ratios.p50, 2)}, p95 ×${fixed(crm.ratios.p95, 2)}` +
      `   GET /contacts/:id ${fixed(crm.getById.requestsPerSecond, 0)} req/s   POST /contacts ${fixed(crm.create.requestsPerSecond, 0)} req/s` +
      `   plans with a sequential scan: ${scanned} of ${crm.plans.length}` +
      (crm.failures > 0 ? `   FAILED: ${crm.failures} errors/non-2xx` : ''),
  );
} else {
  print('crm              no result (the bench failed, see its output above)');
}
if (consoleLoad) {
  print(
    `console-load     ${consoleLoad.contacts} contacts in Chromium: first rows ${fixed(consoleLoad.firstVisitMs, 0)} ms first visit, p50 ${fixed(consoleLoad.repeatVisitMs.p50, 0)} ms after (÷ API ${fixed(consoleLoad.ratios.firstRowsToApi, 1)})` +
      `   search p50 ${fixed(consoleLoad.searchMs.p50, 0)} ms (÷ API ${fixed(consoleLoad.ratios.searchToApi, 1)})` +
      `   scrolling ${consoleLoad.scroll.rows} rows: frame p95 ${fixed(consoleLoad.scroll.p95Ms, 1)} ms (÷ idle ${fixed(consoleLoad.ratios.scrollP95ToIdleP95, 2)}), ${consoleLoad.scroll.longFrames} of ${consoleLoad.scroll.count} frames over 50 ms`,
  );
} else {
  print('console-load     no result (the bench failed, see its output above)');
}
if (sla) {
  print(
    `sla              ${sla.tickets} open tickets: ` +
      sla.passes.map((pass) => `${pass.name} ${fixed(pass.seconds, 3)} s (${pass.notices} notices)`).join(', ') +
      `   SQL count ${fixed(sla.baselineSeconds, 4)} s   steady ÷ SQL ${fixed(sla.ratios.steady, 1)}, nothing new ÷ SQL ${fixed(sla.ratios.quiet, 1)}`,
  );
} else {
  print('sla              no result (the bench failed, see its output above)');
}
if (inboundEmail) {
  print(
    `inbound-email    ${inboundEmail.emails} emails: threaded into tickets ${fixed(inboundEmail.threadedPerSecond, 0)}/s (target ≥ ${inboundEmail.targetPerSecond}), ` +
      `accepted ${fixed(inboundEmail.acceptedPerSecond, 0)}/s   bare smtp-server ${fixed(inboundEmail.baselinePerSecond, 0)}/s   ratio ${fixed(inboundEmail.ratio, 2)}`,
  );
} else {
  print('inbound-email    no result (the bench failed, see its output above)');
}
if (payments) {
  const { large } = payments.reconciliation;
  print(
    `payments         ${fixed(payments.paymentsPerSecond, 0)} payments/s (target ≥ ${payments.targets.paymentsPerSecond}: ${verdict(payments.paymentsPerSecond, payments.targets.paymentsPerSecond)}; the machine ${fixed(payments.machineMsPerPayment, 2)} ms of CPU per payment)` +
      `   ÷ raw pg ${fixed(payments.ratio, 3)} (target ≥ ${payments.targets.ratio}: ${verdict(payments.ratio, payments.targets.ratio)})` +
      `   reconciliation of ${large.entries} entries ${fixed(large.seconds, 2)} s, RSS +${fixed(large.rssPeakMb - large.rssBeforeMb, 1)} MiB` +
      (payments.failures > 0 ? `   FAILED: ${payments.failures} problems` : ''),
  );
} else {
  print('payments         no result (the bench failed, see its output above)');
}
if (fuzz) {
  print(
    `fuzz             ${fuzz.requests} requests over ${fuzz.operationsCovered} of ${fuzz.operations} operations (seed ${fuzz.seed}): ${fuzz.findings.length} findings`,
  );
} else {
  print('fuzz             no result (the bench failed, see its output above)');
}
