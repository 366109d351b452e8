import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TOTALS = ['deal_pipeline_totals', 'deal_forecast_totals'];

/**
 * Pre-aggregated deals for the pipeline and forecast reports, kept by the deals projection in the
 * statement that writes the deals: the reports add up a few rows per stage, currency and day
 * instead of every open deal of the workspace (at 200,000 deals, 0.7–1 s of aggregation). A group
 * that no deal is in any more is deleted, so the totals are always exactly the GROUP BY of the
 * deals (a rebuild makes the same rows). Filled here from the deals already projected.
 */
export class DealTotals1765600000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // Open deals by the UTC day they were created: the pipeline report filters on that day.
    await queryRunner.query(`CREATE TABLE reporting.deal_pipeline_totals (
      workspace_id uuid NOT NULL,
      pipeline_id uuid NOT NULL,
      stage_id uuid NOT NULL,
      currency text NOT NULL,
      created_on date NOT NULL,
      deals integer NOT NULL,
      amount bigint NOT NULL,
      PRIMARY KEY (workspace_id, pipeline_id, stage_id, currency, created_on)
    )`);
    // Open and won deals with an expected close date, by that date: the forecast's periods and filter.
    await queryRunner.query(`CREATE TABLE reporting.deal_forecast_totals (
      workspace_id uuid NOT NULL,
      pipeline_id uuid NOT NULL,
      stage_id uuid NOT NULL,
      currency text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'won')),
      expected_close_date date NOT NULL,
      deals integer NOT NULL,
      amount bigint NOT NULL,
      PRIMARY KEY (workspace_id, pipeline_id, stage_id, currency, status, expected_close_date)
    )`);
    for (const table of TOTALS) for (const statement of rowLevelSecuritySql('reporting', table)) await queryRunner.query(statement);
    // Reports filtered by owner still read the deals: they are a small part of them.
    await queryRunner.query('CREATE INDEX deals_owner_idx ON reporting.deals (workspace_id, owner_id) WHERE deleted_at IS NULL');
    // The owner that runs the migrations is bound by the deals' FORCEd row-level security (no workspace is set here) unless it is lifted for the fill.
    await queryRunner.query('ALTER TABLE reporting.deals NO FORCE ROW LEVEL SECURITY');
    for (const table of TOTALS) await queryRunner.query(`ALTER TABLE reporting.${table} NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`INSERT INTO reporting.deal_pipeline_totals (workspace_id, pipeline_id, stage_id, currency, created_on, deals, amount)
      SELECT workspace_id, pipeline_id, stage_id, currency, (created_at AT TIME ZONE 'UTC')::date, count(*), sum(amount) FROM reporting.deals
      WHERE deleted_at IS NULL AND status = 'open' GROUP BY 1, 2, 3, 4, 5`);
    await queryRunner.query(`INSERT INTO reporting.deal_forecast_totals (workspace_id, pipeline_id, stage_id, currency, status, expected_close_date, deals, amount)
      SELECT workspace_id, pipeline_id, stage_id, currency, status, expected_close_date, count(*), sum(amount) FROM reporting.deals
      WHERE deleted_at IS NULL AND status IN ('open', 'won') AND expected_close_date IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6`);
    for (const table of ['deals', ...TOTALS]) await queryRunner.query(`ALTER TABLE reporting.${table} FORCE ROW LEVEL SECURITY`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX reporting.deals_owner_idx');
    for (const table of TOTALS) await queryRunner.query(`DROP TABLE reporting.${table}`);
  }
}
