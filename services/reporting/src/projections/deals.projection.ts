import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { knownCurrency, required, ProjectionHandlers, subscribeProjection } from './projection.js';

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
    subscribeProjection(this.events, this.handlers, 'deals', TYPES, (event, manager) => this.apply(event, manager));
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    switch (event.type) {
      case 'deal.deleted':
        await manager.query('UPDATE reporting.deals SET deleted_at = $3 WHERE workspace_id = $1 AND id = $2', [
          workspaceId,
          event.aggregateId,
          event.occurredAt,
        ]);
        return;
      case 'deal.won':
      case 'deal.lost': {
        const deal = required(event.data.deal, event, 'deal');
        await this.upsert(manager, workspaceId, deal, event.type === 'deal.won' ? 'won' : 'lost', event);
        return;
      }
      case 'deal.created':
      case 'deal.updated':
      case 'deal.restored':
      case 'deal.stage_changed': {
        const deal = required(event.data.deal, event, 'deal');
        // A closed deal keeps its outcome until a move reopens it (closedAt cleared); deal.won or
        // deal.lost right after a move or create into a closed stage sets it.
        const enteredStageAt = event.type === 'deal.created' ? deal.createdAt : event.type === 'deal.stage_changed' ? event.occurredAt : null;
        await this.upsert(manager, workspaceId, deal, deal.closedAt ? null : 'open', event, enteredStageAt);
        return;
      }
    }
  }

  /**
   * Upserts the deal; `status` null keeps the stored outcome (a new deal starts open). With
   * `enteredStageAt`, the same statement (one round trip per event) also closes the deal's open
   * stage-history entry and opens one for its stage (the insert is not among the rows the update sees).
   */
  private async upsert(
    manager: EntityManager,
    workspaceId: string,
    deal: CrmEvents.Deal,
    status: 'open' | 'won' | 'lost' | null,
    event: DomainEvent,
    enteredStageAt: string | null = null,
  ): Promise<void> {
    knownCurrency(deal.currency, event);
    const history = enteredStageAt
      ? `, closed AS (UPDATE reporting.deal_stage_history SET left_at = $16 WHERE workspace_id = $1 AND deal_id = $2 AND left_at IS NULL)
         INSERT INTO reporting.deal_stage_history (workspace_id, deal_id, stage_id, entered_at) VALUES ($1, $2, $5, $16)`
      : ' SELECT 1';
    await manager.query(
      `WITH deal AS (INSERT INTO reporting.deals (workspace_id, id, name, pipeline_id, stage_id, amount, currency, owner_id, company_id, expected_close_date,
         status, closed_at, lost_reason, created_at, custom_fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, 'open'), $12, $13, $14, $15)
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, pipeline_id = EXCLUDED.pipeline_id, stage_id = EXCLUDED.stage_id,
         amount = EXCLUDED.amount, currency = EXCLUDED.currency, owner_id = EXCLUDED.owner_id, company_id = EXCLUDED.company_id,
         expected_close_date = EXCLUDED.expected_close_date, status = coalesce($11, reporting.deals.status), closed_at = EXCLUDED.closed_at,
         lost_reason = EXCLUDED.lost_reason, custom_fields = EXCLUDED.custom_fields, deleted_at = NULL)${history}`,
      [
        workspaceId,
        deal.id,
        deal.name,
        deal.pipelineId,
        deal.stageId,
        deal.amount,
        deal.currency,
        deal.ownerId ?? null,
        deal.companyId ?? null,
        deal.expectedCloseDate ?? null,
        status,
        deal.closedAt ?? null,
        deal.lostReason ?? null,
        deal.createdAt,
        JSON.stringify(deal.customFields ?? {}),
        ...(enteredStageAt ? [enteredStageAt] : []),
      ],
    );
  }
}
