import type { MigrationInterface, QueryRunner } from 'typeorm';

// Files attach to invoices too; the invoice is billing's, so record_id is checked with billing, not by a foreign key.
export class InvoiceFiles1765400000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm.file_attachments DROP CONSTRAINT file_attachments_record_type_check`);
    await queryRunner.query(
      `ALTER TABLE crm.file_attachments ADD CONSTRAINT file_attachments_record_type_check CHECK (record_type IN ('contact', 'company', 'deal', 'ticket', 'note', 'invoice'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM crm.file_attachments WHERE record_type = 'invoice'`);
    await queryRunner.query(`ALTER TABLE crm.file_attachments DROP CONSTRAINT file_attachments_record_type_check`);
    await queryRunner.query(
      `ALTER TABLE crm.file_attachments ADD CONSTRAINT file_attachments_record_type_check CHECK (record_type IN ('contact', 'company', 'deal', 'ticket', 'note'))`,
    );
  }
}
