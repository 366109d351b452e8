import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports of a custom object's records: entity 'records' with the object's key (and the field
 * rows are matched on) beside it; their conflicts and undo records have record type 'record'.
 */
export class RecordImports1765740000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.imports ADD COLUMN object_key text, ADD COLUMN match_field text`);
    await queryRunner.query(`ALTER TABLE crm.imports DROP CONSTRAINT imports_entity_check`);
    await queryRunner.query(
      `ALTER TABLE crm.imports ADD CONSTRAINT imports_entity_check CHECK (entity IN ('contacts', 'companies', 'records') AND (entity = 'records') = (object_key IS NOT NULL))`,
    );
    for (const table of ['import_conflicts', 'import_records']) {
      await queryRunner.query(`ALTER TABLE crm.${table} DROP CONSTRAINT ${table}_record_type_check`);
      await queryRunner.query(`ALTER TABLE crm.${table} ADD CONSTRAINT ${table}_record_type_check CHECK (record_type IN ('contact', 'company', 'record'))`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['import_conflicts', 'import_records']) {
      await queryRunner.query(`DELETE FROM crm.${table} WHERE record_type = 'record'`);
      await queryRunner.query(`ALTER TABLE crm.${table} DROP CONSTRAINT ${table}_record_type_check`);
      await queryRunner.query(`ALTER TABLE crm.${table} ADD CONSTRAINT ${table}_record_type_check CHECK (record_type IN ('contact', 'company'))`);
    }
    await queryRunner.query(`DELETE FROM crm.import_errors WHERE import_id IN (SELECT id FROM crm.imports WHERE entity = 'records')`);
    await queryRunner.query(`DELETE FROM crm.imports WHERE entity = 'records'`);
    await queryRunner.query(`ALTER TABLE crm.imports DROP CONSTRAINT imports_entity_check`);
    await queryRunner.query(`ALTER TABLE crm.imports ADD CONSTRAINT imports_entity_check CHECK (entity IN ('contacts', 'companies'))`);
    await queryRunner.query(`ALTER TABLE crm.imports DROP COLUMN object_key, DROP COLUMN match_field`);
  }
}
