import type { MigrationInterface, QueryRunner } from 'typeorm';

// A view shared with the workspace: every member lists it beside their own. The partial index
// serves "the shared views of this list" without reading every user's views; row-level security
// (crm.views' workspace policy) is unchanged.
export class SharedViews1765800000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.views ADD COLUMN shared boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX views_shared_idx ON crm.views (workspace_id, entity) WHERE shared`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX crm.views_shared_idx`);
    await queryRunner.query(`ALTER TABLE crm.views DROP COLUMN shared`);
  }
}
