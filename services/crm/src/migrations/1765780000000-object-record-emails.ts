import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The email-field values of the live records among `records`, lower case (the fields' types come from their object's definition). */
const EMAILS_OF = (records: string) => `
  SELECT n.workspace_id, n.object_id, n.id, f->>'key', lower(n.values->>(f->>'key'))
  FROM ${records}
  JOIN crm.object_definitions d ON d.workspace_id = n.workspace_id AND d.id = n.object_id
  CROSS JOIN LATERAL jsonb_array_elements(d.fields) f
  WHERE n.deleted_at IS NULL AND f->>'type' = 'email' AND jsonb_typeof(n.values->(f->>'key')) = 'string'`;

// Imports of custom-object records match rows on an email field ignoring case, as contacts match on
// contact_identities: every email-field value of every live record, lower case, in a table of its
// own whose btree serves the lookup (text equality is leakproof, so it serves it under row-level
// security, which neither a containment on values nor an array overlap would). Triggers keep it,
// as contact_identities: inserts once per statement (an import inserts thousands at once), updates
// per row when the values or deleted_at change. Field keys and types never change; removing a field
// rewrites the values that held it.
const STATEMENTS = [
  `CREATE TABLE crm.object_record_emails (
    workspace_id uuid NOT NULL,
    object_id uuid NOT NULL,
    record_id uuid NOT NULL REFERENCES crm.object_records (id) ON DELETE CASCADE,
    field text NOT NULL,
    email text NOT NULL,
    PRIMARY KEY (workspace_id, record_id, field)
  )`,
  `CREATE INDEX object_record_emails_match_idx ON crm.object_record_emails (workspace_id, object_id, field, email)`,
  `CREATE FUNCTION crm.insert_object_record_emails() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO crm.object_record_emails (workspace_id, object_id, record_id, field, email) ${EMAILS_OF('inserted_records n')};
  RETURN NULL;
END $$`,
  `CREATE FUNCTION crm.sync_object_record_emails() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM crm.object_record_emails WHERE workspace_id = OLD.workspace_id AND record_id = OLD.id;
  INSERT INTO crm.object_record_emails (workspace_id, object_id, record_id, field, email) ${EMAILS_OF('(SELECT NEW.*) n')};
  RETURN NULL;
END $$`,
  `CREATE TRIGGER object_record_emails_on_insert AFTER INSERT ON crm.object_records REFERENCING NEW TABLE AS inserted_records
   FOR EACH STATEMENT EXECUTE FUNCTION crm.insert_object_record_emails()`,
  `CREATE TRIGGER object_record_emails_on_update AFTER UPDATE OF values, deleted_at ON crm.object_records FOR EACH ROW
   WHEN (OLD.values IS DISTINCT FROM NEW.values OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
   EXECUTE FUNCTION crm.sync_object_record_emails()`,
  // Existing records: the migration runs as the tables' owner, which row-level security binds (FORCE),
  // lifted for the copy in this transaction.
  `ALTER TABLE crm.object_records NO FORCE ROW LEVEL SECURITY`,
  `ALTER TABLE crm.object_definitions NO FORCE ROW LEVEL SECURITY`,
  `INSERT INTO crm.object_record_emails (workspace_id, object_id, record_id, field, email) ${EMAILS_OF('crm.object_records n')}`,
  `ALTER TABLE crm.object_definitions FORCE ROW LEVEL SECURITY`,
  `ALTER TABLE crm.object_records FORCE ROW LEVEL SECURITY`,
  ...rowLevelSecuritySql('crm', 'object_record_emails'),
  // An import grows this table with the records: its statistics follow as theirs do (1765740200000).
  analyzeGrown(['object_records', 'object_record_emails']),
];

function analyzeGrown(tables: string[]): string {
  const names = tables.map((table) => `'${table}'`).join(', ');
  return `CREATE OR REPLACE FUNCTION crm.analyze_grown_object_records() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, crm SET lock_timeout = '100ms' AS $$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE s.schemaname = 'crm' AND s.relname IN (${names}) AND s.n_mod_since_analyze > 1000 + 0.5 * greatest(c.reltuples, 0)
  ) THEN
    RETURN false;
  END IF;
  ANALYZE ${tables.map((table) => `crm.${table}`).join(', ')};
  RETURN true;
EXCEPTION WHEN lock_not_available THEN
  RETURN false;
END $$`;
}

export class ObjectRecordEmails1765780000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(analyzeGrown(['object_records']));
    await queryRunner.query('DROP TRIGGER object_record_emails_on_update ON crm.object_records');
    await queryRunner.query('DROP TRIGGER object_record_emails_on_insert ON crm.object_records');
    await queryRunner.query('DROP FUNCTION crm.sync_object_record_emails()');
    await queryRunner.query('DROP FUNCTION crm.insert_object_record_emails()');
    await queryRunner.query('DROP TABLE crm.object_record_emails');
  }
}
