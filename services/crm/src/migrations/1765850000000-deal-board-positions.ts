import type { MigrationInterface, QueryRunner } from 'typeorm';

// A deal's place in its stage on the board (GET /deals?sort=position, POST /deals/:id/stage with
// beforeDealId/afterDealId; the numbering is explained at DEAL_POSITION_GAP). Deals are numbered in
// the order the board showed them until now, newest first (2^20 apart, the gap of deals.repository.ts).
// The migration runs as the table's owner, which row-level security binds (FORCE): lifted for the
// numbering, in this transaction. The indexes serve the list's sort and the neighbours of a place.
export class DealBoardPositions1765850000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.deals ADD COLUMN board_position bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE crm.deals NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `UPDATE crm.deals d SET board_position = ranked.place * 1048576
         FROM (SELECT id, row_number() OVER (PARTITION BY workspace_id, stage_id ORDER BY created_at DESC, id DESC) AS place FROM crm.deals) ranked
        WHERE d.id = ranked.id`,
    );
    await queryRunner.query(`ALTER TABLE crm.deals FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE INDEX deals_board_position_idx ON crm.deals (workspace_id, board_position, id) WHERE deleted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX deals_stage_position_idx ON crm.deals (workspace_id, stage_id, board_position, id) WHERE deleted_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX crm.deals_stage_position_idx`);
    await queryRunner.query(`DROP INDEX crm.deals_board_position_idx`);
    await queryRunner.query(`ALTER TABLE crm.deals DROP COLUMN board_position`);
  }
}
