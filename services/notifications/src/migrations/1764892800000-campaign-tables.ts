import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = runtimeRoleFor('notifications');
const TABLES = ['campaigns', 'campaign_recipients'];

const CREATE_TABLES = [
  // audience is exactly one of {segmentId}, {filter}, {contactIds}; the crm resolves it at send time.
  // audience_cursor is where resolving stopped (the last contact id taken), so a restarted send resumes there.
  `CREATE TABLE notifications.campaigns (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    subject text,
    body text,
    template_id text,
    audience jsonb NOT NULL,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed')),
    scheduled_at timestamptz,
    audience_cursor uuid,
    audience_resolved_at timestamptz,
    failure_reason text,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    cancelled_at timestamptz,
    deleted_at timestamptz
  )`,
  `CREATE INDEX campaigns_workspace_id_id_idx ON notifications.campaigns (workspace_id, id DESC) WHERE deleted_at IS NULL`,
  `CREATE INDEX campaigns_due_idx ON notifications.campaigns (scheduled_at) WHERE status = 'scheduled'`,
  `CREATE INDEX campaigns_sending_idx ON notifications.campaigns (id) WHERE status = 'sending'`,
  // One row per contact of the audience: the idempotency record of the send. A row is claimed
  // ('sending', claimed_until = end of the lease) and committed before its message leaves, and
  // marked 'sent' once the server accepted it. fields are the contact's merge fields as resolved.
  `CREATE TABLE notifications.campaign_recipients (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    campaign_id uuid NOT NULL REFERENCES notifications.campaigns (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL,
    address text,
    fields jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped_opted_out', 'skipped_no_address', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    available_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    provider_message_id text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    unsubscribed_at timestamptz,
    CONSTRAINT campaign_recipients_campaign_id_contact_id_key UNIQUE (campaign_id, contact_id)
  )`,
  `CREATE INDEX campaign_recipients_claim_idx ON notifications.campaign_recipients (campaign_id, id) WHERE status IN ('queued', 'sending')`,
  `CREATE INDEX campaign_recipients_log_idx ON notifications.campaign_recipients (campaign_id, status, id)`,
];

/**
 * Campaigns of every workspace are started and resumed by one poller, and row-level security
 * hides every row until a workspace is set. This function runs as the schema's owner: it moves
 * due scheduled campaigns to 'sending' and names every campaign that is sending, nothing more;
 * the worker reads and writes each under RLS. The owner needs policies of its own, since FORCE binds it too.
 */
const RUNNER = [
  `CREATE POLICY owner_campaign_runner ON notifications.campaigns FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_campaign_runner_start ON notifications.campaigns FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true)`,
  `CREATE FUNCTION notifications.campaigns_to_run()
    RETURNS TABLE (campaign_id uuid, workspace_id uuid, audience_resolved boolean)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, notifications AS $$
    WITH due AS (
      UPDATE notifications.campaigns c SET status = 'sending', started_at = now(), updated_at = now()
      WHERE c.status = 'scheduled' AND c.scheduled_at <= now()
      RETURNING c.id, c.workspace_id, false AS audience_resolved
    )
    SELECT id, workspace_id, audience_resolved FROM due
    UNION ALL
    SELECT c.id, c.workspace_id, c.audience_resolved_at IS NOT NULL FROM notifications.campaigns c WHERE c.status = 'sending'
  $$`,
  `REVOKE ALL ON FUNCTION notifications.campaigns_to_run() FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION notifications.campaigns_to_run() TO ${APP_ROLE}`,
];

/** Campaigns and their recipients: the delivery log and the once-per-recipient record of a send. */
export class CampaignTables1764892800000 implements MigrationInterface {
  name = 'CampaignTables1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [...CREATE_TABLES, ...TABLES.flatMap((table) => rowLevelSecuritySql('notifications', table)), ...RUNNER];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION notifications.campaigns_to_run()');
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE notifications.${table}`);
  }
}
