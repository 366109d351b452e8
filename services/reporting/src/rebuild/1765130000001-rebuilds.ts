import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rebuilds of a workspace's read models from the events stream, with their progress (issue 13 item 6). */
export class Rebuilds1765130000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE reporting.rebuilds (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
      requested_by uuid,
      events_total bigint NOT NULL,
      events_read bigint NOT NULL DEFAULT 0,
      events_applied bigint NOT NULL DEFAULT 0,
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      PRIMARY KEY (workspace_id, id)
    )`);
    // One rebuild at a time per workspace.
    await queryRunner.query(`CREATE UNIQUE INDEX rebuilds_running_idx ON reporting.rebuilds (workspace_id) WHERE status = 'running'`);
    for (const statement of rowLevelSecuritySql('reporting', 'rebuilds')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reporting.rebuilds');
  }
}
