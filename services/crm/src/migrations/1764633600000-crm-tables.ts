import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = [
  'workspace_settings',
  'companies',
  'contacts',
  'pipelines',
  'pipeline_stages',
  'deals',
  'deal_contacts',
  'deal_stage_changes',
  'tasks',
  'notes',
  'custom_field_definitions',
  'segments',
  'segment_contacts',
  'timeline_entries',
];

const LIFECYCLE_STAGES = `('subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other')`;
const RELATED_TYPES = `('contact', 'company', 'deal')`;

// Conventions: every business row has workspace_id (row-level security) and, where it can be
// deleted, deleted_at (soft delete). Uniqueness "among live records" is a partial unique index
// WHERE deleted_at IS NULL, so two concurrent creates cannot both win and a deleted record frees
// its email, phone or domain. Foreign keys include workspace_id, so no row can point into
// another workspace.
const CREATE_TABLES = [
  // pg_trgm is a trusted extension: a database owner without superuser may create it.
  `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`,
  `CREATE TABLE crm.workspace_settings (
    workspace_id uuid PRIMARY KEY,
    default_phone_region text NOT NULL DEFAULT 'US' CHECK (default_phone_region ~ '^[A-Z]{2}$'),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE crm.companies (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    domain text CHECK (domain = lower(domain)),
    industry text,
    size text,
    phone text,
    address jsonb,
    owner_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    search_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(domain, '') || ' ' || regexp_replace(coalesce(domain, ''), '[.-]', ' ', 'g'))
    ) STORED,
    search_text text GENERATED ALWAYS AS (lower(coalesce(name, '') || ' ' || coalesce(domain, '') || ' ' || coalesce(phone, ''))) STORED,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT companies_workspace_id_id_key UNIQUE (workspace_id, id)
  )`,
  `CREATE UNIQUE INDEX companies_domain_key ON crm.companies (workspace_id, domain) WHERE deleted_at IS NULL AND domain IS NOT NULL`,
  `CREATE INDEX companies_created_idx ON crm.companies (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX companies_name_idx ON crm.companies (workspace_id, lower(name), id) WHERE deleted_at IS NULL`,
  `CREATE INDEX companies_owner_idx ON crm.companies (workspace_id, owner_id) WHERE deleted_at IS NULL`,
  `CREATE INDEX companies_search_idx ON crm.companies USING gin (search_vector)`,
  `CREATE INDEX companies_search_trgm_idx ON crm.companies USING gin (search_text public.gin_trgm_ops)`,
  // company_name is a copy of the company's name, kept so that a search over contacts can match
  // the company without a join; the companies feature keeps it current on rename.
  `CREATE TABLE crm.contacts (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    first_name text,
    last_name text,
    email text,
    phone text CHECK (phone ~ '^\\+[1-9][0-9]{1,14}$'),
    job_title text,
    company_id uuid,
    company_name text,
    owner_id uuid,
    lifecycle_stage text NOT NULL DEFAULT 'lead' CHECK (lifecycle_stage IN ${LIFECYCLE_STAGES}),
    lead_source text,
    customer_since date,
    tags text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    email_opt_out boolean NOT NULL DEFAULT false,
    sms_opt_out boolean NOT NULL DEFAULT false,
    merged_into_id uuid,
    search_vector tsvector GENERATED ALWAYS AS (
      to_tsvector('simple',
        coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' ||
        regexp_replace(coalesce(email, ''), '[@.+_-]', ' ', 'g') || ' ' || coalesce(substr(phone, 2), '') || ' ' ||
        coalesce(company_name, ''))
    ) STORED,
    search_text text GENERATED ALWAYS AS (
      lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(company_name, ''))
    ) STORED,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT contacts_workspace_id_id_key UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES crm.companies (workspace_id, id)
  )`,
  `CREATE UNIQUE INDEX contacts_email_key ON crm.contacts (workspace_id, lower(email)) WHERE deleted_at IS NULL AND email IS NOT NULL`,
  `CREATE UNIQUE INDEX contacts_phone_key ON crm.contacts (workspace_id, phone) WHERE deleted_at IS NULL AND phone IS NOT NULL`,
  `CREATE INDEX contacts_created_idx ON crm.contacts (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX contacts_updated_idx ON crm.contacts (workspace_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX contacts_last_name_idx ON crm.contacts (workspace_id, lower(coalesce(last_name, '')), id) WHERE deleted_at IS NULL`,
  `CREATE INDEX contacts_lifecycle_idx ON crm.contacts (workspace_id, lifecycle_stage, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX contacts_company_idx ON crm.contacts (workspace_id, company_id) WHERE deleted_at IS NULL`,
  `CREATE INDEX contacts_owner_idx ON crm.contacts (workspace_id, owner_id) WHERE deleted_at IS NULL`,
  `CREATE INDEX contacts_tags_idx ON crm.contacts USING gin (tags)`,
  `CREATE INDEX contacts_search_idx ON crm.contacts USING gin (search_vector)`,
  `CREATE INDEX contacts_search_trgm_idx ON crm.contacts USING gin (search_text public.gin_trgm_ops)`,
  `CREATE INDEX contacts_deleted_idx ON crm.contacts (workspace_id, deleted_at DESC) WHERE deleted_at IS NOT NULL`,
  `CREATE TABLE crm.pipelines (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT pipelines_workspace_id_id_key UNIQUE (workspace_id, id)
  )`,
  `CREATE UNIQUE INDEX pipelines_default_key ON crm.pipelines (workspace_id) WHERE is_default AND deleted_at IS NULL`,
  `CREATE UNIQUE INDEX pipelines_name_key ON crm.pipelines (workspace_id, lower(name)) WHERE deleted_at IS NULL`,
  `CREATE TABLE crm.pipeline_stages (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    pipeline_id uuid NOT NULL,
    name text NOT NULL,
    probability integer NOT NULL CHECK (probability BETWEEN 0 AND 100),
    position integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    deleted_at timestamptz,
    CONSTRAINT pipeline_stages_workspace_id_id_key UNIQUE (workspace_id, id),
    CONSTRAINT pipeline_stages_pipeline_stage_key UNIQUE (workspace_id, pipeline_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES crm.pipelines (workspace_id, id)
  )`,
  `CREATE INDEX pipeline_stages_pipeline_idx ON crm.pipeline_stages (workspace_id, pipeline_id, position)`,
  // A deal's stage belongs to its pipeline: the foreign key on (pipeline_id, stage_id) makes a
  // stage of another pipeline impossible, whatever the code does.
  `CREATE TABLE crm.deals (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    amount bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    pipeline_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    company_id uuid,
    owner_id uuid,
    expected_close_date date,
    description text,
    lost_reason text,
    closed_at timestamptz,
    stage_entered_at timestamptz NOT NULL DEFAULT now(),
    custom_fields jsonb NOT NULL DEFAULT '{}',
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT deals_workspace_id_id_key UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id, stage_id) REFERENCES crm.pipeline_stages (workspace_id, pipeline_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES crm.companies (workspace_id, id)
  )`,
  `CREATE INDEX deals_created_idx ON crm.deals (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_stage_idx ON crm.deals (workspace_id, pipeline_id, stage_id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_company_idx ON crm.deals (workspace_id, company_id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_owner_idx ON crm.deals (workspace_id, owner_id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_close_date_idx ON crm.deals (workspace_id, expected_close_date, id) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_search_idx ON crm.deals USING gin (search_vector)`,
  `CREATE TABLE crm.deal_contacts (
    workspace_id uuid NOT NULL,
    deal_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    PRIMARY KEY (workspace_id, deal_id, contact_id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES crm.deals (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES crm.contacts (workspace_id, id)
  )`,
  `CREATE INDEX deal_contacts_contact_idx ON crm.deal_contacts (workspace_id, contact_id)`,
  `CREATE TABLE crm.deal_stage_changes (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    deal_id uuid NOT NULL,
    from_stage_id uuid,
    to_stage_id uuid NOT NULL,
    lost_reason text,
    changed_by uuid,
    changed_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES crm.deals (workspace_id, id)
  )`,
  `CREATE INDEX deal_stage_changes_deal_idx ON crm.deal_stage_changes (workspace_id, deal_id, changed_at DESC)`,
  `CREATE TABLE crm.tasks (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    due_at timestamptz,
    priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    assignee_id uuid,
    related_type text CHECK (related_type IN ${RELATED_TYPES}),
    related_id uuid,
    completed_at timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CHECK ((related_type IS NULL) = (related_id IS NULL))
  )`,
  `CREATE INDEX tasks_created_idx ON crm.tasks (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX tasks_assignee_idx ON crm.tasks (workspace_id, assignee_id, status, due_at) WHERE deleted_at IS NULL`,
  `CREATE INDEX tasks_related_idx ON crm.tasks (workspace_id, related_type, related_id) WHERE deleted_at IS NULL`,
  `CREATE TABLE crm.notes (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    body text NOT NULL,
    related_type text NOT NULL CHECK (related_type IN ${RELATED_TYPES}),
    related_id uuid NOT NULL,
    author_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
  )`,
  `CREATE INDEX notes_created_idx ON crm.notes (workspace_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX notes_related_idx ON crm.notes (workspace_id, related_type, related_id, created_at DESC) WHERE deleted_at IS NULL`,
  `CREATE TABLE crm.custom_field_definitions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    entity text NOT NULL CHECK (entity IN ('contact', 'company', 'deal')),
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    label text NOT NULL,
    type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean', 'select')),
    options text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
  )`,
  `CREATE UNIQUE INDEX custom_field_definitions_key ON crm.custom_field_definitions (workspace_id, entity, key) WHERE deleted_at IS NULL`,
  `CREATE TABLE crm.segments (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('static', 'dynamic')),
    filter jsonb,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT segments_workspace_id_id_key UNIQUE (workspace_id, id),
    CHECK ((kind = 'dynamic') = (filter IS NOT NULL))
  )`,
  `CREATE TABLE crm.segment_contacts (
    workspace_id uuid NOT NULL,
    segment_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, segment_id, contact_id),
    FOREIGN KEY (workspace_id, segment_id) REFERENCES crm.segments (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES crm.contacts (workspace_id, id)
  )`,
  `CREATE INDEX segment_contacts_contact_idx ON crm.segment_contacts (workspace_id, contact_id)`,
  // What other services tell about a record (emails sent, invoices), kept locally for timelines,
  // and crm's own happenings that have no table of their own (merges). source_event_id makes a
  // redelivered event a no-op.
  `CREATE TABLE crm.timeline_entries (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    subject_type text NOT NULL CHECK (subject_type IN ${RELATED_TYPES}),
    subject_id uuid NOT NULL,
    kind text NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor_id uuid,
    data jsonb NOT NULL DEFAULT '{}',
    source_event_id uuid,
    CONSTRAINT timeline_entries_source_key UNIQUE (source_event_id, subject_type, subject_id)
  )`,
  `CREATE INDEX timeline_entries_subject_idx ON crm.timeline_entries (workspace_id, subject_type, subject_id, occurred_at DESC)`,
];

/** The crm service's records: contacts, companies, pipelines, deals, tasks, notes, segments, custom fields, timeline. */
export class CrmTables1764633600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of CREATE_TABLES) await queryRunner.query(statement);
    for (const table of TABLES) for (const statement of rowLevelSecuritySql('crm', table)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE crm.${table}`);
  }
}
