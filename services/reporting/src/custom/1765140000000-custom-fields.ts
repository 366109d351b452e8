import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Custom field values of deals and contacts, as crm's events carry them, for custom reports. */
export class CustomFields1765140000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reporting.deals ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE reporting.contacts ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE reporting.contacts DROP COLUMN custom_fields');
    await queryRunner.query('ALTER TABLE reporting.deals DROP COLUMN custom_fields');
  }
}
