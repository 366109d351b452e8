import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const FILLED = ['contacts', 'contact_acquisition_totals'];

/**
 * Customers per owner, lead source and customer-since day, kept by the contacts projection in its
 * statement like the funnel totals: the acquisition report adds these up instead of reading every
 * customer (568 ms of SQL at 1,000,000 contacts, 200,000 of them customers, through the covering
 * index; docs/performance.md). A group no customer is in any more is deleted, so it is always
 * exactly the GROUP BY of the live contacts with a customer-since date. Filled here from what is
 * already projected.
 */
export class ContactAcquisitionTotals1765830000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE reporting.contact_acquisition_totals (
      workspace_id uuid NOT NULL,
      owner_id uuid,
      lead_source text,
      customer_since date NOT NULL,
      customers integer NOT NULL
    )`);
    // A contact without an owner or a lead source is in a group of its own (null), hence NULLS NOT DISTINCT.
    await queryRunner.query(`CREATE UNIQUE INDEX contact_acquisition_totals_group_idx ON reporting.contact_acquisition_totals
      (workspace_id, customer_since, owner_id, lead_source) NULLS NOT DISTINCT`);
    for (const statement of rowLevelSecuritySql('reporting', 'contact_acquisition_totals')) await queryRunner.query(statement);
    // The owner that runs the migrations is bound by the FORCEd row-level security (no workspace is set here) unless it is lifted for the fill.
    for (const table of FILLED) await queryRunner.query(`ALTER TABLE reporting.${table} NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`INSERT INTO reporting.contact_acquisition_totals (workspace_id, owner_id, lead_source, customer_since, customers)
      SELECT workspace_id, owner_id, lead_source, customer_since, count(*) FROM reporting.contacts
      WHERE deleted_at IS NULL AND customer_since IS NOT NULL GROUP BY 1, 2, 3, 4`);
    for (const table of FILLED) await queryRunner.query(`ALTER TABLE reporting.${table} FORCE ROW LEVEL SECURITY`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reporting.contact_acquisition_totals');
  }
}
