import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's balance check (billing.check_ledger_balanced, 1765100000000) runs as the schema's
 * owner. Run as the service's role, row-level security added the workspace to its query, and with
 * statistics taken while the workspace's ledger was small the planner read the entries through
 * the workspace's index, all of them, on every posting (5 ms per payment at 7,000 entries, growing
 * with the ledger). As the owner the query has only the posting's transaction ids to go by, so it
 * reads their entries through the transaction index. It reads entries of the transactions just
 * written and answers nothing but an error naming one of them.
 */
export class LedgerBalanceCheckAsOwner1765150000000 implements MigrationInterface {
  name = 'LedgerBalanceCheckAsOwner1765150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION billing.check_ledger_balanced() SECURITY DEFINER SET search_path = pg_catalog, billing`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION billing.check_ledger_balanced() SECURITY INVOKER RESET search_path`);
  }
}
