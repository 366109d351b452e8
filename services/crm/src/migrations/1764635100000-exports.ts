import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// An export keeps the caller's checked filter, so the job (possibly on another worker) lists
// exactly what the caller asked for; total_rows grows page by page while it runs.
const STATEMENTS = [
  `CREATE TABLE crm.exports (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    entity text NOT NULL CHECK (entity IN ('contacts', 'companies', 'deals')),
    filter jsonb NOT NULL DEFAULT '{}',
    format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    status text NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
    total_rows integer NOT NULL DEFAULT 0,
    file_key text,
    size bigint,
    error text,
    requested_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    expires_at timestamptz
  )`,
  `CREATE INDEX exports_created_idx ON crm.exports (workspace_id, created_at DESC, id DESC)`,
];

/** Exports: what was asked for, how far the job got, and where the file is. */
export class Exports1764635100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const statement of rowLevelSecuritySql('crm', 'exports')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE crm.exports');
  }
}
