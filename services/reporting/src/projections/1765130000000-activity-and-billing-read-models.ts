import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TENANT_TABLES = ['companies', 'notes', 'emails_sent', 'invoices', 'payments'];

// Like the first read models: no foreign keys, events of different aggregates arrive in any order.
const CREATE_TABLES = [
  `CREATE TABLE reporting.companies (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    industry text,
    size text,
    owner_id uuid,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  // The author is the envelope's actor of note.created; the body stays in crm.
  `CREATE TABLE reporting.notes (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    author_id uuid,
    related_type text,
    related_id uuid,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX notes_created_idx ON reporting.notes (workspace_id, created_at) WHERE deleted_at IS NULL`,
  `CREATE TABLE reporting.emails_sent (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    contact_id uuid NOT NULL,
    campaign_id uuid,
    template_key text NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX emails_sent_sent_idx ON reporting.emails_sent (workspace_id, sent_at)`,
  // An invoice counts as invoiced from its finalization (issue_date); a draft has none.
  `CREATE TABLE reporting.invoices (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    number text,
    contact_id uuid,
    company_id uuid,
    deal_id uuid,
    currency text NOT NULL,
    total bigint NOT NULL,
    status text NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible', 'deleted')),
    issue_date date,
    due_date date,
    paid_at timestamptz,
    voided_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX invoices_issue_idx ON reporting.invoices (workspace_id, issue_date) WHERE issue_date IS NOT NULL`,
  `CREATE TABLE reporting.payments (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    currency text NOT NULL,
    amount bigint NOT NULL,
    method text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX payments_received_idx ON reporting.payments (workspace_id, received_at)`,
  // The activity and acquisition reports read these by period.
  `CREATE INDEX contacts_customer_since_idx ON reporting.contacts (workspace_id, customer_since) WHERE deleted_at IS NULL AND customer_since IS NOT NULL`,
  `CREATE INDEX tasks_completed_idx ON reporting.tasks (workspace_id, completed_at) WHERE deleted_at IS NULL AND completed_at IS NOT NULL`,
];

/** The read models of companies, notes, emails sent, invoices and payments (issue 13 item 1). */
export class ActivityAndBillingReadModels1765130000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of CREATE_TABLES) await queryRunner.query(statement);
    for (const table of TENANT_TABLES) for (const statement of rowLevelSecuritySql('reporting', table)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX reporting.tasks_completed_idx');
    await queryRunner.query('DROP INDEX reporting.contacts_customer_since_idx');
    for (const table of [...TENANT_TABLES].reverse()) await queryRunner.query(`DROP TABLE reporting.${table}`);
  }
}
