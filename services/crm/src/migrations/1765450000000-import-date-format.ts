import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The order an import reads day/month dates in, asked or detected when it is created; null reads ISO dates only. */
export class ImportDateFormat1765450000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.imports ADD COLUMN date_format text CHECK (date_format IN ('yyyy-mm-dd', 'dd/mm/yyyy', 'mm/dd/yyyy'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE crm.imports DROP COLUMN date_format');
  }
}
