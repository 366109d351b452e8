import { runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// What a contact write costs, for imports (issue #17, docs/performance.md "Imports, issue #17"):
// - contacts_email_key only repeats contact_identities_key, which keeps every email (lower case) of
//   a live contact, the primary one included, to one live contact, and no query reads it (the
//   duplicates listing reads contacts_email_duplicates_idx). contacts_phone_key stays: the listing
//   of phone duplicates reads it in order.
// - The identities of inserted contacts are written once per statement from its transition table
//   (an import inserts thousands at once) instead of by a trigger call per row.
// - A long import grows the table faster than statistics follow (this server runs without
//   autovacuum; with it, its analyze may lag a big import by minutes), and the planner, taking the
//   workspace for small, then reads all of it to match each batch. The crm's role does not own
//   the tables, so it asks for ANALYZE through a definer function that only analyses the two
//   tables an import matches on, once either changed by half since its last analyze: estimates
//   stay within 1.5× (plans hold), and a million-row import pays a handful of analyses (each
//   samples 30,000 rows, ~1–3 s here) instead of one every few batches.
const STATEMENTS = [
  `DROP INDEX crm.contacts_email_key`,
  `CREATE FUNCTION crm.insert_contact_identities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO crm.contact_identities (workspace_id, contact_id, kind, value)
  SELECT n.workspace_id, n.id, v.kind, v.value FROM inserted_contacts n
  CROSS JOIN LATERAL (
    SELECT 'email' AS kind, lower(n.email) AS value WHERE n.email IS NOT NULL
    UNION SELECT 'email', lower(e->>'email') FROM jsonb_array_elements(n.emails) e
    UNION SELECT 'phone', n.phone WHERE n.phone IS NOT NULL
    UNION SELECT 'phone', p->>'phone' FROM jsonb_array_elements(n.phones) p
  ) v
  WHERE n.deleted_at IS NULL;
  RETURN NULL;
END $$`,
  `DROP TRIGGER contact_identities_on_insert ON crm.contacts`,
  `CREATE TRIGGER contact_identities_on_insert AFTER INSERT ON crm.contacts REFERENCING NEW TABLE AS inserted_contacts
   FOR EACH STATEMENT EXECUTE FUNCTION crm.insert_contact_identities()`,
  // Above autovacuum's own analyze threshold (50 rows + 10 %): with autovacuum on, it usually got
  // there first and this does nothing. A lock held elsewhere (autovacuum at work) is not waited for.
  `CREATE FUNCTION crm.analyze_grown_contacts() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, crm SET lock_timeout = '100ms' AS $$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE s.schemaname = 'crm' AND s.relname IN ('contacts', 'contact_identities')
       AND s.n_mod_since_analyze > 1000 + 0.5 * greatest(c.reltuples, 0)
  ) THEN
    RETURN false;
  END IF;
  ANALYZE crm.contacts, crm.contact_identities;
  RETURN true;
EXCEPTION WHEN lock_not_available THEN
  RETURN false;
END $$`,
  `REVOKE ALL ON FUNCTION crm.analyze_grown_contacts() FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION crm.analyze_grown_contacts() TO ${runtimeRoleFor('crm')}`,
];

export class ContactImportWrites1765720000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION crm.analyze_grown_contacts()');
    await queryRunner.query('DROP TRIGGER contact_identities_on_insert ON crm.contacts');
    await queryRunner.query('DROP FUNCTION crm.insert_contact_identities()');
    await queryRunner.query(
      'CREATE TRIGGER contact_identities_on_insert AFTER INSERT ON crm.contacts FOR EACH ROW EXECUTE FUNCTION crm.sync_contact_identities()',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX contacts_email_key ON crm.contacts (workspace_id, lower(email)) WHERE deleted_at IS NULL AND email IS NOT NULL',
    );
  }
}
