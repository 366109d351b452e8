import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-object access: what an object type narrows of records:read and records:write, by role ({} = the defaults). */
export class ObjectAccess1765740100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.object_definitions ADD COLUMN access jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.object_definitions DROP COLUMN access`);
  }
}
