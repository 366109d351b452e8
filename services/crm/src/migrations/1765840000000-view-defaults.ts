import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// The view a user opens a list with, kept per user apart from the view: a colleague's shared view
// can be one's default without a copy, and without becoming its owner's. One per user and list (the
// key); deleting the view deletes it. The defaults views.is_default held move over.
const UP = [
  `CREATE TABLE crm.view_defaults (
    workspace_id uuid NOT NULL,
    user_id uuid NOT NULL,
    entity text NOT NULL,
    view_id uuid NOT NULL REFERENCES crm.views (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, user_id, entity)
  )`,
  `CREATE INDEX view_defaults_view_idx ON crm.view_defaults (view_id)`,
  `INSERT INTO crm.view_defaults (workspace_id, user_id, entity, view_id) SELECT workspace_id, user_id, entity, id FROM crm.views WHERE is_default`,
  `DROP INDEX crm.views_default_key`,
  `ALTER TABLE crm.views DROP COLUMN is_default`,
  ...rowLevelSecuritySql('crm', 'view_defaults'),
];

export class ViewDefaults1765840000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.views ADD COLUMN is_default boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `UPDATE crm.views v SET is_default = true FROM crm.view_defaults d WHERE d.view_id = v.id AND d.user_id = v.user_id AND d.workspace_id = v.workspace_id`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX views_default_key ON crm.views (workspace_id, user_id, entity) WHERE is_default`);
    await queryRunner.query(`DROP TABLE crm.view_defaults`);
  }
}
