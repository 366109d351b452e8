import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Saved custom reports (shared in the workspace), their schedules, and custom dashboards. */
export class SavedReports1765141000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE reporting.saved_reports (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      name text NOT NULL,
      query jsonb NOT NULL,
      schedule_frequency text CHECK (schedule_frequency IN ('weekly', 'monthly')),
      schedule_recipients uuid[],
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    )`);
    // When each scheduled report runs next, across workspaces, so one job finds what is due
    // (ids and a time only: the report itself stays under row-level security).
    await queryRunner.query(`CREATE TABLE reporting.report_schedules (
      saved_report_id uuid PRIMARY KEY,
      workspace_id uuid NOT NULL,
      next_run_at timestamptz NOT NULL
    )`);
    await queryRunner.query('CREATE INDEX report_schedules_due_idx ON reporting.report_schedules (next_run_at)');
    await queryRunner.query(`CREATE TABLE reporting.dashboards (
      workspace_id uuid NOT NULL,
      id uuid NOT NULL,
      name text NOT NULL,
      widgets jsonb NOT NULL,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, id)
    )`);
    for (const table of ['saved_reports', 'dashboards']) for (const statement of rowLevelSecuritySql('reporting', table)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['dashboards', 'report_schedules', 'saved_reports']) await queryRunner.query(`DROP TABLE reporting.${table}`);
  }
}
