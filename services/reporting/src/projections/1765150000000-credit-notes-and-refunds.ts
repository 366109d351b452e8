import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TENANT_TABLES = ['credit_notes', 'refunds'];

// Like the other read models: no foreign keys, events of different aggregates arrive in any order.
const CREATE_TABLES = [
  // credited_at: the occurredAt of credit_note.created (the event carries no date of its own).
  `CREATE TABLE reporting.credit_notes (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    number text NOT NULL,
    invoice_id uuid NOT NULL,
    currency text NOT NULL,
    amount bigint NOT NULL,
    refunded bigint NOT NULL,
    credited_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX credit_notes_credited_idx ON reporting.credit_notes (workspace_id, credited_at)`,
  `CREATE TABLE reporting.refunds (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    payment_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    credit_note_id uuid,
    currency text NOT NULL,
    amount bigint NOT NULL,
    destination text NOT NULL,
    refunded_at timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX refunds_refunded_idx ON reporting.refunds (workspace_id, refunded_at)`,
];

/** The read models of billing's credit notes and refunds: the revenue report's credited, and paid net of refunds. */
export class CreditNotesAndRefunds1765150000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of CREATE_TABLES) await queryRunner.query(statement);
    for (const table of TENANT_TABLES) for (const statement of rowLevelSecuritySql('reporting', table)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TENANT_TABLES].reverse()) await queryRunner.query(`DROP TABLE reporting.${table}`);
  }
}
