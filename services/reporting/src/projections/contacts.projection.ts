import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, subscribeProjection } from './projection.js';

const TYPES = [
  'contact.created',
  'contact.updated',
  'contact.restored',
  'contact.merged',
  'contact.deleted',
  'contacts.imported',
  'contacts.import_undone',
] as const;

/**
 * reporting.contacts and reporting.contact_lifecycle_history from crm's contact events. An
 * import's batch event (contacts.imported) is applied exactly like that many single creates or
 * updates, so imported contacts count in every report.
 */
@Injectable()
export class ContactsProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    // Single and batch events have different prefixes: one subject for them all (events.crm.>) keeps a
    // contact's changes in stream order (filter_subjects, for several, needs NATS 2.10); the other crm
    // events pass through unapplied.
    subscribeProjection(this.events, this.handlers, 'contacts', TYPES, (event, manager) => this.apply(event, manager));
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    switch (event.type) {
      case 'contact.created':
      case 'contact.updated':
      case 'contact.restored':
        await this.upsert(manager, workspaceId, event, [required(event.data.contact, event, 'contact')]);
        return;
      case 'contact.merged': {
        const data = event.data;
        await this.upsert(manager, workspaceId, event, [required(data.contact, event, 'contact')]);
        await this.markDeleted(manager, workspaceId, [data.mergedContactId], event.occurredAt);
        return;
      }
      case 'contact.deleted':
        await this.markDeleted(manager, workspaceId, [event.aggregateId], event.occurredAt);
        return;
      case 'contacts.imported':
        await this.upsert(manager, workspaceId, event, event.data.contacts);
        return;
      case 'contacts.import_undone': {
        const data = event.data;
        await this.markDeleted(manager, workspaceId, data.deletedIds, event.occurredAt);
        await this.upsert(manager, workspaceId, event, data.restored);
        return;
      }
    }
  }

  /** Upserts the contacts and records each one's move to a lifecycle stage it was not in. */
  private async upsert(manager: EntityManager, workspaceId: string, event: DomainEvent, contacts: CrmEvents.Contact[]): Promise<void> {
    if (contacts.length === 0) return;
    const input = `jsonb_to_recordset($2::jsonb) AS c(id uuid, "lifecycleStage" text, "leadSource" text, "ownerId" uuid, "companyId" uuid, "customerSince" date, "createdAt" timestamptz, "customFields" jsonb)`;
    const rows = JSON.stringify(contacts);
    const ids = contacts.map((contact) => contact.id);
    await manager.query(
      `INSERT INTO reporting.contacts (workspace_id, id, lifecycle_stage, lead_source, owner_id, company_id, customer_since, created_at, custom_fields)
       SELECT $1, c.id, c."lifecycleStage", c."leadSource", c."ownerId", c."companyId", c."customerSince", c."createdAt", coalesce(c."customFields", '{}') FROM ${input}
       ON CONFLICT (workspace_id, id) DO UPDATE SET lifecycle_stage = EXCLUDED.lifecycle_stage, lead_source = EXCLUDED.lead_source,
         owner_id = EXCLUDED.owner_id, company_id = EXCLUDED.company_id, customer_since = EXCLUDED.customer_since,
         custom_fields = EXCLUDED.custom_fields, deleted_at = NULL`,
      [workspaceId, rows],
    );
    // contact_id = ANY(…) keeps this to the index entries of these contacts whatever the planner
    // thinks of the join: a hash join read the workspace's whole history for every event.
    await manager.query(
      `UPDATE reporting.contact_lifecycle_history h SET left_at = $3 FROM ${input}
       WHERE h.workspace_id = $1 AND h.contact_id = ANY($4::uuid[]) AND h.contact_id = c.id AND h.left_at IS NULL AND h.lifecycle_stage <> c."lifecycleStage"`,
      [workspaceId, rows, event.occurredAt, ids],
    );
    // A contact's first entry starts when it was created; later ones when the event happened.
    // contact_id = ANY(…) again: an anti join read the workspace's whole history for every event.
    await manager.query(
      `INSERT INTO reporting.contact_lifecycle_history (workspace_id, contact_id, lifecycle_stage, entered_at)
       SELECT $1, c.id, c."lifecycleStage",
         CASE WHEN EXISTS (SELECT 1 FROM reporting.contact_lifecycle_history h WHERE h.workspace_id = $1 AND h.contact_id = ANY($4::uuid[]) AND h.contact_id = c.id)
           THEN $3::timestamptz ELSE c."createdAt" END
       FROM ${input}
       WHERE NOT EXISTS (SELECT 1 FROM reporting.contact_lifecycle_history h WHERE h.workspace_id = $1 AND h.contact_id = ANY($4::uuid[]) AND h.contact_id = c.id AND h.left_at IS NULL)`,
      [workspaceId, rows, event.occurredAt, ids],
    );
  }

  private async markDeleted(manager: EntityManager, workspaceId: string, ids: string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('UPDATE reporting.contacts SET deleted_at = $3 WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, ids, at]);
  }
}
