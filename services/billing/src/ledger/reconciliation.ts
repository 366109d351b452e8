import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Reconciliation } from '@kinship/contracts/billing';
import { ServiceMetrics } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';

export const RECONCILIATION_QUEUE = 'billing-reconciliation';
/** Every 15 minutes: an imbalance pages someone within the alert's `for` plus this. */
export const RECONCILIATION_SCHEDULE = '*/15 * * * *';
/** Runs kept; older ones and their findings are deleted. */
const RUNS_KEPT = 96;

interface FindingRow {
  workspace_id: string;
  kind: string;
  subject: string;
  currency: string | null;
  expected: string | null;
  actual: string | null;
}

export interface ReconciliationRun {
  runId: string;
  entries: number;
  imbalances: number;
  durationMs: number;
}

/**
 * Checks the books of every workspace: every transaction balances per currency, every wallet's
 * kept balance equals the sum of its entries, every invoice's receivable postings equal its amount
 * due, every payment has its ledger entry. PostgreSQL does the aggregation
 * (`billing.ledger_findings()`), so the job's memory does not grow with the ledger; the findings
 * are stored per workspace (row-level security) and their count is `kinship_ledger_imbalances`.
 */
@Injectable()
export class LedgerReconciliation {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: ServiceMetrics,
  ) {
    const gauge = new Gauge({
      name: 'kinship_ledger_imbalances',
      help: 'Findings of the last ledger reconciliation (unbalanced transactions, balances or invoices apart from their entries); 0 when the books balance.',
      registers: [metrics.registry],
    });
    // Read from the database on each scrape, so every replica reports the last run whichever ran it.
    metrics.refreshOnScrape(async () => {
      const [last] = (await this.dataSource.query('SELECT imbalances FROM billing.reconciliation_runs ORDER BY id DESC LIMIT 1')) as Array<{
        imbalances: number;
      }>;
      gauge.set(last?.imbalances ?? 0);
    });
  }

  async run(): Promise<ReconciliationRun> {
    const started = Date.now();
    const checkedAt = new Date();
    const findings = (await this.dataSource.query(
      'SELECT workspace_id, kind, subject, currency, expected, actual FROM billing.ledger_findings()',
    )) as FindingRow[];
    const [{ count }] = (await this.dataSource.query('SELECT billing.ledger_entry_count() AS count')) as [{ count: string }];
    const durationMs = Date.now() - started;
    const [run] = (await this.dataSource.query(
      `INSERT INTO billing.reconciliation_runs (checked_at, duration_ms, entries, imbalances) VALUES ($1, $2, $3, $4) RETURNING id`,
      [checkedAt, durationMs, Number(count), findings.length],
    )) as Array<{ id: string }>;
    const byWorkspace = new Map<string, FindingRow[]>();
    for (const finding of findings) byWorkspace.set(finding.workspace_id, [...(byWorkspace.get(finding.workspace_id) ?? []), finding]);
    for (const [workspaceId, rows] of byWorkspace) {
      await withWorkspace(this.dataSource, workspaceId, (manager) =>
        manager.query(
          `INSERT INTO billing.reconciliation_findings (run_id, workspace_id, kind, subject, currency, expected, actual)
           SELECT $1, $2, f.kind, f.subject, f.currency, f.expected, f.actual FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[]) AS f(kind, subject, currency, expected, actual)`,
          [
            run!.id,
            workspaceId,
            rows.map((row) => row.kind),
            rows.map((row) => row.subject),
            rows.map((row) => row.currency),
            rows.map((row) => row.expected),
            rows.map((row) => row.actual),
          ],
        ),
      );
    }
    await this.dataSource.query('DELETE FROM billing.reconciliation_runs WHERE id <= $1', [Number(run!.id) - RUNS_KEPT]);
    return { runId: run!.id, entries: Number(count), imbalances: findings.length, durationMs };
  }

  async last(workspaceId: string): Promise<Reconciliation> {
    const [run] = (await this.dataSource.query('SELECT id, checked_at, entries FROM billing.reconciliation_runs ORDER BY id DESC LIMIT 1')) as Array<{
      id: string;
      checked_at: Date;
      entries: number;
    }>;
    if (!run) return { checkedAt: null, entriesChecked: 0, findings: [] };
    const rows = (await withWorkspace(this.dataSource, workspaceId, (manager) =>
      manager.query(
        `SELECT kind, subject, currency, expected, actual FROM billing.reconciliation_findings WHERE workspace_id = $1 AND run_id = $2 ORDER BY id`,
        [workspaceId, run.id],
      ),
    )) as FindingRow[];
    return {
      checkedAt: run.checked_at.toISOString(),
      entriesChecked: run.entries,
      findings: rows.map((row) => ({
        kind: row.kind,
        subject: row.subject,
        currency: row.currency,
        expected: row.expected === null ? null : Number(row.expected),
        actual: row.actual === null ? null : Number(row.actual),
      })),
    };
  }
}

/** Runs the check through a repeatable Bull job: Redis keeps one schedule, so one replica runs each check. */
@Processor(RECONCILIATION_QUEUE)
export class ReconciliationJob implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(RECONCILIATION_QUEUE) private readonly queue: Queue,
    private readonly reconciliation: LedgerReconciliation,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add(
      {},
      { repeat: { cron: RECONCILIATION_SCHEDULE, tz: 'UTC' }, jobId: 'ledger-reconciliation', removeOnComplete: true, removeOnFail: 100 },
    );
  }

  @Process()
  async run(): Promise<void> {
    await this.reconciliation.run();
  }
}
