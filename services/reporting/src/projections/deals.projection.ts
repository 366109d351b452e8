import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { knownCurrency, required, ProjectionHandlers, subscribeProjection, workspaceOf } from './projection.js';

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

  /**
   * A run of one workspace's deal events in one statement: each deal's events are folded into its
   * row after the last of them and the stage history entries they open (every deal event carries
   * the whole deal), so a deal that comes up several times costs no more statements.
   */
  private async apply(events: Array<EventOf<(typeof TYPES)[number]>>, manager: EntityManager): Promise<void> {
    const workspaceId = workspaceOf(events);
    const { deals, history } = fold(events);
    await this.write(manager, workspaceId, deals, history);
  }

  /**
   * Writes the folded deals in one statement: the deals, their stage history (the open entry
   * closed when the first new one begins, the new ones inserted) and the pipeline, forecast, close
   * and stage-stay totals, moved by the difference between each deal's row (and ended stays) before
   * (`before`: every part of a statement sees the rows as they were when it began) and after. A
   * group the last deal left is deleted after.
   */
  private async write(manager: EntityManager, workspaceId: string, deals: FoldedDeal[], history: StageEntry[]): Promise<void> {
    const row = 'id, pipeline_id, stage_id, owner_id, currency, amount, status, created_at, closed_at, expected_close_date, deleted_at';
    const returned = row
      .split(', ')
      .map((column) => `d.${column}`)
      .join(', ');
    const moved = (rows: string, sign: string) =>
      `SELECT pipeline_id, stage_id, owner_id, currency, status, (created_at AT TIME ZONE 'UTC')::date AS created_on, expected_close_date,
         (closed_at AT TIME ZONE 'UTC')::date AS closed_on, ${sign}1 AS deals, ${sign}amount AS amount,
         ${sign}extract(epoch FROM closed_at - created_at) AS cycle_seconds FROM ${rows}`;
    const [emptied]: Array<Record<string, number>> = await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS i(id uuid, upsert boolean, deleted_at timestamptz, name text, pipeline_id uuid, stage_id uuid,
           amount bigint, currency text, owner_id uuid, company_id uuid, expected_close_date date, status text, closed_at timestamptz, lost_reason text,
           created_at timestamptz, custom_fields jsonb, first_entered_at timestamptz)
       ), before AS (
         SELECT ${row} FROM reporting.deals WHERE workspace_id = $1 AND id = ANY($3::uuid[])
       ), deleted AS (
         UPDATE reporting.deals d SET deleted_at = i.deleted_at FROM input i
         WHERE NOT i.upsert AND d.workspace_id = $1 AND d.id = ANY($3::uuid[]) AND d.id = i.id
         RETURNING ${returned}
       ), upserted AS (
         -- A status of null keeps the stored outcome (a new deal starts open).
         INSERT INTO reporting.deals AS d (workspace_id, id, name, pipeline_id, stage_id, amount, currency, owner_id, company_id, expected_close_date,
           status, closed_at, lost_reason, created_at, custom_fields, deleted_at)
         SELECT $1, i.id, i.name, i.pipeline_id, i.stage_id, i.amount, i.currency, i.owner_id, i.company_id, i.expected_close_date,
           coalesce(i.status, b.status, 'open'), i.closed_at, i.lost_reason, i.created_at, coalesce(i.custom_fields, '{}'), i.deleted_at
         FROM input i LEFT JOIN before b ON b.id = i.id WHERE i.upsert
         ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, pipeline_id = EXCLUDED.pipeline_id, stage_id = EXCLUDED.stage_id,
           amount = EXCLUDED.amount, currency = EXCLUDED.currency, owner_id = EXCLUDED.owner_id, company_id = EXCLUDED.company_id,
           expected_close_date = EXCLUDED.expected_close_date, status = EXCLUDED.status, closed_at = EXCLUDED.closed_at,
           lost_reason = EXCLUDED.lost_reason, custom_fields = EXCLUDED.custom_fields, deleted_at = EXCLUDED.deleted_at
         RETURNING ${returned}
       ), left_stage AS (
         UPDATE reporting.deal_stage_history h SET left_at = i.first_entered_at FROM input i
         WHERE i.first_entered_at IS NOT NULL AND h.workspace_id = $1 AND h.deal_id = ANY($3::uuid[]) AND h.deal_id = i.id AND h.left_at IS NULL
       ), entered_stage AS (
         INSERT INTO reporting.deal_stage_history (workspace_id, deal_id, stage_id, entered_at, left_at)
         SELECT $1, e.deal_id, e.stage_id, e.entered_at, e.left_at FROM jsonb_to_recordset($4::jsonb) AS e(deal_id uuid, stage_id uuid, entered_at timestamptz, left_at timestamptz)
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
       ), close_totals AS (
         INSERT INTO reporting.deal_close_totals AS t (workspace_id, pipeline_id, owner_id, currency, status, closed_on, deals, amount, cycle_seconds)
         SELECT $1, pipeline_id, owner_id, currency, status, closed_on, sum(deals), sum(amount), sum(cycle_seconds) FROM moves
         WHERE status IN ('won', 'lost') AND closed_on IS NOT NULL
         GROUP BY pipeline_id, owner_id, currency, status, closed_on HAVING sum(deals) <> 0 OR sum(amount) <> 0 OR sum(cycle_seconds) <> 0
         ON CONFLICT (workspace_id, pipeline_id, owner_id, currency, status, closed_on)
           DO UPDATE SET deals = t.deals + EXCLUDED.deals, amount = t.amount + EXCLUDED.amount, cycle_seconds = t.cycle_seconds + EXCLUDED.cycle_seconds
         RETURNING t.deals
       ), stays AS (
         -- The ended stays each deal counted with before the statement, taken back; then those it
         -- counts with after: the stored ones that had ended, the open one the run ends (as
         -- left_stage does) and the run's own that ended. Every part sees the history as it was.
         SELECT b.pipeline_id, h.stage_id, b.owner_id, h.entered_at, h.left_at, -1 AS sign
         FROM before b JOIN reporting.deal_stage_history h ON h.workspace_id = $1 AND h.deal_id = b.id
         WHERE b.deleted_at IS NULL AND h.left_at IS NOT NULL AND h.deal_id = ANY($3::uuid[]) AND b.id IN (SELECT id FROM after)
         UNION ALL
         SELECT a.pipeline_id, h.stage_id, a.owner_id, h.entered_at, coalesce(h.left_at, i.first_entered_at), 1
         FROM after a JOIN input i ON i.id = a.id JOIN reporting.deal_stage_history h ON h.workspace_id = $1 AND h.deal_id = a.id
         WHERE a.deleted_at IS NULL AND h.deal_id = ANY($3::uuid[]) AND coalesce(h.left_at, i.first_entered_at) IS NOT NULL
         UNION ALL
         SELECT a.pipeline_id, e.stage_id, a.owner_id, e.entered_at, e.left_at, 1
         FROM after a JOIN jsonb_to_recordset($4::jsonb) AS e(deal_id uuid, stage_id uuid, entered_at timestamptz, left_at timestamptz) ON e.deal_id = a.id
         WHERE a.deleted_at IS NULL AND e.left_at IS NOT NULL
       ), stage_totals AS (
         INSERT INTO reporting.deal_stage_totals AS t (workspace_id, pipeline_id, stage_id, owner_id, entered_on, stays, seconds)
         SELECT $1, pipeline_id, stage_id, owner_id, (entered_at AT TIME ZONE 'UTC')::date, sum(sign), sum(sign * extract(epoch FROM left_at - entered_at)) FROM stays
         GROUP BY pipeline_id, stage_id, owner_id, (entered_at AT TIME ZONE 'UTC')::date HAVING sum(sign) <> 0 OR sum(sign * extract(epoch FROM left_at - entered_at)) <> 0
         ON CONFLICT (workspace_id, pipeline_id, stage_id, owner_id, entered_on)
           DO UPDATE SET stays = t.stays + EXCLUDED.stays, seconds = t.seconds + EXCLUDED.seconds
         RETURNING t.stays
       )
       SELECT (SELECT count(*) FROM pipeline_totals WHERE deals = 0)::int AS deal_pipeline_totals, (SELECT count(*) FROM forecast_totals WHERE deals = 0)::int AS deal_forecast_totals,
         (SELECT count(*) FROM close_totals WHERE deals = 0)::int AS deal_close_totals, (SELECT count(*) FROM stage_totals WHERE stays = 0)::int AS deal_stage_totals`,
      [workspaceId, JSON.stringify(deals), deals.map((deal) => deal.id), JSON.stringify(history)],
    );
    // Each totals table that has a group no deal is in any more (a count of 0) loses it.
    for (const [table, groups] of Object.entries(emptied!)) {
      if (groups > 0)
        await manager.query(`DELETE FROM reporting.${table} WHERE workspace_id = $1 AND ${table === 'deal_stage_totals' ? 'stays' : 'deals'} = 0`, [
          workspaceId,
        ]);
    }
  }
}

/** A deal after a run's events, as a row of the statement's input. */
interface FoldedDeal {
  id: string;
  /** False: only deletions; the deal is marked deleted at deleted_at and otherwise left as stored. */
  upsert: boolean;
  /** When the deal's last event deleted it; null when a later event wrote it again (restored, updated). */
  deleted_at: string | null;
  name?: string;
  pipeline_id?: string;
  stage_id?: string;
  amount?: number;
  currency?: string;
  owner_id?: string | null;
  company_id?: string | null;
  expected_close_date?: string | null;
  /** The outcome of the last event that set one; null keeps the stored outcome (a new deal starts open). */
  status: 'open' | 'won' | 'lost' | null;
  closed_at?: string | null;
  lost_reason?: string | null;
  created_at?: string;
  custom_fields?: Record<string, unknown>;
  /** When the run's first stage entry begins: the stored open entry ends then. */
  first_entered_at: string | null;
}

/** A stage history entry opened by a run's events; left_at when a later event of the run moved the deal on. */
interface StageEntry {
  deal_id: string;
  stage_id: string;
  entered_at: string;
  left_at: string | null;
}

/**
 * Each deal's events of a run, in stream order, folded into what applying them one by one leaves.
 * Throws (the batch goes a savepoint per event, so this event alone is retried, then
 * dead-lettered) when an event lacks its deal or names an unknown currency.
 */
function fold(events: Array<EventOf<(typeof TYPES)[number]>>): { deals: FoldedDeal[]; history: StageEntry[] } {
  const deals = new Map<string, FoldedDeal>();
  const history: StageEntry[] = [];
  const openEntry = new Map<string, StageEntry>();
  for (const event of events) {
    if (event.type === 'deal.deleted') {
      const id = event.aggregateId;
      const folded = deals.get(id) ?? { id, upsert: false, deleted_at: null, status: null, first_entered_at: null };
      deals.set(id, { ...folded, deleted_at: event.occurredAt });
      continue;
    }
    const deal = required(event.data.deal, event, 'deal');
    knownCurrency(deal.currency, event);
    const folded = deals.get(deal.id) ?? { id: deal.id, upsert: true, deleted_at: null, status: null, first_entered_at: null };
    // A closed deal keeps its outcome until a move reopens it (closedAt cleared); deal.won or
    // deal.lost right after a move or create into a closed stage sets it.
    const status = event.type === 'deal.won' ? 'won' : event.type === 'deal.lost' ? 'lost' : deal.closedAt ? null : 'open';
    deals.set(deal.id, { ...folded, ...fields(deal), upsert: true, deleted_at: null, status: status ?? folded.status });
    const enteredAt = event.type === 'deal.created' ? deal.createdAt : event.type === 'deal.stage_changed' ? event.occurredAt : null;
    if (!enteredAt) continue;
    const previous = openEntry.get(deal.id);
    if (previous) previous.left_at = enteredAt;
    else deals.get(deal.id)!.first_entered_at = enteredAt;
    const entry = { deal_id: deal.id, stage_id: deal.stageId, entered_at: enteredAt, left_at: null };
    history.push(entry);
    openEntry.set(deal.id, entry);
  }
  return { deals: [...deals.values()], history };
}

function fields(deal: CrmEvents.Deal): Omit<FoldedDeal, 'id' | 'upsert' | 'deleted_at' | 'status' | 'first_entered_at'> {
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
