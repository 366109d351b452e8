import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Exports of a custom object's records: entity 'records' and the object's key beside it. */
export class RecordExports1765730100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.exports ADD COLUMN object_key text`);
    await queryRunner.query(`ALTER TABLE crm.exports DROP CONSTRAINT exports_entity_check`);
    await queryRunner.query(
      `ALTER TABLE crm.exports ADD CONSTRAINT exports_entity_check CHECK (entity IN ('contacts', 'companies', 'deals', 'records') AND (entity = 'records') = (object_key IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM crm.exports WHERE entity = 'records'`);
    await queryRunner.query(`ALTER TABLE crm.exports DROP CONSTRAINT exports_entity_check`);
    await queryRunner.query(`ALTER TABLE crm.exports ADD CONSTRAINT exports_entity_check CHECK (entity IN ('contacts', 'companies', 'deals'))`);
    await queryRunner.query(`ALTER TABLE crm.exports DROP COLUMN object_key`);
  }
}
