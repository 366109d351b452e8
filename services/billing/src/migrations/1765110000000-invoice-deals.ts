import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The crm deal an invoice bills (POST /invoices {dealId}); crm's id, so no foreign key. */
export class InvoiceDeals1765110000000 implements MigrationInterface {
  name = 'InvoiceDeals1765110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE billing.invoices ADD COLUMN deal_id uuid`);
    await queryRunner.query(`CREATE INDEX invoices_deal_idx ON billing.invoices (workspace_id, deal_id) WHERE deal_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE billing.invoices DROP COLUMN deal_id`);
  }
}
