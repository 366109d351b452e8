import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { LIFECYCLE_FUNNEL_STAGES } from '@kinship/contracts/reporting';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, layersWithoutRepeats, ProjectionHandlers, subscribeProjection, workspaceOf } from './projection.js';

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
 * reporting.contacts (with each contact's lead-conversion funnel) and reporting.contact_lifecycle_history from crm's contact events. An
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
    subscribeProjection(this.events, this.handlers, 'contacts', TYPES, (events, manager) => this.apply(events, manager));
  }

  /** A run of one workspace's contact events: their changes in stream order, a statement per layer in which no contact comes up twice. */
  private async apply(events: Array<EventOf<(typeof TYPES)[number]>>, manager: EntityManager): Promise<void> {
    const workspaceId = workspaceOf(events);
    const changes = events.flatMap((event) => changesOf(event));
    for (const layer of layersWithoutRepeats(changes, (change) => [change.id])) await this.write(manager, workspaceId, layer);
  }

  /**
   * Writes changes of distinct contacts in one statement: upserts and deletions, each upserted
   * contact's move to a lifecycle stage it was not in, its funnel columns from its history with
   * that move, and the funnel and acquisition totals moved by the difference between each contact's row before
   * and after (every part of the statement sees the tables as they were before it). A group the
   * last contact left is deleted after.
   * The contacts' rows and history are read an index probe per contact (a lateral subquery with
   * OFFSET 0, which the planner cannot turn into a join): with statistics that lag behind a
   * catch-up, id = ANY(…) and joins on the ids were planned as a scan of the workspace's whole
   * table, three times per statement. A contact without history (a new one: most of a catch-up)
   * gets its funnel columns from its one stage, set-wise, not from the plpgsql function and three
   * ordered aggregates (docs/performance.md, "reporting (stop 29, 2026-12-07)").
   */
  private async write(manager: EntityManager, workspaceId: string, changes: ContactChange[]): Promise<void> {
    const row = 'id, owner_id, lead_source, customer_since, created_at, deleted_at, lifecycle_stages_entered, lifecycle_funnel_steps';
    const moved = (rows: string, sign: string) =>
      `SELECT owner_id, lead_source, customer_since, (created_at AT TIME ZONE 'UTC')::date AS created_on, lifecycle_stages_entered, lifecycle_funnel_steps,
         ${sign}1 AS contacts FROM ${rows}`;
    const [emptied]: Array<{ funnel: number; acquisition: number }> = await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, upsert boolean, at timestamptz, "lifecycleStage" text, "leadSource" text, "ownerId" uuid,
           "companyId" uuid, "customerSince" date, "createdAt" timestamptz, "customFields" jsonb)
       ), before AS (
         SELECT c.* FROM unnest($3::uuid[]) AS ids(id),
           LATERAL (SELECT ${row} FROM reporting.contacts WHERE workspace_id = $1 AND id = ids.id OFFSET 0) c
       ), history AS (
         SELECT h.* FROM unnest($3::uuid[]) AS ids(id),
           LATERAL (SELECT id, contact_id, lifecycle_stage, entered_at, left_at FROM reporting.contact_lifecycle_history
             WHERE workspace_id = $1 AND contact_id = ids.id OFFSET 0) h
       ), entered AS (
         -- A contact's first entry starts when it was created; later ones when the event happened.
         SELECT c.id AS contact_id, c."lifecycleStage" AS lifecycle_stage,
           CASE WHEN c.id IN (SELECT h.contact_id FROM history h) THEN c.at ELSE c."createdAt" END AS entered_at
         FROM input c
         WHERE c.upsert AND NOT EXISTS (SELECT 1 FROM history h WHERE h.contact_id = c.id AND h.left_at IS NULL AND h.lifecycle_stage = c."lifecycleStage")
       ), first_steps AS (
         -- The steps of a funnel of one entry: 1 at its stage's place, 0 elsewhere, as reporting.contact_funnel_steps finds.
         SELECT f.stage, ARRAY(SELECT (g.stage = f.stage)::int::smallint FROM unnest($4::text[]) WITH ORDINALITY AS g(stage, n) ORDER BY g.n) AS steps
         FROM unnest($4::text[]) AS f(stage)
       ), funnel AS (
         -- A contact without history (a new one: most of a catch-up) has one entry, the one the statement adds.
         SELECT e.contact_id, ARRAY[e.lifecycle_stage] AS stages_entered,
           coalesce(s.steps, array_fill(0::smallint, ARRAY[cardinality($4::text[])])) AS steps
         FROM entered e LEFT JOIN first_steps s ON s.stage = e.lifecycle_stage
         WHERE e.contact_id NOT IN (SELECT h.contact_id FROM history h)
         UNION ALL
         SELECT e.contact_id, array_agg(DISTINCT e.lifecycle_stage),
           reporting.contact_funnel_steps($4::text[], array_agg(e.lifecycle_stage ORDER BY e.entered_at), array_agg(e.entered_at ORDER BY e.entered_at))
         FROM (SELECT contact_id, lifecycle_stage, entered_at FROM history
               UNION ALL SELECT contact_id, lifecycle_stage, entered_at FROM entered WHERE contact_id IN (SELECT h.contact_id FROM history h)) e
         GROUP BY e.contact_id
       ), deleted AS (
         UPDATE reporting.contacts SET deleted_at = c.at FROM before b JOIN input c ON c.id = b.id
         WHERE NOT c.upsert AND reporting.contacts.workspace_id = $1 AND reporting.contacts.id = b.id
         RETURNING ${row
           .split(', ')
           .map((column) => `reporting.contacts.${column}`)
           .join(', ')}
       ), upserted AS (
         INSERT INTO reporting.contacts (workspace_id, id, lifecycle_stage, lead_source, owner_id, company_id, customer_since, created_at, custom_fields,
           lifecycle_stages_entered, lifecycle_funnel_steps)
         SELECT $1, c.id, c."lifecycleStage", c."leadSource", c."ownerId", c."companyId", c."customerSince", c."createdAt", coalesce(c."customFields", '{}'),
           f.stages_entered, f.steps
         FROM input c JOIN funnel f ON f.contact_id = c.id WHERE c.upsert
         ON CONFLICT (workspace_id, id) DO UPDATE SET lifecycle_stage = EXCLUDED.lifecycle_stage, lead_source = EXCLUDED.lead_source,
           owner_id = EXCLUDED.owner_id, company_id = EXCLUDED.company_id, customer_since = EXCLUDED.customer_since,
           custom_fields = EXCLUDED.custom_fields, deleted_at = NULL,
           lifecycle_stages_entered = EXCLUDED.lifecycle_stages_entered, lifecycle_funnel_steps = EXCLUDED.lifecycle_funnel_steps
         RETURNING ${row}
       ), after AS (
         SELECT * FROM deleted UNION ALL SELECT * FROM upserted
       ), moves AS (
         ${moved('before b WHERE b.deleted_at IS NULL AND b.id IN (SELECT id FROM after)', '-')}
         UNION ALL
         ${moved('after a WHERE a.deleted_at IS NULL', '')}
       ), totals AS (
         INSERT INTO reporting.contact_funnel_totals AS t (workspace_id, owner_id, created_on, lifecycle_stages_entered, lifecycle_funnel_steps, contacts)
         SELECT $1, owner_id, created_on, lifecycle_stages_entered, lifecycle_funnel_steps, sum(contacts) FROM moves
         GROUP BY owner_id, created_on, lifecycle_stages_entered, lifecycle_funnel_steps HAVING sum(contacts) <> 0
         ON CONFLICT (workspace_id, created_on, owner_id, lifecycle_stages_entered, lifecycle_funnel_steps) DO UPDATE SET contacts = t.contacts + EXCLUDED.contacts
         RETURNING t.contacts
       ), acquisition_totals AS (
         INSERT INTO reporting.contact_acquisition_totals AS t (workspace_id, owner_id, lead_source, customer_since, customers)
         SELECT $1, owner_id, lead_source, customer_since, sum(contacts) FROM moves WHERE customer_since IS NOT NULL
         GROUP BY owner_id, lead_source, customer_since HAVING sum(contacts) <> 0
         ON CONFLICT (workspace_id, customer_since, owner_id, lead_source) DO UPDATE SET customers = t.customers + EXCLUDED.customers
         RETURNING t.customers
       ), left_stage AS (
         UPDATE reporting.contact_lifecycle_history h SET left_at = c.at FROM history o JOIN input c ON c.id = o.contact_id
         WHERE c.upsert AND o.left_at IS NULL AND o.lifecycle_stage <> c."lifecycleStage" AND h.workspace_id = $1 AND h.id = o.id
       ), entered_stage AS (
         INSERT INTO reporting.contact_lifecycle_history (workspace_id, contact_id, lifecycle_stage, entered_at)
         SELECT $1, e.contact_id, e.lifecycle_stage, e.entered_at FROM entered e
       )
       SELECT (SELECT count(*) FROM totals WHERE contacts = 0)::int AS funnel, (SELECT count(*) FROM acquisition_totals WHERE customers = 0)::int AS acquisition`,
      [workspaceId, JSON.stringify(changes.map(inputOf)), changes.map((change) => change.id), LIFECYCLE_FUNNEL_STAGES],
    );
    // Each totals table that has a group no contact is in any more (a count of 0) loses it.
    if (emptied!.funnel > 0) await manager.query('DELETE FROM reporting.contact_funnel_totals WHERE workspace_id = $1 AND contacts = 0', [workspaceId]);
    if (emptied!.acquisition > 0)
      await manager.query('DELETE FROM reporting.contact_acquisition_totals WHERE workspace_id = $1 AND customers = 0', [workspaceId]);
  }
}

/** One contact's change by an event, as a row of the statement's input: upserted as the event carries it, or marked deleted. */
type ContactChange = { id: string; at: string } & (({ upsert: true } & CrmEvents.Contact) | { upsert: false });

/** A change as the statement's input reads it: only its columns, not the whole contact the event carries. */
function inputOf(change: ContactChange): object {
  const { id, upsert, at } = change;
  if (!change.upsert) return { id, upsert, at };
  const { lifecycleStage, leadSource, ownerId, companyId, customerSince, createdAt, customFields } = change;
  return { id, upsert, at, lifecycleStage, leadSource, ownerId, companyId, customerSince, createdAt, customFields };
}

/** An event's changes in the order it makes them. */
function changesOf(event: EventOf<(typeof TYPES)[number]>): ContactChange[] {
  const at = event.occurredAt;
  const upserted = (contacts: CrmEvents.Contact[]): ContactChange[] => contacts.map((contact) => ({ ...contact, upsert: true, at }));
  const deleted = (ids: string[]): ContactChange[] => ids.map((id) => ({ id, upsert: false, at }));
  switch (event.type) {
    case 'contact.created':
    case 'contact.updated':
    case 'contact.restored':
      return upserted([required(event.data.contact, event, 'contact')]);
    case 'contact.merged':
      return [...upserted([required(event.data.contact, event, 'contact')]), ...deleted([event.data.mergedContactId])];
    case 'contact.deleted':
      return deleted([event.aggregateId]);
    case 'contacts.imported':
      return upserted(event.data.contacts);
    case 'contacts.import_undone':
      return [...deleted(event.data.deletedIds), ...upserted(event.data.restored)];
  }
}
