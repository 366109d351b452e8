import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { knownCurrency, required, runsWithoutRepeats, ProjectionHandlers, subscribeProjection, workspaceOf } from './projection.js';

const TYPES = ['deal.created', 'deal.updated', 'deal.stage_changed', 'deal.won', 'deal.lost', 'deal.deleted', 'deal.restored'] as const;

/**
 * reporting.deals and reporting.deal_stage_history from crm's deal events. The outcome (won, lost)
 * comes from deal.won and deal.lost, which follow the move into such a stage, so a deal in a
 * stage this service has not heard of is still counted right.
 */
@Injectable()
export class DealsProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(this.events, this.handlers, 'deals', TYPES, (events, manager) => this.apply(events, manager));
  }

  /** A run of one workspace's deal events, in as many statements as it has stretches in which no deal comes up twice. */
  private async apply(events: Array<EventOf<(typeof TYPES)[number]>>, manager: EntityManager): Promise<void> {
    const workspaceId = workspaceOf(events);
    const changes = events.map((event) => change(event));
    for (const run of runsWithoutRepeats(changes, (row) => [row.id])) await this.write(manager, workspaceId, run);
  }

  /**
   * Writes changes of distinct deals in one statement: the deals, their stage history (closing the
   * open entry and opening one for the new stage) and the pipeline and forecast totals, moved by
   * the difference between each deal's row before (`before`: every part of a statement sees the
   * rows as they were when it began) and after. A group the last deal left is deleted after.
   */
  private async write(manager: EntityManager, workspaceId: string, changes: DealChange[]): Promise<void> {
    const row = 'id, pipeline_id, stage_id, currency, amount, status, created_at, expected_close_date, deleted_at';
    const moved = (rows: string, sign: string) =>
      `SELECT pipeline_id, stage_id, currency, status, (created_at AT TIME ZONE 'UTC')::date AS created_on, expected_close_date,
         ${sign}1 AS deals, ${sign}amount AS amount FROM ${rows}`;
    const [{ emptied }]: Array<{ emptied: number }> = await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS i(id uuid, upsert boolean, deleted_at timestamptz, name text, pipeline_id uuid, stage_id uuid,
           amount bigint, currency text, owner_id uuid, company_id uuid, expected_close_date date, status text, closed_at timestamptz, lost_reason text,
           created_at timestamptz, custom_fields jsonb, entered_stage_at timestamptz)
       ), before AS (
         SELECT ${row} FROM reporting.deals WHERE workspace_id = $1 AND id = ANY($3::uuid[])
       ), deleted AS (
         UPDATE reporting.deals d SET deleted_at = i.deleted_at FROM input i
         WHERE NOT i.upsert AND d.workspace_id = $1 AND d.id = ANY($3::uuid[]) AND d.id = i.id
         RETURNING d.id, d.pipeline_id, d.stage_id, d.currency, d.amount, d.status, d.created_at, d.expected_close_date, d.deleted_at
       ), upserted AS (
         -- A status of null keeps the stored outcome (a new deal starts open).
         INSERT INTO reporting.deals AS d (workspace_id, id, name, pipeline_id, stage_id, amount, currency, owner_id, company_id, expected_close_date,
           status, closed_at, lost_reason, created_at, custom_fields)
         SELECT $1, i.id, i.name, i.pipeline_id, i.stage_id, i.amount, i.currency, i.owner_id, i.company_id, i.expected_close_date,
           coalesce(i.status, b.status, 'open'), i.closed_at, i.lost_reason, i.created_at, coalesce(i.custom_fields, '{}')
         FROM input i LEFT JOIN before b ON b.id = i.id WHERE i.upsert
         ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, pipeline_id = EXCLUDED.pipeline_id, stage_id = EXCLUDED.stage_id,
           amount = EXCLUDED.amount, currency = EXCLUDED.currency, owner_id = EXCLUDED.owner_id, company_id = EXCLUDED.company_id,
           expected_close_date = EXCLUDED.expected_close_date, status = EXCLUDED.status, closed_at = EXCLUDED.closed_at,
           lost_reason = EXCLUDED.lost_reason, custom_fields = EXCLUDED.custom_fields, deleted_at = NULL
         RETURNING d.id, d.pipeline_id, d.stage_id, d.currency, d.amount, d.status, d.created_at, d.expected_close_date, d.deleted_at
       ), left_stage AS (
         UPDATE reporting.deal_stage_history h SET left_at = i.entered_stage_at FROM input i
         WHERE i.entered_stage_at IS NOT NULL AND h.workspace_id = $1 AND h.deal_id = ANY($3::uuid[]) AND h.deal_id = i.id AND h.left_at IS NULL
       ), entered_stage AS (
         INSERT INTO reporting.deal_stage_history (workspace_id, deal_id, stage_id, entered_at)
         SELECT $1, i.id, i.stage_id, i.entered_stage_at FROM input i WHERE i.entered_stage_at IS NOT NULL
       ), after AS (
         SELECT * FROM deleted UNION ALL SELECT * FROM upserted
       ), moves AS (
         ${moved('before b WHERE b.deleted_at IS NULL AND b.id IN (SELECT id FROM after)', '-')}
         UNION ALL
         ${moved('after a WHERE a.deleted_at IS NULL', '')}
       ), pipeline_totals AS (
         INSERT INTO reporting.deal_pipeline_totals AS t (workspace_id, pipeline_id, stage_id, currency, created_on, deals, amount)
         SELECT $1, pipeline_id, stage_id, currency, created_on, sum(deals), sum(amount) FROM moves WHERE status = 'open'
         GROUP BY pipeline_id, stage_id, currency, created_on HAVING sum(deals) <> 0 OR sum(amount) <> 0
         ON CONFLICT (workspace_id, pipeline_id, stage_id, currency, created_on) DO UPDATE SET deals = t.deals + EXCLUDED.deals, amount = t.amount + EXCLUDED.amount
         RETURNING t.deals
       ), forecast_totals AS (
         INSERT INTO reporting.deal_forecast_totals AS t (workspace_id, pipeline_id, stage_id, currency, status, expected_close_date, deals, amount)
         SELECT $1, pipeline_id, stage_id, currency, status, expected_close_date, sum(deals), sum(amount) FROM moves
         WHERE status IN ('open', 'won') AND expected_close_date IS NOT NULL
         GROUP BY pipeline_id, stage_id, currency, status, expected_close_date HAVING sum(deals) <> 0 OR sum(amount) <> 0
         ON CONFLICT (workspace_id, pipeline_id, stage_id, currency, status, expected_close_date)
           DO UPDATE SET deals = t.deals + EXCLUDED.deals, amount = t.amount + EXCLUDED.amount
         RETURNING t.deals
       )
       SELECT ((SELECT count(*) FROM pipeline_totals WHERE deals = 0) + (SELECT count(*) FROM forecast_totals WHERE deals = 0))::int AS emptied`,
      [workspaceId, JSON.stringify(changes), changes.map((change) => change.id)],
    );
    if (emptied === 0) return;
    await manager.query('DELETE FROM reporting.deal_pipeline_totals WHERE workspace_id = $1 AND deals = 0', [workspaceId]);
    await manager.query('DELETE FROM reporting.deal_forecast_totals WHERE workspace_id = $1 AND deals = 0', [workspaceId]);
  }
}

/** One event's change to its deal, as a row of the statement's input. */
interface DealChange {
  id: string;
  /** False: the deal is marked deleted at deleted_at. */
  upsert: boolean;
  deleted_at?: string;
  name?: string;
  pipeline_id?: string;
  stage_id?: string;
  amount?: number;
  currency?: string;
  owner_id?: string | null;
  company_id?: string | null;
  expected_close_date?: string | null;
  status?: 'open' | 'won' | 'lost' | null;
  closed_at?: string | null;
  lost_reason?: string | null;
  created_at?: string;
  custom_fields?: Record<string, unknown>;
  /** Set when the deal entered its stage with this event: its stage history moves on. */
  entered_stage_at?: string | null;
}

/** Throws (the event is retried, then dead-lettered) when the event lacks its deal or names an unknown currency. */
function change(event: EventOf<(typeof TYPES)[number]>): DealChange {
  if (event.type === 'deal.deleted') return { id: event.aggregateId, upsert: false, deleted_at: event.occurredAt };
  const deal = required(event.data.deal, event, 'deal');
  knownCurrency(deal.currency, event);
  const closing = event.type === 'deal.won' || event.type === 'deal.lost';
  return {
    id: deal.id,
    upsert: true,
    ...fields(deal),
    // A closed deal keeps its outcome until a move reopens it (closedAt cleared); deal.won or
    // deal.lost right after a move or create into a closed stage sets it.
    status: closing ? (event.type === 'deal.won' ? 'won' : 'lost') : deal.closedAt ? null : 'open',
    entered_stage_at: event.type === 'deal.created' ? deal.createdAt : event.type === 'deal.stage_changed' ? event.occurredAt : null,
  };
}

function fields(deal: CrmEvents.Deal): Omit<DealChange, 'id' | 'upsert' | 'status' | 'entered_stage_at'> {
  return {
    name: deal.name,
    pipeline_id: deal.pipelineId,
    stage_id: deal.stageId,
    amount: deal.amount,
    currency: deal.currency,
    owner_id: deal.ownerId ?? null,
    company_id: deal.companyId ?? null,
    expected_close_date: deal.expectedCloseDate ?? null,
    closed_at: deal.closedAt ?? null,
    lost_reason: deal.lostReason ?? null,
    created_at: deal.createdAt,
    custom_fields: deal.customFields ?? {},
  };
}
