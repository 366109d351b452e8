import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { applyChangesById, required, ProjectionHandlers, subscribeProjection } from './projection.js';

const TYPES = ['company.created', 'company.updated', 'company.restored', 'company.deleted', 'companies.imported', 'companies.import_undone'] as const;
type CompanyEvent = EventOf<(typeof TYPES)[number]>;

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
    subscribeProjection(this.events, this.handlers, 'companies', TYPES, (events, manager) =>
      applyChangesById(events, manager, changesOf, (writer, workspaceId, changes) => this.write(writer, workspaceId, changes)),
    );
  }

  /** Changes of distinct companies in one statement: upserts (dated by their event when new) and deletions. */
  private async write(manager: EntityManager, workspaceId: string, changes: CompanyChange[]): Promise<void> {
    await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, upsert boolean, at timestamptz, name text, industry text, size text, "ownerId" uuid)
       ), deleted AS (
         UPDATE reporting.companies SET deleted_at = c.at FROM input c
         WHERE NOT c.upsert AND reporting.companies.workspace_id = $1 AND reporting.companies.id = ANY($3::uuid[]) AND reporting.companies.id = c.id
       )
       INSERT INTO reporting.companies (workspace_id, id, name, industry, size, owner_id, created_at)
       SELECT $1, c.id, c.name, c.industry, c.size, c."ownerId", c.at FROM input c WHERE c.upsert
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, industry = EXCLUDED.industry, size = EXCLUDED.size,
         owner_id = EXCLUDED.owner_id, deleted_at = NULL`,
      [workspaceId, JSON.stringify(changes), changes.map((change) => change.id)],
    );
  }
}

/** One company's change by an event, as a row of the statement's input: upserted as the event carries it, or marked deleted. */
type CompanyChange = { id: string; at: string } & (({ upsert: true } & CrmEvents.Company) | { upsert: false });

/** An event's changes in the order it makes them. */
function changesOf(event: CompanyEvent): CompanyChange[] {
  const at = event.occurredAt;
  const upserted = (companies: CrmEvents.Company[]): CompanyChange[] => companies.map((company) => ({ ...company, upsert: true, at }));
  const deleted = (ids: string[]): CompanyChange[] => ids.map((id) => ({ id, upsert: false, at }));
  switch (event.type) {
    case 'company.created':
    case 'company.updated':
    case 'company.restored':
      return upserted([required(event.data.company, event, 'company')]);
    case 'company.deleted':
      return deleted([event.aggregateId]);
    case 'companies.imported':
      return upserted(event.data.companies);
    case 'companies.import_undone':
      return [...deleted(event.data.deletedIds), ...upserted(event.data.restored)];
  }
}
