import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// A user's saved list views. Names are unique per user and list whatever their case; at most one
// default per user and list, kept by a partial unique index so two concurrent "make default"
// requests cannot both win. A view is a preference: deleted for good, no deleted_at.
const STATEMENTS = [
  `CREATE TABLE crm.views (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    user_id uuid NOT NULL,
    entity text NOT NULL,
    name text NOT NULL,
    columns jsonb NOT NULL,
    filters jsonb NOT NULL DEFAULT '{}',
    sort text,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE UNIQUE INDEX views_name_key ON crm.views (workspace_id, user_id, entity, lower(name))`,
  `CREATE UNIQUE INDEX views_default_key ON crm.views (workspace_id, user_id, entity) WHERE is_default`,
];

/** crm.views, under row-level security like every crm table. */
export class Views1765770000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [...STATEMENTS, ...rowLevelSecuritySql('crm', 'views')]) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE crm.views');
  }
}
