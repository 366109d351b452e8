import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// Uploaded files: the bytes are in the object store under object_key (the gateway streams them in
// and out); a row exists only for an upload that completed and was accepted, so a broken upload
// leaves none. A file attaches to any number of records; usage sums the live files' sizes.
const STATEMENTS = [
  `CREATE TABLE crm.files (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    object_key text NOT NULL UNIQUE,
    name text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT files_workspace_id_id_key UNIQUE (workspace_id, id)
  )`,
  `CREATE INDEX files_live_idx ON crm.files (workspace_id) INCLUDE (size) WHERE deleted_at IS NULL`,
  `CREATE TABLE crm.file_attachments (
    workspace_id uuid NOT NULL,
    file_id uuid NOT NULL,
    record_type text NOT NULL CHECK (record_type IN ('contact', 'company', 'deal', 'ticket', 'note')),
    record_id uuid NOT NULL,
    attached_by uuid,
    attached_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, record_type, record_id, file_id),
    FOREIGN KEY (workspace_id, file_id) REFERENCES crm.files (workspace_id, id)
  )`,
  `CREATE INDEX file_attachments_record_idx ON crm.file_attachments (workspace_id, record_type, record_id, attached_at DESC, file_id DESC)`,
  `CREATE INDEX file_attachments_file_idx ON crm.file_attachments (workspace_id, file_id)`,
];

/** Files and what they are attached to, under row-level security like every crm table. */
export class Files1765300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const table of ['files', 'file_attachments']) {
      for (const statement of rowLevelSecuritySql('crm', table)) await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE crm.file_attachments');
    await queryRunner.query('DROP TABLE crm.files');
  }
}
