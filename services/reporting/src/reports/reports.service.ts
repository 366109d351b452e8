import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type {
  ForecastQuery,
  ForecastReport,
  ForecastReportRow,
  PipelineReport,
  PipelineReportRow,
  ReportQuery,
  WinRateByCurrency,
  WinRateReport,
} from '@kinship/contracts/reporting';
import { ReportCache } from '../report-cache/report-cache.js';
import { scopedOwner, type ReportCaller } from './report-caller.js';

/** Conditions shared by the deal reports, as SQL over `d` (reporting.deals) with numbered parameters. */
class DealFilter {
  readonly conditions = ['d.workspace_id = $1', 'd.deleted_at IS NULL'];
  readonly parameters: unknown[];

  constructor(
    workspaceId: string,
    readonly ownerId: string | null,
    readonly pipelineId: string | undefined,
  ) {
    this.parameters = [workspaceId];
    if (ownerId) this.add('d.owner_id = $?', ownerId);
    if (pipelineId) this.add('d.pipeline_id = $?', pipelineId);
  }

  add(condition: string, value: unknown): void {
    this.parameters.push(value);
    this.conditions.push(condition.replace('$?', `$${this.parameters.length}`));
  }

  /** `from` and `to` (UTC dates, both included) on a date expression. */
  period(dateExpression: string, query: ReportQuery): void {
    if (query.from) this.add(`${dateExpression} >= $?::date`, query.from);
    if (query.to) this.add(`${dateExpression} <= $?::date`, query.to);
  }

  get where(): string {
    return this.conditions.join(' AND ');
  }

  /** What the answer depends on: the conditions with their values (the cache key's scope). */
  get scope(): object {
    return { where: this.where, parameters: this.parameters };
  }
}

/** bigint and numeric come back from pg as strings; report amounts are integers of minor units. */
function integer(value: string | number | null): number {
  return value === null ? 0 : Number(value);
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * The standard deal reports over the read models: pipeline, forecast, win rate, each answer cached
 * by the positions of the projections it reads (the key holds its SQL's conditions and values). Amounts
 * are never summed across currencies.
 */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: ReportCache,
  ) {}

  /**
   * Open deals per stage and currency; `from`/`to` filter on the deal's creation date. Without an
   * owner, from the deals projection's totals per stage, currency and creation day (a few rows
   * where the deals are many); an owner's from their deals (a small part of them, by index).
   */
  async pipeline(caller: ReportCaller, query: ReportQuery): Promise<PipelineReport> {
    const filter = this.filter(caller, query);
    filter.conditions.push(`d.status = 'open'`);
    filter.period(`(d.created_at AT TIME ZONE 'UTC')::date`, query);
    return this.cache.answer('pipeline', caller.workspaceId, filter.scope, ['deals', 'pipelines'], async () => {
      const totals = filter.ownerId ? null : this.totalsFilter(caller, filter, 'd.created_on', query);
      const source = totals
        ? { from: 'reporting.deal_pipeline_totals d', where: totals.where, parameters: totals.parameters, count: 'sum(d.deals)', amount: 'sum(d.amount)' }
        : { from: 'reporting.deals d', where: filter.where, parameters: filter.parameters, count: 'count(*)', amount: 'sum(d.amount)' };
      // The stage's probability is one per group, so weighting the sum is weighting every deal.
      const rows = await this.read(caller, (manager) =>
        manager.query(
          `SELECT d.pipeline_id AS "pipelineId", d.stage_id AS "stageId", s.name AS "stageName", s.position, s.probability, d.currency,
             ${source.count}::int AS count, ${source.amount}::text AS amount, round(${source.amount} * coalesce(s.probability, 0) / 100)::text AS "weightedAmount"
           FROM ${source.from} LEFT JOIN reporting.stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id
           WHERE ${source.where}
           GROUP BY d.pipeline_id, d.stage_id, s.name, s.position, s.probability, d.currency
           ORDER BY d.pipeline_id, s.position NULLS LAST, d.stage_id, d.currency`,
          source.parameters,
        ),
      );
      return { data: rows.map((row: PipelineReportRow) => ({ ...row, amount: integer(row.amount), weightedAmount: integer(row.weightedAmount) })) };
    });
  }

  /**
   * Open and won deals by expected close period, currency and forecast category; `from`/`to`
   * filter on the expected close date. Weighted: an open deal by its stage's probability, a won
   * deal in full. Categories from the stage probability (fixed mapping for now): won → closed_won,
   * ≥ 75 % → commit, ≥ 50 % → best_case, else pipeline.
   */
  async forecast(caller: ReportCaller, query: ForecastQuery): Promise<ForecastReport> {
    const filter = this.filter(caller, query);
    filter.conditions.push(`d.status IN ('open', 'won')`, 'd.expected_close_date IS NOT NULL');
    filter.period('d.expected_close_date', query);
    const period = query.interval === 'quarter' ? `to_char(d.expected_close_date, 'YYYY-"Q"Q')` : `to_char(d.expected_close_date, 'YYYY-MM')`;
    return this.cache.answer('forecast', caller.workspaceId, { period, ...filter.scope }, ['deals', 'pipelines'], async () => {
      // As for the pipeline: without an owner, from the totals per stage, currency, status and expected close day.
      const totals = filter.ownerId ? null : this.totalsFilter(caller, filter, 'd.expected_close_date', query);
      const source = totals
        ? { from: 'reporting.deal_forecast_totals d', where: totals.where, parameters: totals.parameters, count: 'd.deals' }
        : { from: 'reporting.deals d', where: filter.where, parameters: filter.parameters, count: '1' };
      const rows = await this.read(caller, (manager) =>
        manager.query(
          `SELECT period, currency, category, sum(deals)::int AS count, sum(amount)::text AS amount, round(sum(weighted)::numeric / 100)::text AS "weightedAmount"
           FROM (
             SELECT ${period} AS period, d.currency, ${source.count} AS deals, d.amount,
               CASE WHEN d.status = 'won' THEN 'closed_won' WHEN coalesce(s.probability, 0) >= 75 THEN 'commit'
                    WHEN coalesce(s.probability, 0) >= 50 THEN 'best_case' ELSE 'pipeline' END AS category,
               d.amount * CASE WHEN d.status = 'won' THEN 100 ELSE coalesce(s.probability, 0) END AS weighted
             FROM ${source.from} LEFT JOIN reporting.stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id
             WHERE ${source.where}
           ) deals
           GROUP BY period, currency, category
           ORDER BY period, currency, category`,
          source.parameters,
        ),
      );
      return { data: rows.map((row: ForecastReportRow) => ({ ...row, amount: integer(row.amount), weightedAmount: integer(row.weightedAmount) })) };
    });
  }

  /**
   * Deals won and lost whose close date is in the period, from the deals projection's totals per
   * pipeline, owner, currency, outcome and close day (which hold only deals not deleted). The
   * cycle is the days from a won deal's creation to its close; the average won amount is per currency.
   */
  async winRate(caller: ReportCaller, query: ReportQuery): Promise<WinRateReport> {
    const filter = this.filter(caller, query);
    filter.conditions.splice(filter.conditions.indexOf('d.deleted_at IS NULL'), 1);
    filter.period('d.closed_on', query);
    return this.cache.answer('win-rate', caller.workspaceId, filter.scope, ['deals'], async () => {
      const rows: Array<{ status: 'won' | 'lost'; currency: string; count: number; amount: string; cycleSeconds: string | null }> = await this.read(
        caller,
        (manager) =>
          manager.query(
            `SELECT d.status, d.currency, sum(d.deals)::int AS count, sum(d.amount)::text AS amount, sum(d.cycle_seconds)::text AS "cycleSeconds"
           FROM reporting.deal_close_totals d WHERE ${filter.where}
           GROUP BY d.status, d.currency ORDER BY d.currency`,
            filter.parameters,
          ),
      );
      const byCurrency = new Map<string, WinRateByCurrency>();
      let wonCycleSeconds = 0;
      for (const row of rows) {
        const entry = byCurrency.get(row.currency) ?? {
          currency: row.currency,
          won: 0,
          lost: 0,
          winRate: null,
          wonAmount: 0,
          lostAmount: 0,
          averageWonAmount: null,
        };
        if (row.status === 'won') {
          entry.won = row.count;
          entry.wonAmount = integer(row.amount);
          entry.averageWonAmount = Math.round(entry.wonAmount / row.count);
          wonCycleSeconds += Number(row.cycleSeconds);
        } else {
          entry.lost = row.count;
          entry.lostAmount = integer(row.amount);
        }
        entry.winRate = ratio(entry.won, entry.won + entry.lost);
        byCurrency.set(row.currency, entry);
      }
      const currencies = [...byCurrency.values()];
      const won = currencies.reduce((sum, entry) => sum + entry.won, 0);
      const lost = currencies.reduce((sum, entry) => sum + entry.lost, 0);
      const averageCycleDays = won === 0 ? null : Math.round((wonCycleSeconds / 86_400 / won) * 100) / 100;
      return { won, lost, winRate: ratio(won, won + lost), averageCycleDays, byCurrency: currencies };
    });
  }

  private filter(caller: ReportCaller, query: ReportQuery): DealFilter {
    const ownerId = scopedOwner(caller, query.ownerId);
    if (query.from && query.to && query.from > query.to) throw RpcError.validation([{ field: 'from', issue: 'is after to' }]);
    return new DealFilter(caller.workspaceId, ownerId, query.pipelineId);
  }

  /**
   * The same filter over a totals table (as `d`; `day`, its date column, for `from`/`to`): the
   * totals hold only deals not deleted, of the statuses the report counts, and have no owner.
   */
  private totalsFilter(caller: ReportCaller, deals: DealFilter, day: string, query: ReportQuery): { where: string; parameters: unknown[] } {
    const totals = new DealFilter(caller.workspaceId, null, deals.pipelineId);
    totals.conditions.splice(totals.conditions.indexOf('d.deleted_at IS NULL'), 1);
    totals.period(day, query);
    return { where: totals.where, parameters: totals.parameters };
  }

  private read<T>(caller: ReportCaller, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withWorkspace(this.dataSource, caller.workspaceId, work);
  }
}
