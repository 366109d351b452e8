import { runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// The file sweep looks across workspaces (row-level security binds crm's role to one at a time):
// two narrow SECURITY DEFINER functions give it the deleted files past their grace period, and
// which object keys still have a row.
const STATEMENTS = [
  `CREATE INDEX files_deleted_idx ON crm.files (deleted_at) WHERE deleted_at IS NOT NULL`,
  `CREATE FUNCTION crm.files_to_purge(deleted_before timestamptz, max_rows int) RETURNS TABLE (workspace_id uuid, id uuid, object_key text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, crm AS $$
    SELECT f.workspace_id, f.id, f.object_key FROM crm.files f
     WHERE f.deleted_at < files_to_purge.deleted_before
     ORDER BY f.deleted_at LIMIT files_to_purge.max_rows
  $$`,
  `CREATE FUNCTION crm.recorded_file_objects(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, crm AS $$
    SELECT f.object_key FROM crm.files f WHERE f.object_key = ANY (recorded_file_objects.keys)
  $$`,
  `REVOKE ALL ON FUNCTION crm.files_to_purge(timestamptz, int) FROM PUBLIC`,
  `REVOKE ALL ON FUNCTION crm.recorded_file_objects(text[]) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION crm.files_to_purge(timestamptz, int) TO ${runtimeRoleFor('crm')}`,
  `GRANT EXECUTE ON FUNCTION crm.recorded_file_objects(text[]) TO ${runtimeRoleFor('crm')}`,
];

export class FileSweep1765400100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION crm.recorded_file_objects(text[])');
    await queryRunner.query('DROP FUNCTION crm.files_to_purge(timestamptz, int)');
    await queryRunner.query('DROP INDEX crm.files_deleted_idx');
  }
}
