import type { MigrationInterface, QueryRunner } from 'typeorm';

// GET /contacts/duplicates groups live contacts by these keys in index order, so a page reads
// the index from the cursor on instead of sorting the workspace's contacts. Phones need none:
// contacts_phone_key is (workspace_id, phone) over live contacts already.
const STATEMENTS = [
  `CREATE INDEX contacts_email_duplicates_idx ON crm.contacts (workspace_id, lower(trim(email))) WHERE deleted_at IS NULL AND email IS NOT NULL`,
  `CREATE INDEX contacts_name_company_duplicates_idx ON crm.contacts (workspace_id, company_id, lower(trim(first_name)), lower(trim(last_name)))
   WHERE deleted_at IS NULL AND company_id IS NOT NULL AND first_name IS NOT NULL AND last_name IS NOT NULL`,
];

/** Indexes of the duplicate contact finder. */
export class ContactDuplicates1764634600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX crm.contacts_name_company_duplicates_idx');
    await queryRunner.query('DROP INDEX crm.contacts_email_duplicates_idx');
  }
}
