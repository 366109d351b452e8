import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['imports', 'import_errors', 'import_conflicts', 'import_records'];

// An import keeps its progress (`position`: data rows consumed from the file) in its own row,
// written in the transaction of each batch, so a restarted job skips exactly what is committed.
// import_records says what each import created or changed (with the values before the change),
// which is what undo needs; import_errors keeps every bad row with its original values for the
// error CSV; import_conflicts is the review queue of values an import did not overwrite.
const STATEMENTS = [
  `CREATE TABLE crm.imports (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    entity text NOT NULL CHECK (entity IN ('contacts', 'companies')),
    mode text NOT NULL CHECK (mode IN ('merge', 'overwrite')),
    lifecycle_backward boolean NOT NULL DEFAULT false,
    status text NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled', 'undone')),
    file_key text NOT NULL,
    file_name text NOT NULL,
    requested_mapping jsonb NOT NULL DEFAULT '{}',
    mapping jsonb,
    columns text[],
    unmapped_columns text[] NOT NULL DEFAULT '{}',
    total integer,
    position integer NOT NULL DEFAULT 0,
    batches integer NOT NULL DEFAULT 0,
    created integer NOT NULL DEFAULT 0,
    updated integer NOT NULL DEFAULT 0,
    conflicts integer NOT NULL DEFAULT 0,
    failed integer NOT NULL DEFAULT 0,
    failure_reason text,
    requested_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    cancelled_at timestamptz,
    undone_at timestamptz
  )`,
  `CREATE INDEX imports_created_idx ON crm.imports (workspace_id, created_at DESC, id DESC)`,
  `CREATE TABLE crm.import_errors (
    workspace_id uuid NOT NULL,
    import_id uuid NOT NULL REFERENCES crm.imports (id),
    line integer NOT NULL,
    message text NOT NULL,
    "values" text[] NOT NULL,
    PRIMARY KEY (import_id, line)
  )`,
  `CREATE TABLE crm.import_conflicts (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    import_id uuid NOT NULL REFERENCES crm.imports (id),
    record_type text NOT NULL CHECK (record_type IN ('contact', 'company')),
    record_id uuid NOT NULL,
    line integer NOT NULL,
    field text NOT NULL,
    existing_value jsonb,
    incoming_value jsonb,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution text CHECK (resolution IN ('keep_existing', 'take_incoming', 'merge', 'closed_by_undo')),
    resolved_value jsonb,
    resolved_by uuid,
    resolved_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX import_conflicts_import_idx ON crm.import_conflicts (import_id, status, id)`,
  `CREATE TABLE crm.import_records (
    workspace_id uuid NOT NULL,
    import_id uuid NOT NULL REFERENCES crm.imports (id),
    record_type text NOT NULL CHECK (record_type IN ('contact', 'company')),
    record_id uuid NOT NULL,
    action text NOT NULL CHECK (action IN ('created', 'updated')),
    previous jsonb,
    PRIMARY KEY (import_id, record_type, record_id)
  )`,
];

/** Imports: their progress, bad rows, conflicts for review and what they created or changed (for undo). */
export class Imports1764635000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const table of TABLES) for (const statement of rowLevelSecuritySql('crm', table)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE crm.${table}`);
  }
}
