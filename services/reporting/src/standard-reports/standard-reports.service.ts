import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  LIFECYCLE_FUNNEL_STAGES,
  type AcquisitionReport,
  type AcquisitionRow,
  type ActivityQuery,
  type ActivityReport,
  type ActivityRow,
  type DealVelocityReport,
  type DealVelocityRow,
  type LeadConversionQuery,
  type LeadConversionReport,
  type LifecycleFunnelStage,
  type PeriodicReportQuery,
  type ReportPeriodQuery,
  type RevenueReport,
} from '@kinship/contracts/reporting';
import { RpcError } from '@kinship/messaging';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { ReportCache } from '../report-cache/report-cache.js';
import { scopedOwner, type ReportCaller } from '../reports/report-caller.js';
import { periodLabel, SqlParameters, utcDate, where } from './report-sql.js';

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * Lead conversion, revenue, activity, acquisition and deal velocity over the read models, each
 * answer cached by the positions of the projections it reads. Amounts are never summed across currencies.
 */
@Injectable()
export class StandardReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: ReportCache,
  ) {}

  /**
   * Contacts created in the period per lifecycle stage from `firstStage` on. ordered: the contact
   * entered every stage from the first up to this one, each no earlier than the one before; any:
   * it entered this stage at some time. Both add up contact_funnel_totals (live contacts per
   * owner, creation day and funnel, kept by the contacts projection) instead of reading the
   * contacts' history.
   */
  async leadConversion(caller: ReportCaller, query: LeadConversionQuery): Promise<LeadConversionReport> {
    const ownerId = this.checked(caller, query);
    const kind = query.kind ?? 'ordered';
    const firstIndex = LIFECYCLE_FUNNEL_STAGES.indexOf(query.firstStage ?? 'lead');
    const stages = LIFECYCLE_FUNNEL_STAGES.slice(firstIndex);
    const scope = { kind, stages, from: query.from, to: query.to, ownerId };
    return this.cache.answer('lead-conversion', caller.workspaceId, scope, ['contacts'], async () => {
      const sql = new SqlParameters();
      const totalsConditions = [`t.workspace_id = ${sql.parameter(caller.workspaceId)}`, ...sql.period('t.created_on', query.from, query.to)];
      if (ownerId) totalsConditions.push(`t.owner_id = ${sql.parameter(ownerId)}`);
      const byStep = new Map<number, number>();
      if (kind === 'any') {
        const rows: Array<{ stage: string; count: number }> = await this.read(caller, (manager) =>
          manager.query(
            `SELECT entered.stage, sum(g.contacts)::int AS count
             FROM (SELECT t.lifecycle_stages_entered, sum(t.contacts) AS contacts FROM reporting.contact_funnel_totals t WHERE ${where(totalsConditions)} GROUP BY 1) g
             CROSS JOIN unnest(g.lifecycle_stages_entered) AS entered(stage) GROUP BY entered.stage`,
            sql.values,
          ),
        );
        for (const row of rows)
          if (stages.includes(row.stage as LifecycleFunnelStage)) byStep.set(stages.indexOf(row.stage as LifecycleFunnelStage) + 1, row.count);
      } else {
        // Contacts by how many steps from the first stage they went in order: a step's count is theirs and the further ones'.
        const rows: Array<{ reached: number; count: number }> = await this.read(caller, (manager) =>
          manager.query(
            `SELECT t.lifecycle_funnel_steps[${sql.parameter(firstIndex + 1)}::int]::int AS reached, sum(t.contacts)::int AS count
             FROM reporting.contact_funnel_totals t WHERE ${where(totalsConditions)} GROUP BY 1`,
            sql.values,
          ),
        );
        for (let step = 1; step <= stages.length; step++)
          byStep.set(
            step,
            rows.filter((row) => row.reached >= step).reduce((sum, row) => sum + row.count, 0),
          );
      }
      const first = byStep.get(1) ?? 0;
      const data = stages.map((stage, index) => {
        const count = byStep.get(index + 1) ?? 0;
        return {
          stage,
          count,
          stepConversion: index === 0 ? null : ratio(count, byStep.get(index) ?? 0),
          cumulativeConversion: ratio(count, first),
        };
      });
      return { kind, data };
    });
  }

  /**
   * Invoiced (issued, not voided), paid net of refunds (payments received less refunds made, each
   * in its own period) and credited (credit notes issued) per period and currency; ownerId:
   * invoices of that owner's deals.
   */
  async revenue(caller: ReportCaller, query: PeriodicReportQuery): Promise<RevenueReport> {
    const ownerId = this.checked(caller, query);
    const scope = { interval: query.interval ?? 'month', from: query.from, to: query.to, ownerId };
    return this.cache.answer('revenue', caller.workspaceId, scope, ownerId ? ['billing', 'deals'] : ['billing'], async () => {
      const sql = new SqlParameters();
      const workspace = sql.parameter(caller.workspaceId);
      const owner = ownerId ? sql.parameter(ownerId) : null;
      const ownedBy = (invoiceId: string) =>
        owner
          ? [
              `EXISTS (SELECT 1 FROM reporting.invoices owned JOIN reporting.deals d ON d.workspace_id = owned.workspace_id AND d.id = owned.deal_id
               WHERE owned.workspace_id = ${workspace} AND owned.id = ${invoiceId} AND d.owner_id = ${owner})`,
            ]
          : [];
      const invoiced = [
        `i.workspace_id = ${workspace}`,
        `i.status IN ('open', 'paid', 'uncollectible')`,
        'i.issue_date IS NOT NULL',
        ...sql.period('i.issue_date', query.from, query.to),
        ...ownedBy('i.id'),
      ];
      const movement = (table: string, column: string) => {
        const day = utcDate(`m.${column}`);
        return `SELECT ${periodLabel(day, query.interval)} AS period, m.currency, sum(m.amount) AS amount FROM reporting.${table} m
                WHERE ${where([`m.workspace_id = ${workspace}`, ...sql.period(day, query.from, query.to), ...ownedBy('m.invoice_id')])} GROUP BY 1, 2`;
      };
      const rows: Array<{ period: string; currency: string; invoiced: string; paid: string; credited: string }> = await this.read(caller, (manager) =>
        manager.query(
          `WITH invoiced AS (
             SELECT ${periodLabel('i.issue_date', query.interval)} AS period, i.currency, sum(i.total) AS amount
             FROM reporting.invoices i WHERE ${where(invoiced)} GROUP BY 1, 2
           ), received AS (${movement('payments', 'received_at')}
           ), refunded AS (${movement('refunds', 'refunded_at')}
           ), credited AS (${movement('credit_notes', 'credited_at')}
           )
           SELECT period, currency, coalesce(invoiced.amount, 0)::text AS invoiced,
             (coalesce(received.amount, 0) - coalesce(refunded.amount, 0))::text AS paid, coalesce(credited.amount, 0)::text AS credited
           FROM invoiced FULL JOIN received USING (period, currency) FULL JOIN refunded USING (period, currency) FULL JOIN credited USING (period, currency)
           ORDER BY period, currency`,
          sql.values,
        ),
      );
      return {
        data: rows.map((row) => ({
          period: row.period,
          currency: row.currency,
          invoiced: Number(row.invoiced),
          paid: Number(row.paid),
          credited: Number(row.credited),
        })),
      };
    });
  }

  /** Per user: tasks completed (assignee), notes written (author), emails to contacts they own, deals won and lost (owner). */
  async activity(caller: ReportCaller, query: ActivityQuery): Promise<ActivityReport> {
    const ownerId = this.checked(caller, query);
    const scope = { from: query.from, to: query.to, ownerId, pipelineId: query.pipelineId };
    return this.cache.answer('activity', caller.workspaceId, scope, ['tasks', 'notes', 'emails', 'contacts', 'deals'], async () => {
      const sql = new SqlParameters();
      const workspace = sql.parameter(caller.workspaceId);
      const user = ownerId ? sql.parameter(ownerId) : null;
      const branch = (userColumn: string, conditions: string[]) => [`${userColumn} IS NOT NULL`, ...(user ? [`${userColumn} = ${user}`] : []), ...conditions];
      const tasks = branch('t.assignee_id', [
        `t.workspace_id = ${workspace}`,
        't.deleted_at IS NULL',
        't.completed_at IS NOT NULL',
        ...sql.period(utcDate('t.completed_at'), query.from, query.to),
      ]);
      const notes = branch('n.author_id', [
        `n.workspace_id = ${workspace}`,
        'n.deleted_at IS NULL',
        ...sql.period(utcDate('n.created_at'), query.from, query.to),
      ]);
      const emails = branch('c.owner_id', [`e.workspace_id = ${workspace}`, ...sql.period(utcDate('e.sent_at'), query.from, query.to)]);
      // Won and lost deals from the deals projection's totals per owner, pipeline and close day (deals not deleted only).
      const deals = branch('d.owner_id', [`d.workspace_id = ${workspace}`, ...sql.period('d.closed_on', query.from, query.to)]);
      if (query.pipelineId) deals.push(`d.pipeline_id = ${sql.parameter(query.pipelineId)}`);
      const rows: ActivityRow[] = await this.read(caller, (manager) =>
        manager.query(
          `SELECT user_id AS "userId", sum(tasks)::int AS "tasksCompleted", sum(notes)::int AS "notesCreated", sum(emails)::int AS "emailsSent",
             sum(won)::int AS "dealsWon", sum(lost)::int AS "dealsLost"
           FROM (
             SELECT t.assignee_id AS user_id, count(*) AS tasks, 0 AS notes, 0 AS emails, 0 AS won, 0 AS lost FROM reporting.tasks t WHERE ${where(tasks)} GROUP BY 1
             UNION ALL
             SELECT n.author_id, 0, count(*), 0, 0, 0 FROM reporting.notes n WHERE ${where(notes)} GROUP BY 1
             UNION ALL
             SELECT c.owner_id, 0, 0, count(*), 0, 0 FROM reporting.emails_sent e
               JOIN reporting.contacts c ON c.workspace_id = e.workspace_id AND c.id = e.contact_id WHERE ${where(emails)} GROUP BY 1
             UNION ALL
             SELECT d.owner_id, 0, 0, 0, sum(d.deals) FILTER (WHERE d.status = 'won'), sum(d.deals) FILTER (WHERE d.status = 'lost')
               FROM reporting.deal_close_totals d WHERE ${where(deals)} GROUP BY 1
           ) activity
           GROUP BY user_id ORDER BY user_id`,
          sql.values,
        ),
      );
      return { data: rows };
    });
  }

  /**
   * Contacts that became customers (customerSince) per lead source and period; ownerId: the
   * contact's owner. From the contacts projection's totals per owner, lead source and day.
   */
  async acquisition(caller: ReportCaller, query: PeriodicReportQuery): Promise<AcquisitionReport> {
    const ownerId = this.checked(caller, query);
    const scope = { interval: query.interval ?? 'month', from: query.from, to: query.to, ownerId };
    return this.cache.answer('acquisition', caller.workspaceId, scope, ['contacts'], async () => {
      const sql = new SqlParameters();
      const conditions = [`t.workspace_id = ${sql.parameter(caller.workspaceId)}`, ...sql.period('t.customer_since', query.from, query.to)];
      if (ownerId) conditions.push(`t.owner_id = ${sql.parameter(ownerId)}`);
      const rows: AcquisitionRow[] = await this.read(caller, (manager) =>
        manager.query(
          `SELECT t.lead_source AS "leadSource", ${periodLabel('t.customer_since', query.interval)} AS period, sum(t.customers)::int AS "newCustomers"
           FROM reporting.contact_acquisition_totals t WHERE ${where(conditions)}
           GROUP BY 1, 2 ORDER BY 2, 1 NULLS LAST`,
          sql.values,
        ),
      );
      return { data: rows };
    });
  }

  /**
   * Mean days per stage over the stays that ended and began in the period; ownerId and pipelineId
   * filter the deals. From the deals projection's stay totals per deal pipeline, stage, owner and
   * day the stay began (ended stays of deals not deleted only), a few rows where the stays are many.
   */
  async dealVelocity(caller: ReportCaller, query: ActivityQuery): Promise<DealVelocityReport> {
    const ownerId = this.checked(caller, query);
    const scope = { from: query.from, to: query.to, ownerId, pipelineId: query.pipelineId };
    return this.cache.answer('deal-velocity', caller.workspaceId, scope, ['deals', 'pipelines'], async () => {
      const sql = new SqlParameters();
      const conditions = [`t.workspace_id = ${sql.parameter(caller.workspaceId)}`, ...sql.period('t.entered_on', query.from, query.to)];
      if (ownerId) conditions.push(`t.owner_id = ${sql.parameter(ownerId)}`);
      if (query.pipelineId) conditions.push(`t.pipeline_id = ${sql.parameter(query.pipelineId)}`);
      const rows: Array<DealVelocityRow & { averageDays: string }> = await this.read(caller, (manager) =>
        manager.query(
          `SELECT t.pipeline_id AS "pipelineId", t.stage_id AS "stageId", s.name AS "stageName", s.position, sum(t.stays)::int AS deals,
             round(sum(t.seconds) / sum(t.stays) / 86400, 2)::text AS "averageDays"
           FROM reporting.deal_stage_totals t
           LEFT JOIN reporting.stages s ON s.workspace_id = t.workspace_id AND s.id = t.stage_id
           WHERE ${where(conditions)}
           GROUP BY t.pipeline_id, t.stage_id, s.name, s.position
           ORDER BY t.pipeline_id, s.position NULLS LAST, t.stage_id`,
          sql.values,
        ),
      );
      return { data: rows.map((row) => ({ ...row, averageDays: Number(row.averageDays) })) };
    });
  }

  /** The owner the report is confined to, after the period is checked. */
  private checked(caller: ReportCaller, query: ReportPeriodQuery): string | null {
    const ownerId = scopedOwner(caller, query.ownerId);
    if (query.from && query.to && query.from > query.to) throw RpcError.validation([{ field: 'from', issue: 'is after to' }]);
    return ownerId;
  }

  private read<T>(caller: ReportCaller, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withWorkspace(this.dataSource, caller.workspaceId, work);
  }
}
