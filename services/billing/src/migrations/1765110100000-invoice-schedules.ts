import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['invoice_schedules', 'invoice_schedule_runs'];

// lines are json, not jsonb: json keeps the text as written, so a description holding a lone
// UTF-16 surrogate (which a text column takes) is not refused as jsonb would refuse its escape.
// A run is the claim of one period: its key (schedule_id, period_start) lets each period be
// claimed once, and it names the invoice before the invoice exists, so whoever finishes a run
// left half done (a crash, another replica) makes that same invoice, never a second one.
const STATEMENTS = [
  `CREATE TABLE billing.invoice_schedules (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    customer_contact_id uuid,
    customer_company_id uuid,
    customer_name text NOT NULL,
    billing_email text,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    payment_terms text NOT NULL CHECK (payment_terms IN ('due_on_receipt', 'net_7', 'net_15', 'net_30', 'net_60')),
    lines json NOT NULL,
    interval text NOT NULL CHECK (interval IN ('month', 'quarter', 'year')),
    start_date date NOT NULL,
    end_date date CHECK (end_date IS NULL OR end_date >= start_date),
    auto_finalize boolean NOT NULL,
    auto_send boolean NOT NULL,
    next_period_index integer NOT NULL DEFAULT 0 CHECK (next_period_index >= 0),
    next_period_start date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    UNIQUE (workspace_id, id),
    CHECK ((customer_contact_id IS NULL) <> (customer_company_id IS NULL))
  )`,
  `CREATE INDEX invoice_schedules_due_idx ON billing.invoice_schedules (next_period_start) WHERE deleted_at IS NULL AND next_period_start IS NOT NULL`,
  `CREATE TABLE billing.invoice_schedule_runs (
    workspace_id uuid NOT NULL,
    schedule_id uuid NOT NULL,
    period_start date NOT NULL,
    period_index integer NOT NULL,
    invoice_id uuid NOT NULL UNIQUE,
    sent_at timestamptz,
    completed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schedule_id, period_start),
    FOREIGN KEY (workspace_id, schedule_id) REFERENCES billing.invoice_schedules (workspace_id, id)
  )`,
];

/** As for the overdue check: the scheduler looks across workspaces, which row-level security hides until one is set. */
const DUE_LOOKUP = [
  `CREATE POLICY owner_schedule_lookup ON billing.invoice_schedules FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE FUNCTION billing.due_invoice_schedules(today date) RETURNS TABLE (workspace_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, billing AS $$
    SELECT s.workspace_id, s.id FROM billing.invoice_schedules s
    WHERE s.deleted_at IS NULL AND s.next_period_start <= due_invoice_schedules.today ORDER BY s.next_period_start, s.id
  $$`,
  `REVOKE ALL ON FUNCTION billing.due_invoice_schedules(date) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION billing.due_invoice_schedules(date) TO ${runtimeRoleFor('billing')}`,
];

/** Recurring invoices (/invoice-schedules) and the claim of each period's invoice. */
export class InvoiceSchedules1765110100000 implements MigrationInterface {
  name = 'InvoiceSchedules1765110100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const table of TABLES) for (const statement of rowLevelSecuritySql('billing', table)) await queryRunner.query(statement);
    for (const statement of DUE_LOOKUP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION billing.due_invoice_schedules(date)');
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE billing.${table}`);
  }
}
