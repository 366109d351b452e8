import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, oneByOne, subscribeProjection } from './projection.js';

const TYPES = ['company.created', 'company.updated', 'company.restored', 'company.deleted', 'companies.imported', 'companies.import_undone'] as const;

/**
 * reporting.companies from crm's company events and import batches (companies.imported counts
 * like that many single creates). A company's event carries no creation time: the first event
 * that names it dates it.
 */
@Injectable()
export class CompaniesProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    // Single and batch events have different prefixes; as for contacts, one subject (events.crm.>) keeps them in stream order.
    subscribeProjection(
      this.events,
      this.handlers,
      'companies',
      TYPES,
      oneByOne((event, manager) => this.apply(event, manager)),
    );
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    switch (event.type) {
      case 'company.created':
      case 'company.updated':
      case 'company.restored':
        await this.upsert(manager, workspaceId, event, [required(event.data.company, event, 'company')]);
        return;
      case 'company.deleted':
        await this.markDeleted(manager, workspaceId, [event.aggregateId], event.occurredAt);
        return;
      case 'companies.imported':
        await this.upsert(manager, workspaceId, event, event.data.companies);
        return;
      case 'companies.import_undone': {
        const data = event.data;
        await this.markDeleted(manager, workspaceId, data.deletedIds, event.occurredAt);
        await this.upsert(manager, workspaceId, event, data.restored);
        return;
      }
    }
  }

  private async upsert(manager: EntityManager, workspaceId: string, event: DomainEvent, companies: CrmEvents.Company[]): Promise<void> {
    if (companies.length === 0) return;
    await manager.query(
      `INSERT INTO reporting.companies (workspace_id, id, name, industry, size, owner_id, created_at)
       SELECT $1, c.id, c.name, c.industry, c.size, c."ownerId", $3 FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, name text, industry text, size text, "ownerId" uuid)
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, industry = EXCLUDED.industry, size = EXCLUDED.size,
         owner_id = EXCLUDED.owner_id, deleted_at = NULL`,
      [workspaceId, JSON.stringify(companies), event.occurredAt],
    );
  }

  private async markDeleted(manager: EntityManager, workspaceId: string, ids: string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('UPDATE reporting.companies SET deleted_at = $3 WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, ids, at]);
  }
}
