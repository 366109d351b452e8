import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// Custom objects without per-workspace DDL: a definition row per object type (its fields as a JSON
// array), one table of records for every object with their values as JSONB, and a version per
// workspace that every definition change bumps in its own transaction (the crm replicas' cache key).
// Records: GIN (jsonb_path_ops) serves equality filters on any declared field (`values @> …`); the
// searchable fields' text is copied into search_text on every write so `?q=` uses the same prefix
// and trigram indexes as contacts; the (workspace, object, created_at, id) index serves the default
// page order. Measured choices are in docs/crm.md "Custom objects".
const STATEMENTS = [
  `CREATE TABLE crm.object_definitions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    key text NOT NULL,
    singular_label text NOT NULL,
    plural_label text NOT NULL,
    icon text,
    fields jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT object_definitions_key UNIQUE (workspace_id, key),
    CONSTRAINT object_definitions_workspace_id_id_key UNIQUE (workspace_id, id)
  )`,
  `CREATE TABLE crm.object_metadata_versions (
    workspace_id uuid PRIMARY KEY,
    version bigint NOT NULL
  )`,
  `CREATE TABLE crm.object_records (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    object_id uuid NOT NULL,
    values jsonb NOT NULL DEFAULT '{}',
    search_text text NOT NULL DEFAULT '',
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    FOREIGN KEY (workspace_id, object_id) REFERENCES crm.object_definitions (workspace_id, id)
  )`,
  `CREATE INDEX object_records_page_idx ON crm.object_records (workspace_id, object_id, created_at, id) WHERE deleted_at IS NULL`,
  `CREATE INDEX object_records_deleted_idx ON crm.object_records (workspace_id, object_id, deleted_at) WHERE deleted_at IS NOT NULL`,
  `CREATE INDEX object_records_values_idx ON crm.object_records USING gin (values jsonb_path_ops)`,
  `CREATE INDEX object_records_search_idx ON crm.object_records USING gin (search_vector)`,
  `CREATE INDEX object_records_search_trgm_idx ON crm.object_records USING gin (search_text public.gin_trgm_ops)`,
];

// Under row-level security an index serves only a leakproof condition (see
// 1764635200000-search-operators-leakproof.ts): without this, the GIN index on values could never
// serve a filter of the crm's role. jsonb containment raises no error that depends on a row's value.
// Only a superuser may declare it; run by another role, filters stay correct but walk the object.
const CONTAINMENT_LEAKPROOF = `DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION pg_catalog.jsonb_contains(jsonb, jsonb) LEAKPROOF;
  ELSE
    RAISE WARNING 'crm: custom object filters cannot use their index until a superuser runs: ALTER FUNCTION pg_catalog.jsonb_contains(jsonb, jsonb) LEAKPROOF;';
  END IF;
END $$`;

/** Custom object definitions and their records, under row-level security like every crm table. */
export class CustomObjects1765500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const table of ['object_definitions', 'object_metadata_versions', 'object_records']) {
      for (const statement of rowLevelSecuritySql('crm', table)) await queryRunner.query(statement);
    }
    await queryRunner.query(CONTAINMENT_LEAKPROOF);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE crm.object_records');
    await queryRunner.query('DROP TABLE crm.object_metadata_versions');
    await queryRunner.query('DROP TABLE crm.object_definitions');
  }
}
