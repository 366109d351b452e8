import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The additional emails and phones of a row as words: `["a@x.com", "b@y.org"]` → ` a@x.com   b@y.org `. */
const ADDITIONAL_EMAILS = `translate(jsonb_path_query_array(emails, '$[*].email')::text, '[]",', '    ')`;
const ADDITIONAL_PHONES = `translate(jsonb_path_query_array(phones, '$[*].phone')::text, '[]",+', '     ')`;

// The search columns of 1764633600000-crm-tables, with the additional emails and phones.
const SEARCH_COLUMNS = [
  `ALTER TABLE crm.contacts DROP COLUMN search_vector, DROP COLUMN search_text`,
  `ALTER TABLE crm.contacts
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('simple',
        coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' ||
        regexp_replace(coalesce(email, ''), '[@.+_-]', ' ', 'g') || ' ' || coalesce(substr(phone, 2), '') || ' ' ||
        coalesce(company_name, '') || ' ' || ${ADDITIONAL_EMAILS} || ' ' || regexp_replace(${ADDITIONAL_EMAILS}, '[@.+_-]', ' ', 'g') || ' ' ||
        ${ADDITIONAL_PHONES})
    ) STORED,
    ADD COLUMN search_text text GENERATED ALWAYS AS (
      lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' ||
        coalesce(company_name, '') || ' ' || ${ADDITIONAL_EMAILS} || ' ' || translate(jsonb_path_query_array(phones, '$[*].phone')::text, '[]",', '    '))
    ) STORED`,
  `CREATE INDEX contacts_search_idx ON crm.contacts USING gin (search_vector)`,
  `CREATE INDEX contacts_search_trgm_idx ON crm.contacts USING gin (search_text public.gin_trgm_ops)`,
];

// Every email (lower case) and phone (E.164) of every live contact, primary or additional: the
// unique index makes each one belong to one live contact of the workspace, across the primary
// and additional fields (contacts_email_key and contacts_phone_key only compare primaries), and
// imports match rows on it. Triggers keep it: a contact's rows are rewritten when its emails,
// phones or deleted_at change (through the API, imports, merges or restores alike) and exist only
// while it is live, so a write that takes a value another live contact holds fails on
// contact_identities_key.
const IDENTITIES = [
  `CREATE TABLE crm.contact_identities (
    workspace_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('email', 'phone')),
    value text NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, kind, value),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES crm.contacts (workspace_id, id) ON DELETE CASCADE
  )`,
  `CREATE UNIQUE INDEX contact_identities_key ON crm.contact_identities (workspace_id, kind, value)`,
  `CREATE FUNCTION crm.sync_contact_identities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM crm.contact_identities WHERE workspace_id = OLD.workspace_id AND contact_id = OLD.id;
  END IF;
  IF NEW.deleted_at IS NULL THEN
    INSERT INTO crm.contact_identities (workspace_id, contact_id, kind, value)
    SELECT NEW.workspace_id, NEW.id, v.kind, v.value FROM (
      SELECT 'email' AS kind, lower(NEW.email) AS value WHERE NEW.email IS NOT NULL
      UNION SELECT 'email', lower(e->>'email') FROM jsonb_array_elements(NEW.emails) e
      UNION SELECT 'phone', NEW.phone WHERE NEW.phone IS NOT NULL
      UNION SELECT 'phone', p->>'phone' FROM jsonb_array_elements(NEW.phones) p
    ) v;
  END IF;
  RETURN NULL;
END $$`,
  `CREATE TRIGGER contact_identities_on_insert AFTER INSERT ON crm.contacts FOR EACH ROW EXECUTE FUNCTION crm.sync_contact_identities()`,
  `CREATE TRIGGER contact_identities_on_update AFTER UPDATE OF email, phone, emails, phones, deleted_at ON crm.contacts FOR EACH ROW
   WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.phone IS DISTINCT FROM NEW.phone OR OLD.emails IS DISTINCT FROM NEW.emails
     OR OLD.phones IS DISTINCT FROM NEW.phones OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
   EXECUTE FUNCTION crm.sync_contact_identities()`,
  // Existing contacts keep their email and phone as the primary ones. The migration runs as the
  // tables' owner, which row-level security binds (FORCE): lifted for the copy, in this transaction.
  `ALTER TABLE crm.contacts NO FORCE ROW LEVEL SECURITY`,
  `INSERT INTO crm.contact_identities (workspace_id, contact_id, kind, value)
   SELECT workspace_id, id, 'email', lower(email) FROM crm.contacts WHERE deleted_at IS NULL AND email IS NOT NULL
   UNION ALL
   SELECT workspace_id, id, 'phone', phone FROM crm.contacts WHERE deleted_at IS NULL AND phone IS NOT NULL
   ON CONFLICT DO NOTHING`,
  `ALTER TABLE crm.contacts FORCE ROW LEVEL SECURITY`,
  ...rowLevelSecuritySql('crm', 'contact_identities'),
];

const COLUMNS = [
  `ALTER TABLE crm.contacts
    ADD COLUMN phone_extension text CHECK (phone_extension ~ '^[0-9]{1,10}$'),
    ADD COLUMN emails jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(emails) = 'array'),
    ADD COLUMN phones jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phones) = 'array'),
    ADD COLUMN address jsonb,
    ADD COLUMN website text,
    ADD COLUMN linkedin_url text,
    ADD COLUMN timezone text,
    ADD COLUMN birthday date`,
  `ALTER TABLE crm.companies
    ADD COLUMN website text,
    ADD COLUMN linkedin_url text,
    ADD COLUMN employees integer CHECK (employees >= 0),
    ADD COLUMN annual_revenue_amount bigint CHECK (annual_revenue_amount >= 0),
    ADD COLUMN annual_revenue_currency text CHECK (annual_revenue_currency ~ '^[A-Z]{3}$'),
    ADD CONSTRAINT companies_annual_revenue_check CHECK ((annual_revenue_amount IS NULL) = (annual_revenue_currency IS NULL))`,
];

/**
 * Contacts gain an address, additional emails and phones (each unique among live contacts, with
 * the primary ones), the primary phone's extension, website, LinkedIn, time zone and birthday;
 * companies a website, LinkedIn, head count and annual revenue.
 */
export class ContactDetails1765200000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [...COLUMNS, ...SEARCH_COLUMNS, ...IDENTITIES]) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE crm.contact_identities');
    await queryRunner.query('DROP TRIGGER contact_identities_on_update ON crm.contacts');
    await queryRunner.query('DROP TRIGGER contact_identities_on_insert ON crm.contacts');
    await queryRunner.query('DROP FUNCTION crm.sync_contact_identities()');
    await queryRunner.query(`ALTER TABLE crm.companies DROP COLUMN website, DROP COLUMN linkedin_url, DROP COLUMN employees,
      DROP COLUMN annual_revenue_amount, DROP COLUMN annual_revenue_currency`);
    await queryRunner.query(`ALTER TABLE crm.contacts DROP COLUMN search_vector, DROP COLUMN search_text, DROP COLUMN phone_extension, DROP COLUMN emails,
      DROP COLUMN phones, DROP COLUMN address, DROP COLUMN website, DROP COLUMN linkedin_url, DROP COLUMN timezone, DROP COLUMN birthday`);
  }
}
