import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How tickets sort by priority: urgent highest. The list definition uses the same expression, so the index serves it. */
export function ticketPriorityRankSql(column: string): string {
  return `(CASE ${column} WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)`;
}

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
  // The SLA job reads only the tickets whose clock runs.
  `CREATE INDEX tickets_running_idx ON crm.tickets (workspace_id, id) WHERE deleted_at IS NULL AND status IN ('new', 'open')`,
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
 * deadline not yet told as breached inside the workspace's warning window; the job then reads and
 * marks them under RLS,
 * workspace by workspace. The owner needs a policy of its own to see the rows, since FORCE binds it too.
 */
const SLA_LOOKUP = [
  `CREATE POLICY owner_sla_lookup ON crm.tickets FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_sla_lookup ON crm.ticket_settings FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE FUNCTION crm.workspaces_with_sla_due(now timestamptz) RETURNS TABLE (workspace_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, crm AS $$
    SELECT DISTINCT t.workspace_id FROM crm.tickets t
    LEFT JOIN crm.ticket_settings s ON s.workspace_id = t.workspace_id
    WHERE t.deleted_at IS NULL AND t.status IN ('new', 'open')
      AND least(CASE WHEN 'first_response' = ANY(t.sla_breached) OR t.first_responded_at IS NOT NULL THEN NULL ELSE t.first_response_due_at END,
                CASE WHEN 'next_response' = ANY(t.sla_breached) THEN NULL ELSE t.next_response_due_at END,
                CASE WHEN 'resolution' = ANY(t.sla_breached) THEN NULL ELSE t.resolution_due_at END)
          < workspaces_with_sla_due.now + coalesce(s.warning_minutes, 30) * interval '1 minute'
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
