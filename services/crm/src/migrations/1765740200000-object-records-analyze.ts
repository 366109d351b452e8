import { runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * crm.analyze_grown_object_records(): as crm.analyze_grown_contacts (1765720000000), for the
 * records a records import writes, so that the plans of record lists and of each batch's match
 * (docs/crm.md "Imports") follow the table as the import grows it rather than statistics taken when
 * it was small. The crm's role does not own the table, hence a definer function; it analyses only
 * once the table changed by half since.
 */
export class ObjectRecordsAnalyze1765740200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION crm.analyze_grown_object_records() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, crm SET lock_timeout = '100ms' AS $$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE s.schemaname = 'crm' AND s.relname = 'object_records' AND s.n_mod_since_analyze > 1000 + 0.5 * greatest(c.reltuples, 0)
  ) THEN
    RETURN false;
  END IF;
  ANALYZE crm.object_records;
  RETURN true;
EXCEPTION WHEN lock_not_available THEN
  RETURN false;
END $$`);
    await queryRunner.query('REVOKE ALL ON FUNCTION crm.analyze_grown_object_records() FROM PUBLIC');
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION crm.analyze_grown_object_records() TO ${runtimeRoleFor('crm')}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION crm.analyze_grown_object_records()');
  }
}
