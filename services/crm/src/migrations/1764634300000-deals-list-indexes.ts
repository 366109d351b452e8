import type { MigrationInterface, QueryRunner } from 'typeorm';

// Indexes for the sorts GET /deals allows (amount, name, expectedCloseDate with unknown dates
// last, updatedAt; createdAt has deals_created_idx) and for `?q=` inside deal names.
const STATEMENTS = [
  `CREATE INDEX deals_amount_idx ON crm.deals (workspace_id, amount, id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_name_idx ON crm.deals (workspace_id, lower(name), id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_close_date_sort_idx ON crm.deals (workspace_id, coalesce(expected_close_date, 'infinity'::date), id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_updated_idx ON crm.deals (workspace_id, updated_at, id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_name_trgm_idx ON crm.deals USING gin (lower(name) public.gin_trgm_ops)`,
  `CREATE INDEX deals_deleted_idx ON crm.deals (workspace_id, deleted_at DESC) WHERE deleted_at IS NOT NULL`,
];

/** Sort and search indexes of the deal list. */
export class DealsListIndexes1764634300000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['deals_amount_idx', 'deals_name_idx', 'deals_close_date_sort_idx', 'deals_updated_idx', 'deals_name_trgm_idx', 'deals_deleted_idx']) {
      await queryRunner.query(`DROP INDEX crm.${name}`);
    }
  }
}
