import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How tickets sort by priority: urgent highest. The list definition uses the same expression, so the index serves it. */
export function ticketPriorityRankSql(column: string): string {
  return `(CASE ${column} WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)`;
}

export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** The column holding each SLA deadline. */
export const SLA_DUE_COLUMNS: Record<SlaMetric, string> = {
  first_response: 'first_response_due_at',
  next_response: 'next_response_due_at',
  resolution: 'resolution_due_at',
};

/**
 * The condition under which a deadline's clock runs and its breach is untold (`prefix` is a table
 * alias with its dot, or empty): a live new or open ticket (pending pauses, resolved and closed
 * stop) and, for the first response, none given yet. The partial indexes carry the same predicate.
 */
export function slaRunningSql(prefix: string, metric: SlaMetric): string {
  const conditions = [`${prefix}deleted_at IS NULL`, `${prefix}status IN ('new', 'open')`, `NOT ('${metric}' = ANY(${prefix}sla_breached))`];
  if (metric === 'first_response') conditions.push(`${prefix}first_responded_at IS NULL`);
  return conditions.join(' AND ');
}

/** Tickets whose deadline for the metric is before `horizon` (SQL), the clock running and the breach untold. */
export function slaDueSql(alias: string, metric: SlaMetric, horizon: string): string {
  return `SELECT ${alias}.id, ${alias}.workspace_id, ${alias}.${SLA_DUE_COLUMNS[metric]} AS due_at, '${metric}'::text AS metric, ${alias}.sla_warned AS warned
    FROM crm.tickets ${alias} WHERE ${slaRunningSql(`${alias}.`, metric)} AND ${alias}.${SLA_DUE_COLUMNS[metric]} < ${horizon}`;
}

/** Minutes before a deadline its warning is told, unless the workspace chose otherwise. */
export const DEFAULT_WARNING_MINUTES = 30;

const TABLES = ['tickets', 'ticket_comments', 'sla_policies', 'business_hours', 'ticket_settings', 'overdue_invoices'];
const PRIORITIES = `('low', 'normal', 'high', 'urgent')`;

// SLA bookkeeping lives on the ticket: the deadlines as computed when the clock last changed
// (opening, a new priority, a pause, a customer's reply), the business seconds spent pending
// (which push the resolution deadline back) and which warnings and breaches have been told
// already, so the job tells each once. `breached` of a read is computed from the deadlines and the time of the read.
const STATEMENTS = [
  `CREATE TABLE crm.tickets (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    subject text NOT NULL,
    description text,
    status text NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    priority text NOT NULL CHECK (priority IN ${PRIORITIES}),
    priority_reason text,
    type text CHECK (type IN ('question', 'incident', 'problem', 'task')),
    channel text NOT NULL CHECK (channel IN ('email', 'sms', 'web', 'phone', 'api')),
    contact_id uuid,
    company_id uuid,
    assignee_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    first_responded_at timestamptz,
    first_response_due_at timestamptz,
    next_response_due_at timestamptz,
    resolution_due_at timestamptz,
    paused_at timestamptz,
    paused_seconds bigint NOT NULL DEFAULT 0,
    resolved_at timestamptz,
    sla_warned text[] NOT NULL DEFAULT '{}',
    sla_breached text[] NOT NULL DEFAULT '{}',
    merged_into_id uuid,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT tickets_workspace_id_id_key UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES crm.contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES crm.companies (workspace_id, id)
  )`,
  `CREATE INDEX tickets_created_idx ON crm.tickets (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX tickets_updated_idx ON crm.tickets (workspace_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX tickets_priority_idx ON crm.tickets (workspace_id, ${ticketPriorityRankSql('priority')}, id) WHERE deleted_at IS NULL`,
  `CREATE INDEX tickets_deleted_idx ON crm.tickets (workspace_id, deleted_at DESC) WHERE deleted_at IS NOT NULL`,
  `CREATE INDEX tickets_assignee_idx ON crm.tickets (workspace_id, assignee_id, status) WHERE deleted_at IS NULL`,
  `CREATE INDEX tickets_contact_idx ON crm.tickets (workspace_id, contact_id, created_at DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX tickets_company_idx ON crm.tickets (workspace_id, company_id, created_at DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX tickets_search_idx ON crm.tickets USING gin (to_tsvector('simple', subject))`,
  `CREATE INDEX tickets_search_trgm_idx ON crm.tickets USING gin (lower(subject) public.gin_trgm_ops)`,
  // The SLA check reads, per deadline, only the running clocks whose breach is not told yet, by
  // how soon they are due: a pass touches the tickets inside the warning window, not all open ones.
  ...SLA_METRICS.map(
    (metric) => `CREATE INDEX tickets_${metric}_due_idx ON crm.tickets (${SLA_DUE_COLUMNS[metric]}, workspace_id) WHERE ${slaRunningSql('', metric)}`,
  ),
  `CREATE TABLE crm.ticket_comments (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    body text NOT NULL,
    internal boolean NOT NULL,
    author text NOT NULL CHECK (author IN ('agent', 'customer')),
    author_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, ticket_id) REFERENCES crm.tickets (workspace_id, id)
  )`,
  `CREATE INDEX ticket_comments_ticket_idx ON crm.ticket_comments (workspace_id, ticket_id, created_at, id)`,
  `CREATE TABLE crm.sla_policies (
    workspace_id uuid NOT NULL,
    priority text NOT NULL CHECK (priority IN ${PRIORITIES}),
    first_response_minutes integer NOT NULL CHECK (first_response_minutes > 0),
    next_response_minutes integer CHECK (next_response_minutes > 0),
    resolution_minutes integer NOT NULL CHECK (resolution_minutes > 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, priority)
  )`,
  `CREATE TABLE crm.business_hours (
    workspace_id uuid PRIMARY KEY,
    timezone text NOT NULL,
    days jsonb NOT NULL,
    holidays date[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE crm.ticket_settings (
    workspace_id uuid PRIMARY KEY,
    assignment text NOT NULL CHECK (assignment IN ('none', 'round_robin', 'least_open')),
    assignees uuid[] NOT NULL DEFAULT '{}',
    next_assignee integer NOT NULL DEFAULT 0,
    warning_minutes integer NOT NULL DEFAULT 30,
    escalate_overdue_invoices boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  // billing's overdue invoices, kept from its events (invoice.overdue until paid, voided, written off or deleted).
  `CREATE TABLE crm.overdue_invoices (
    invoice_id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    number text NOT NULL,
    contact_id uuid,
    company_id uuid,
    due_date date NOT NULL
  )`,
  `CREATE INDEX overdue_invoices_contact_idx ON crm.overdue_invoices (workspace_id, contact_id)`,
  `CREATE INDEX overdue_invoices_company_idx ON crm.overdue_invoices (workspace_id, company_id)`,
];

/**
 * The SLA job looks across workspaces, and row-level security hides every row until a workspace is
 * set. This function runs as the schema's owner and names only the workspaces having a ticket with a
 * running deadline not yet told as breached inside the workspace's warning window; the check then
 * reads and marks them under RLS,
 * workspace by workspace. The owner needs a policy of its own to see the rows, since FORCE binds it too.
 */
const SLA_LOOKUP = [
  `CREATE POLICY owner_sla_lookup ON crm.tickets FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_sla_lookup ON crm.ticket_settings FOR SELECT TO CURRENT_USER USING (true)`,
  // The widest warning window of any workspace bounds the index scans; each workspace's own window then decides.
  `CREATE FUNCTION crm.workspaces_with_sla_due(now timestamptz) RETURNS TABLE (workspace_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, crm AS $$
    WITH horizon AS (
      SELECT workspaces_with_sla_due.now + greatest(${DEFAULT_WARNING_MINUTES}, coalesce(max(s.warning_minutes), 0)) * interval '1 minute' AS at FROM crm.ticket_settings s
    ), due AS (
      ${SLA_METRICS.map((metric) => slaDueSql('t', metric, '(SELECT at FROM horizon)')).join(' UNION ALL ')}
    )
    SELECT DISTINCT d.workspace_id FROM due d LEFT JOIN crm.ticket_settings s ON s.workspace_id = d.workspace_id
    WHERE d.due_at < workspaces_with_sla_due.now + coalesce(s.warning_minutes, ${DEFAULT_WARNING_MINUTES}) * interval '1 minute'
  $$`,
  `REVOKE ALL ON FUNCTION crm.workspaces_with_sla_due(timestamptz) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION crm.workspaces_with_sla_due(timestamptz) TO ${runtimeRoleFor('crm')}`,
];

/** Tickets with their comments, SLA policies, business hours, ticket settings and the overdue invoices of customers. */
export class Tickets1765120000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const table of TABLES) for (const statement of rowLevelSecuritySql('crm', table)) await queryRunner.query(statement);
    for (const statement of SLA_LOOKUP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION crm.workspaces_with_sla_due(timestamptz)');
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE crm.${table}`);
  }
}
