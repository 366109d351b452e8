import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TENANT_TABLES = ['pipelines', 'stages', 'deals', 'deal_stage_history', 'contacts', 'contact_lifecycle_history', 'tasks'];

// Read models kept from crm's events. No foreign keys: events of different aggregates may arrive
// in any order (a deal before its pipeline), and a read model must take what comes.
const CREATE_TABLES = [
  `CREATE TABLE reporting.pipelines (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  // A stage dropped from its pipeline's board stays here with removed_at, so deals and history
  // that name it still show its name.
  `CREATE TABLE reporting.stages (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    pipeline_id uuid NOT NULL,
    name text NOT NULL,
    probability integer NOT NULL,
    position integer NOT NULL,
    kind text NOT NULL,
    removed_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE TABLE reporting.deals (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    pipeline_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    amount bigint NOT NULL,
    currency text NOT NULL,
    owner_id uuid,
    company_id uuid,
    expected_close_date date,
    status text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    closed_at timestamptz,
    lost_reason text,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE INDEX deals_pipeline_idx ON reporting.deals (workspace_id, pipeline_id, status) WHERE deleted_at IS NULL`,
  `CREATE INDEX deals_closed_idx ON reporting.deals (workspace_id, closed_at) WHERE deleted_at IS NULL AND status <> 'open'`,
  `CREATE INDEX deals_expected_close_idx ON reporting.deals (workspace_id, expected_close_date) WHERE deleted_at IS NULL`,
  `CREATE TABLE reporting.deal_stage_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id uuid NOT NULL,
    deal_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at timestamptz
  )`,
  `CREATE INDEX deal_stage_history_deal_idx ON reporting.deal_stage_history (workspace_id, deal_id, entered_at)`,
  `CREATE TABLE reporting.contacts (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    lifecycle_stage text NOT NULL,
    lead_source text,
    owner_id uuid,
    company_id uuid,
    customer_since date,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  `CREATE TABLE reporting.contact_lifecycle_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    lifecycle_stage text NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at timestamptz
  )`,
  `CREATE INDEX contact_lifecycle_history_contact_idx ON reporting.contact_lifecycle_history (workspace_id, contact_id, entered_at)`,
  `CREATE TABLE reporting.tasks (
    workspace_id uuid NOT NULL,
    id uuid NOT NULL,
    assignee_id uuid,
    status text NOT NULL,
    priority text NOT NULL,
    due_at timestamptz,
    completed_at timestamptz,
    created_by uuid,
    related_type text,
    related_id uuid,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (workspace_id, id)
  )`,
  // How far each projection has applied the events stream, across workspaces (a stream position
  // belongs to no tenant): the freshness every report states.
  `CREATE TABLE reporting.projection_positions (
    projection text PRIMARY KEY,
    stream_sequence bigint NOT NULL,
    last_event_id uuid NOT NULL,
    last_occurred_at timestamptz NOT NULL,
    applied_at timestamptz NOT NULL
  )`,
];

/** The read models of pipelines, deals, contacts and tasks, and the stream position each has applied. */
export class ReadModels1765000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of CREATE_TABLES) await queryRunner.query(statement);
    for (const table of TENANT_TABLES) for (const statement of rowLevelSecuritySql('reporting', table)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['projection_positions', ...[...TENANT_TABLES].reverse()]) await queryRunner.query(`DROP TABLE reporting.${table}`);
  }
}
