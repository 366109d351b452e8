/**
 * What recording a payment costs: manual payments through the gateway (HTTP → NATS → billing →
 * PostgreSQL; each one a ledger transaction of three entries — cash, the customer's receivable, the
 * excess to the wallet — with the invoice and wallet rows locked and the balance trigger) next to
 * the same rows written straight through pg, at 32 connections, in rounds of one and then the other
 * in the same run (BENCH_ROUNDS; the ratio is the rounds' median). Then the last round sent again
 * with the same keys and bodies, each answered from its Idempotency-Key's record: what the request
 * path costs without the payment, and how many payments the machine's cores could do at most. Then the
 * reconciliation of a ledger of 1,000,000 entries: seconds, and the process's memory while it runs.
 * Gateway, auth, crm and billing each run as their own process, as deployed; the reconciliation
 * runs in a billing started in this process afterwards, so its memory is read here.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrateService, startService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../services/auth/dist/auth.service.js';
import { billingService } from '../../services/billing/dist/billing.service.js';
import { LedgerReconciliation } from '../../services/billing/dist/ledger/reconciliation.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { fixed, median, numberFromEnv, percentiles, print, saveResult, verdict } from './lib.js';
import { startServiceProcess, stopServiceProcess, type ServiceName } from './service-processes.js';
import { machineBusyMs, processCpuMs } from './sql-load-worker.js';

const CONNECTIONS = 32;
const PAYMENTS = numberFromEnv('BENCH_PAYMENTS', 6000);
const WARMUP_PAYMENTS = numberFromEnv('BENCH_PAYMENTS_WARMUP', 600);
/** Rounds of PAYMENTS payments and PAYMENTS raw transactions in turn; the ratio is their median (the machine's speed drifts between phases). */
const ROUNDS = numberFromEnv('BENCH_ROUNDS', 3);
const LEDGER_ENTRIES = numberFromEnv('BENCH_LEDGER_ENTRIES', 1_000_000);
/** Invoices spread over this many customers, as real ones are: one wallet row for all would serialize every payment. */
const CUSTOMERS = 512;
/** A directory for `--cpu-prof` profiles of the service processes, one folder per service (summarise with cpu-profile-summary.js). */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const SERVICES: readonly ServiceName[] = ['auth', 'crm', 'billing', 'gateway'];
const INVOICE_TOTAL = 12_000;
/** Issue #12's targets, judged on the rounds' medians. */
const TARGET_PAYMENTS_PER_SECOND = 500;
const TARGET_RATIO = 0.3;

interface LoadReport {
  elapsedMs: number;
  latencies: number[];
  failures: number;
  statuses: Record<string, number>;
}

/**
/** One POST /payments: its Idempotency-Key and body. */
interface PaymentRequest {
  key: string;
  body: string;
}

/** Requests paying each invoice its total plus 1 (the 1 to the wallet), each with a fresh Idempotency-Key. */
function paymentRequests(invoices: string[]): PaymentRequest[] {
  return invoices.map((invoiceId) => ({ key: randomUUID(), body: JSON.stringify({ invoiceId, amount: INVOICE_TOTAL + 1, method: 'manual' }) }));
}

/**
 * Sends the requests, CONNECTIONS at a time, through autocannon. It runs on this process's
 * main thread, which has nothing else to do meanwhile (every service is a process of its own). Not
 * fetch: on this 2-core machine fetch spent ~1.5 ms of CPU per request, as much as the gateway,
 * taken from the services it measured.
 */
async function payThrough(url: string, authorization: string, payments: PaymentRequest[]): Promise<Rates> {
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/api/v1/payments`,
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    connections: CONNECTIONS,
    amount: payments.length,
    // autocannon notices the last answer at its next sample: every 10 ms, not every second, so the run's time is its own.
    sampleInt: 10,
    requests: [
      {
        setupRequest: (request) => {
          const payment = payments[next++ % payments.length]!;
          return { ...request, headers: { ...request.headers, 'idempotency-key': payment.key }, body: payment.body };
        },
      },
    ],
  });
  const elapsedMs = performance.now() - started;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const count = result['2xx'] + result.non2xx;
  return {
    perSecond: (count / elapsedMs) * 1000,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    count,
    failures: count - (statuses['201'] ?? 0) + result.errors + result.timeouts,
    statuses,
  };
}

/** Open invoices of 10,000 + 20 % tax, finalized as billing would (number, dates, the receivable/revenue/tax transaction). */
async function seedInvoices(owner: pg.Pool, workspaceId: string, count: number, firstNumber: number): Promise<string[]> {
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO billing.invoices (id, workspace_id, number, status, customer_contact_id, customer_name, currency, issue_date, due_date, payment_terms, subtotal, tax, total, finalized_at)
     SELECT gen_random_uuid(), $1, 'INV-BENCH-' || lpad(n::text, 7, '0'), 'open', customers.ids[1 + n % $4], 'Bench customer', 'EUR', current_date, current_date + 30, 'net_30', 10000, 2000, ${INVOICE_TOTAL}, now()
     FROM generate_series($2::int, $2::int + $3::int - 1) AS n, (SELECT array_agg(gen_random_uuid()) AS ids FROM generate_series(1, $4)) AS customers
     RETURNING id`,
    [workspaceId, firstNumber, count, CUSTOMERS],
  );
  await owner.query(
    `WITH invoice AS (SELECT id, customer_contact_id, subtotal, tax, total FROM billing.invoices WHERE id = ANY($2::uuid[])),
          posted AS (INSERT INTO billing.ledger_transactions (id, workspace_id, kind, invoice_id) SELECT gen_random_uuid(), $1, 'invoice_finalized', id FROM invoice RETURNING id, invoice_id)
     INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount)
     SELECT gen_random_uuid(), $1, posted.id, entry.account, 'EUR', entry.amount
     FROM posted JOIN invoice ON invoice.id = posted.invoice_id
     CROSS JOIN LATERAL (VALUES ('receivable:' || invoice.customer_contact_id, invoice.total), ('revenue', -invoice.subtotal), ('tax_payable', -invoice.tax)) AS entry(account, amount)`,
    [workspaceId, rows.map((row) => row.id)],
  );
  return rows.map((row) => row.id);
}

/** The same rows a payment writes to the ledger (transaction, three entries, the wallet's balance), straight through pg: BEGIN … COMMIT per payment. */
async function rawPayments(owner: pg.Pool, workspaceId: string, count: number): Promise<LoadReport> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = await owner.connect();
      try {
        for (let index = next++; index < count; index = next++) {
          const customer = customers[index % CUSTOMERS]!;
          const begun = performance.now();
          try {
            await client.query('BEGIN');
            await client.query(
              `INSERT INTO billing.wallet_balances (workspace_id, customer_id, currency, balance) VALUES ($1, $2, 'EUR', 1)
               ON CONFLICT (workspace_id, customer_id, currency) DO UPDATE SET balance = billing.wallet_balances.balance + 1, updated_at = now()`,
              [workspaceId, customer],
            );
            const transactionId = randomUUID();
            await client.query(`INSERT INTO billing.ledger_transactions (id, workspace_id, kind) VALUES ($1, $2, 'payment')`, [transactionId, workspaceId]);
            await client.query(
              `INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount)
               VALUES ($3, $1, $2, 'cash', 'EUR', ${INVOICE_TOTAL + 1}), ($4, $1, $2, 'receivable:' || $6, 'EUR', -${INVOICE_TOTAL}), ($5, $1, $2, 'wallet:' || $6, 'EUR', -1)`,
              [workspaceId, transactionId, randomUUID(), randomUUID(), randomUUID(), customer],
            );
            await client.query('COMMIT');
          } catch {
            failures += 1;
            await client.query('ROLLBACK');
          }
          latencies.push(performance.now() - begun);
        }
      } finally {
        client.release();
      }
    }),
  );
  return { elapsedMs: performance.now() - started, latencies, failures, statuses: {} };
}

/** Balanced transactions of three entries in a workspace of their own, in statements of 300,000 entries, until the ledger holds `target` entries. */
async function seedLedger(owner: pg.Pool, target: number): Promise<number> {
  const workspaceId = randomUUID();
  const { rows } = await owner.query<{ count: string }>('SELECT count(*) FROM billing.ledger_entries');
  let entries = Number(rows[0]!.count);
  while (entries < target) {
    const transactions = Math.min(100_000, Math.ceil((target - entries) / 3));
    await owner.query(
      `WITH posted AS (INSERT INTO billing.ledger_transactions (id, workspace_id, kind) SELECT gen_random_uuid(), $1, 'wallet_credit' FROM generate_series(1, $2) RETURNING id)
       INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount)
       SELECT gen_random_uuid(), $1, posted.id, entry.account, 'EUR', entry.amount FROM posted
       CROSS JOIN LATERAL (VALUES ('cash', 200::bigint), ('revenue', -150::bigint), ('tax_payable', -50::bigint)) AS entry(account, amount)`,
      [workspaceId, transactions],
    );
    entries += transactions * 3;
  }
  return entries;
}

/** Runs the reconciliation and samples this process's resident memory every 20 ms meanwhile. */
async function reconcile(
  reconciliation: LedgerReconciliation,
): Promise<{ seconds: number; entries: number; imbalances: number; rssBeforeMb: number; rssPeakMb: number }> {
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  const rssBeforeMb = mb();
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, mb())), 20);
  const started = performance.now();
  try {
    const run = await reconciliation.run();
    return {
      seconds: (performance.now() - started) / 1000,
      entries: run.entries,
      imbalances: run.imbalances,
      rssBeforeMb,
      rssPeakMb: Math.max(rssPeakMb, mb()),
    };
  } finally {
    clearInterval(sampler);
  }
}

type Rates = ReturnType<typeof rates>;

function rates(report: LoadReport) {
  const { p50, p99 } = percentiles(report.latencies);
  return {
    perSecond: (report.latencies.length / report.elapsedMs) * 1000,
    p50Ms: p50,
    p99Ms: p99,
    count: report.latencies.length,
    failures: report.failures,
    statuses: report.statuses,
  };
}

async function cpuMsOf(children: ReadonlyMap<ServiceName, ChildProcess>): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const [name, child] of children) times[name] = (await processCpuMs(child.pid!)) ?? Number.NaN;
  return times;
}

/**
 * The read(2)- or write(2)-family calls each service process made so far (`syscr`, `syscw` of
 * /proc/<pid>/io): a socket write per request sent to PostgreSQL, NATS or Redis and per log line, a
 * read per batch of answers that arrived together, so counts the machine's load moves little.
 * (PostgreSQL's backends recv(2) and send(2), which the counts leave out.)
 */
async function ioCallsOf(children: ReadonlyMap<ServiceName, ChildProcess>): Promise<Record<string, { reads: number; writes: number }>> {
  const calls: Record<string, { reads: number; writes: number }> = {};
  for (const [name, child] of children) {
    const io = await readFile(`/proc/${child.pid!}/io`, 'utf8').catch(() => '');
    const counter = (field: string) => Number(new RegExp(`^${field}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
    calls[name] = { reads: counter('syscr'), writes: counter('syscw') };
  }
  return calls;
}

/**
 * CPU time of the bench database's PostgreSQL backends (the services' pools and this process's), by
 * pid. A backend that ends between two readings takes its time with it, so the figure is a floor.
 */
async function backendsCpuMs(owner: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await owner.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const times = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = await processCpuMs(pid);
    if (ms !== undefined) times.set(pid, ms);
  }
  return times;
}

/** The backends' CPU between two readings; a backend started in between counts from its start. */
function backendsCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, time] of after) ms += time - (before.get(pid) ?? 0);
  return ms;
}

/** One round: payments through the gateway, then the same rows through pg. */
interface Round {
  viaGateway: Rates;
  raw: Rates;
  ratio: number;
}

/**
 * What one kind of phase (payments through the gateway, or raw transactions) used over all its
 * rounds: CPU per service process, PostgreSQL's backends, this process and the whole machine, and
 * the services' read and write calls.
 */
class Usage {
  private readonly cpuMs: Record<string, number> = {};
  readonly reads: Record<string, number> = {};
  readonly writes: Record<string, number> = {};
  private postgresMs = 0;
  private selfMs = 0;
  machineMs = 0;

  async measure<T>(children: ReadonlyMap<ServiceName, ChildProcess>, owner: pg.Pool, phase: () => Promise<T>): Promise<T> {
    const [cpuBefore, ioBefore, backendsBefore, machineBefore] = [
      await cpuMsOf(children),
      await ioCallsOf(children),
      await backendsCpuMs(owner),
      await machineBusyMs(),
    ];
    const selfBefore = process.cpuUsage();
    const result = await phase();
    const self = process.cpuUsage(selfBefore);
    this.machineMs += (await machineBusyMs()) - machineBefore;
    const [cpuAfter, ioAfter, backendsAfter] = [await cpuMsOf(children), await ioCallsOf(children), await backendsCpuMs(owner)];
    for (const name of children.keys()) {
      this.cpuMs[name] = (this.cpuMs[name] ?? 0) + cpuAfter[name]! - cpuBefore[name]!;
      this.reads[name] = (this.reads[name] ?? 0) + ioAfter[name]!.reads - ioBefore[name]!.reads;
      this.writes[name] = (this.writes[name] ?? 0) + ioAfter[name]!.writes - ioBefore[name]!.writes;
    }
    this.postgresMs += backendsCpuBetween(backendsBefore, backendsAfter);
    this.selfMs += (self.user + self.system) / 1000;
    return result;
  }

  /** ms per operation: each service, PostgreSQL, and this process under `selfLabel`. */
  perOperation(services: readonly ServiceName[], operations: number, selfLabel: string): Record<string, number> {
    return Object.fromEntries([
      ...services.map((name) => [name, (this.cpuMs[name] ?? 0) / operations]),
      ['postgres', this.postgresMs / operations],
      [selfLabel, this.selfMs / operations],
    ]);
  }
}

async function main(): Promise<number> {
  let environment: TestEnvironment | undefined;
  const children = new Map<ServiceName, ChildProcess>();
  let billing: RunningService | undefined;
  let owner: pg.Pool | undefined;
  try {
    environment = await createTestEnvironment('bench payments');
    const env = { ...environment.env };
    await migrateService(authService, env);
    await migrateService(crmService, env);
    await migrateService(billingService, env);
    const logDirectory = await mkdtemp(join(tmpdir(), 'kinship-bench-payments-'));
    let gatewayUrl = '';
    for (const name of SERVICES) {
      const started = await startServiceProcess(name, env, logDirectory, CPU_PROFILE_DIR);
      children.set(name, started.child);
      if (name === 'gateway') gatewayUrl = started.url;
    }
    const gateway = { url: gatewayUrl };
    owner = new pg.Pool({ connectionString: environment.databaseUrl, max: CONNECTIONS + 2 });

    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    const registered = await fetch(`${gateway.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}` },
      body: JSON.stringify({ email, password: `bench-${randomBytes(12).toString('hex')}`, name: 'Bench Owner', workspaceName: 'Bench billing' }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status} ${await registered.text()}`);
    const { accessToken, workspace } = (await registered.json()) as { accessToken: string; workspace: { id: string } };
    const authorization = `Bearer ${accessToken}`;

    print(`Seeding ${WARMUP_PAYMENTS + ROUNDS * PAYMENTS} open invoices over ${CUSTOMERS} customers…`);
    const warmupInvoices = await seedInvoices(owner, workspace.id, WARMUP_PAYMENTS, 1);
    const roundInvoices: string[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      roundInvoices.push(await seedInvoices(owner, workspace.id, PAYMENTS, WARMUP_PAYMENTS + round * PAYMENTS + 1));
    }
    print(`POST /api/v1/payments: ${WARMUP_PAYMENTS} payments to warm up…`);
    const warmup = await payThrough(gateway.url, authorization, paymentRequests(warmupInvoices));
    const loadBefore = loadavg();
    const gatewayUse = new Usage();
    const rawUse = new Usage();
    const rounds: Round[] = [];
    let lastRound: PaymentRequest[] = [];
    for (const [index, invoices] of roundInvoices.entries()) {
      lastRound = paymentRequests(invoices);
      print(`Round ${index + 1} of ${ROUNDS}: ${PAYMENTS} payments through the gateway, then the same rows through pg, each at ${CONNECTIONS} connections…`);
      // Each phase starts from a checkpoint, so a checkpoint's writes never land in one phase only.
      await owner.query('CHECKPOINT');
      const viaGateway = await gatewayUse.measure(children, owner, () => payThrough(gateway.url, authorization, lastRound));
      await owner.query('CHECKPOINT');
      const raw = rates(await rawUse.measure(children, owner, () => rawPayments(owner!, randomUUID(), PAYMENTS)));
      rounds.push({ viaGateway, raw, ratio: viaGateway.perSecond / raw.perSecond });
    }
    const loadAfter = loadavg();
    // The request path without the payment: the last round sent again, each answered from its key's record.
    print(`Replaying round ${ROUNDS}'s ${PAYMENTS} payments (the same Idempotency-Key and body)…`);
    await owner.query('CHECKPOINT');
    const replayUse = new Usage();
    const replays = await replayUse.measure(children, owner, () => payThrough(gateway.url, authorization, lastRound));
    const measuredPayments = ROUNDS * PAYMENTS;
    const cpuMsPerPayment = gatewayUse.perOperation(SERVICES, measuredPayments, 'load generator (this process)');
    const machineMsPerPayment = gatewayUse.machineMs / measuredPayments;
    const perPayment = (calls: Record<string, number>) => SERVICES.map((name) => [name, (calls[name] ?? 0) / measuredPayments] as const);
    const readsPerPayment = perPayment(gatewayUse.reads);
    const writesPerPayment = perPayment(gatewayUse.writes);
    const cpuMsPerRawTransaction = rawUse.perOperation(SERVICES, measuredPayments, 'pg client (this process)');
    const cpuMsPerReplay = replayUse.perOperation(SERVICES, PAYMENTS, 'load generator (this process)');
    const machineMsPerReplay = replayUse.machineMs / PAYMENTS;
    // What the machine's cores can give in a second, all busy.
    const coreMsPerSecond = availableParallelism() * 1000;
    const paid = await owner.query<{ count: string }>(`SELECT count(*) FROM billing.invoices WHERE workspace_id = $1 AND status = 'paid'`, [workspace.id]);
    const recorded = await owner.query<{ count: string }>(`SELECT count(*) FROM billing.payments WHERE workspace_id = $1`, [workspace.id]);

    // The service processes stop (and write their profiles); a billing in this process reconciles, so its memory is read here.
    for (const child of children.values()) await stopServiceProcess(child);
    children.clear();
    billing = await startService(billingService, env);
    const reconciliation = billing.app.get(LedgerReconciliation);
    const small = await reconcile(reconciliation);
    print(`Seeding the ledger to ${LEDGER_ENTRIES} entries…`);
    await seedLedger(owner, LEDGER_ENTRIES);
    const large = await reconcile(reconciliation);

    const ratio = median(rounds.map((round) => round.ratio));
    const paymentsPerSecond = median(rounds.map((round) => round.viaGateway.perSecond));
    const failures = rounds.reduce((sum, round) => sum + round.viaGateway.failures + round.raw.failures, warmup.failures + replays.failures);
    print();
    print(
      `Manual payments — ${CONNECTIONS} connections, ${ROUNDS} rounds of ${PAYMENTS} payments after ${WARMUP_PAYMENTS} to warm up; each one ledger transaction of 3 entries (cash, receivable, wallet)`,
    );
    for (const [index, { viaGateway, raw, ratio: roundRatio }] of rounds.entries()) {
      print(
        `  round ${index + 1}: via gateway ${fixed(viaGateway.perSecond, 0).padStart(4)} payments/s (p50 ${fixed(viaGateway.p50Ms)} ms, p99 ${fixed(viaGateway.p99Ms)} ms)   raw pg ${fixed(raw.perSecond, 0).padStart(5)} tx/s (p50 ${fixed(raw.p50Ms)} ms, p99 ${fixed(raw.p99Ms)} ms)   ratio ${fixed(roundRatio, 3)}   statuses ${JSON.stringify(viaGateway.statuses)}`,
      );
    }
    print(
      `  median of the rounds: via gateway ${fixed(paymentsPerSecond, 0)} payments/s, p99 ${fixed(median(rounds.map((round) => round.viaGateway.p99Ms)))} ms; raw pg ${fixed(median(rounds.map((round) => round.raw.perSecond)), 0)} tx/s; failures ${failures} (warm-up statuses ${JSON.stringify(warmup.statuses)})`,
    );
    print(
      `  CPU per payment (ms): ${Object.entries(cpuMsPerPayment)
        .map(([name, ms]) => `${name} ${fixed(ms, 2)}`)
        .join(
          ', ',
        )}; the whole machine ${fixed(machineMsPerPayment, 2)} (nats-server, Redis and the kernel the rest)   load average ${loadBefore.map((value) => fixed(value, 2)).join(' ')} before, ${loadAfter.map((value) => fixed(value, 2)).join(' ')} after, on ${availableParallelism()} cores`,
    );
    print(`  write calls per payment: ${writesPerPayment.map(([name, calls]) => `${name} ${fixed(calls, 2)}`).join(', ')}`);
    print(`  read calls per payment: ${readsPerPayment.map(([name, calls]) => `${name} ${fixed(calls, 2)}`).join(', ')}`);
    print(
      `  CPU during the raw runs, per transaction (ms): ${Object.entries(cpuMsPerRawTransaction)
        .map(([name, ms]) => `${name} ${fixed(ms, 2)}`)
        .join(', ')}; the whole machine ${fixed(rawUse.machineMs / measuredPayments, 2)}`,
    );
    print(
      `  ratio gateway ÷ raw, median of the rounds: ${fixed(ratio, 3)}   targets: ≥ ${TARGET_PAYMENTS_PER_SECOND} payments/s ${verdict(paymentsPerSecond, TARGET_PAYMENTS_PER_SECOND)} (${fixed(paymentsPerSecond, 0)}), ratio ≥ ${TARGET_RATIO} ${verdict(ratio, TARGET_RATIO)}   invoices paid: ${paid.rows[0]!.count} of ${WARMUP_PAYMENTS + measuredPayments}`,
    );
    print(
      `  replays of round ${ROUNDS} (answered from the Idempotency-Key's record: the request path through gateway, NATS, billing and two reads in PostgreSQL; no money moved, no events): ${fixed(replays.perSecond, 0)}/s (p99 ${fixed(replays.p99Ms)} ms), statuses ${JSON.stringify(replays.statuses)}; payments recorded ${recorded.rows[0]!.count} of ${WARMUP_PAYMENTS + measuredPayments}`,
    );
    print(
      `  CPU per replay (ms): ${Object.entries(cpuMsPerReplay)
        .map(([name, ms]) => `${name} ${fixed(ms, 2)}`)
        .join(', ')}; the whole machine ${fixed(machineMsPerReplay, 2)}`,
    );
    print(
      `  the machine's ceiling: ${availableParallelism()} cores at ${fixed(machineMsPerPayment, 2)} ms per payment do at most ${fixed(coreMsPerSecond / machineMsPerPayment, 0)} payments/s (${TARGET_PAYMENTS_PER_SECOND}/s needs ${fixed(coreMsPerSecond / TARGET_PAYMENTS_PER_SECOND, 2)} ms or less); at ${fixed(machineMsPerReplay, 2)} ms per replay, ${fixed(coreMsPerSecond / machineMsPerReplay, 0)} replays/s`,
    );
    print(`Reconciliation — billing.ledger_findings() aggregates in PostgreSQL; RSS of this process (billing alone) before and at peak`);
    for (const [label, run] of [
      ['small ledger', small],
      ['1M ledger', large],
    ] as const) {
      print(
        `  ${label.padEnd(13)} ${String(run.entries).padStart(8)} entries   ${fixed(run.seconds, 2)} s   imbalances ${run.imbalances}   RSS ${fixed(run.rssBeforeMb, 0)} → peak ${fixed(run.rssPeakMb, 0)} MiB (+${fixed(run.rssPeakMb - run.rssBeforeMb, 1)})`,
      );
    }
    print(
      `  note: gateway, auth, crm and billing run as processes of their own, on the machine with PostgreSQL, Redis and nats-server; figures compare paths in one run. Service logs in ${logDirectory}`,
    );

    const everyInvoicePaidOnce =
      Number(paid.rows[0]!.count) === WARMUP_PAYMENTS + measuredPayments && Number(recorded.rows[0]!.count) === WARMUP_PAYMENTS + measuredPayments;
    const problems = failures + large.imbalances + small.imbalances + (everyInvoicePaidOnce ? 0 : 1);
    await saveResult('payments', {
      connections: CONNECTIONS,
      payments: PAYMENTS,
      rounds,
      paymentsPerSecond,
      ratio,
      targets: { paymentsPerSecond: TARGET_PAYMENTS_PER_SECOND, ratio: TARGET_RATIO },
      cpuMsPerPayment,
      machineMsPerPayment,
      cpuMsPerRawTransaction,
      replays: { ...replays, cpuMsPerReplay, machineMsPerReplay },
      writeCallsPerPayment: Object.fromEntries(writesPerPayment),
      readCallsPerPayment: Object.fromEntries(readsPerPayment),
      loadAverage: { before: loadBefore, after: loadAfter },
      reconciliation: { small, large },
      failures: problems,
    });
    return problems === 0 ? 0 : 1;
  } finally {
    await owner?.end();
    for (const child of children.values()) await stopServiceProcess(child);
    await billing?.close();
    await environment?.dispose();
  }
}

process.exitCode = await main();
