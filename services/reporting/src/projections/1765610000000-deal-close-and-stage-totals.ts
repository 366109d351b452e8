import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TOTALS = ['deal_close_totals', 'deal_stage_totals'];

/**
 * Pre-aggregated deals for the win-rate, activity and deal-velocity reports, kept by the deals
 * projection in the statement that writes the deals (as deal_pipeline_totals and
 * deal_forecast_totals): the reports add up a few rows per owner, stage, currency and day instead
 * of every closed deal or every stage stay of the workspace (deal velocity: 0.8–5 s at 93,333
 * deals, docs/performance.md). The owner is part of each group, so members' reports and `ownerId`
 * read the totals too. A group that no deal is in any more is deleted, so the totals are always
 * exactly the GROUP BY of the deals and their history. Filled here from what is already projected.
 */
export class DealCloseAndStageTotals1765610000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // Won and lost deals (not deleted) by the UTC day they closed; cycle_seconds: Σ closed_at − created_at.
    await queryRunner.query(`CREATE TABLE reporting.deal_close_totals (
      workspace_id uuid NOT NULL,
      pipeline_id uuid NOT NULL,
      owner_id uuid,
      currency text NOT NULL,
      status text NOT NULL CHECK (status IN ('won', 'lost')),
      closed_on date NOT NULL,
      deals integer NOT NULL,
      amount bigint NOT NULL,
      cycle_seconds numeric NOT NULL
    )`);
    // A deal without an owner is a group of its own (owner_id null), hence NULLS NOT DISTINCT.
    await queryRunner.query(`CREATE UNIQUE INDEX deal_close_totals_group_idx ON reporting.deal_close_totals
      (workspace_id, pipeline_id, owner_id, currency, status, closed_on) NULLS NOT DISTINCT`);
    // Stays in a stage that ended (the deal moved on), of deals not deleted, by the deal's pipeline
    // and owner and the UTC day the stay began; seconds: Σ left_at − entered_at.
    await queryRunner.query(`CREATE TABLE reporting.deal_stage_totals (
      workspace_id uuid NOT NULL,
      pipeline_id uuid NOT NULL,
      stage_id uuid NOT NULL,
      owner_id uuid,
      entered_on date NOT NULL,
      stays integer NOT NULL,
      seconds numeric NOT NULL
    )`);
    await queryRunner.query(`CREATE UNIQUE INDEX deal_stage_totals_group_idx ON reporting.deal_stage_totals
      (workspace_id, pipeline_id, stage_id, owner_id, entered_on) NULLS NOT DISTINCT`);
    for (const table of TOTALS) for (const statement of rowLevelSecuritySql('reporting', table)) await queryRunner.query(statement);
    // The owner that runs the migrations is bound by the FORCEd row-level security (no workspace is set here) unless it is lifted for the fill.
    const tables = ['deals', 'deal_stage_history', ...TOTALS];
    for (const table of tables) await queryRunner.query(`ALTER TABLE reporting.${table} NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`INSERT INTO reporting.deal_close_totals (workspace_id, pipeline_id, owner_id, currency, status, closed_on, deals, amount, cycle_seconds)
      SELECT workspace_id, pipeline_id, owner_id, currency, status, (closed_at AT TIME ZONE 'UTC')::date, count(*), sum(amount),
        sum(extract(epoch FROM closed_at - created_at))
      FROM reporting.deals WHERE deleted_at IS NULL AND status IN ('won', 'lost') AND closed_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6`);
    await queryRunner.query(`INSERT INTO reporting.deal_stage_totals (workspace_id, pipeline_id, stage_id, owner_id, entered_on, stays, seconds)
      SELECT d.workspace_id, d.pipeline_id, h.stage_id, d.owner_id, (h.entered_at AT TIME ZONE 'UTC')::date, count(*), sum(extract(epoch FROM h.left_at - h.entered_at))
      FROM reporting.deal_stage_history h JOIN reporting.deals d ON d.workspace_id = h.workspace_id AND d.id = h.deal_id
      WHERE d.deleted_at IS NULL AND h.left_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5`);
    for (const table of tables) await queryRunner.query(`ALTER TABLE reporting.${table} FORCE ROW LEVEL SECURITY`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TOTALS) await queryRunner.query(`DROP TABLE reporting.${table}`);
  }
}
