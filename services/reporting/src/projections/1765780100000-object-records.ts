import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * reporting.object_records: the records of every custom object, from crm's record events, for
 * custom reports over them (entity `records`). Values as crm's events carry them (JSONB by field
 * key); a record's events carry no creation time, so the first event that names it dates it.
 */
export class ObjectRecords1765780100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE reporting.object_records (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      object_key text NOT NULL,
      values jsonb NOT NULL DEFAULT '{}',
      created_by uuid,
      created_at timestamptz NOT NULL,
      deleted_at timestamptz,
      PRIMARY KEY (workspace_id, id)
    )`);
    await queryRunner.query(`CREATE INDEX object_records_object_idx ON reporting.object_records (workspace_id, object_key) WHERE deleted_at IS NULL`);
    for (const statement of rowLevelSecuritySql('reporting', 'object_records')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reporting.object_records');
  }
}
