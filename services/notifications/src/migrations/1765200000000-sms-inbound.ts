import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = runtimeRoleFor('notifications');
const TABLES = ['sms_settings', 'inbound_sms', 'sms_opt_outs'];

const STATEMENTS = [
  // Delivery reports move messages and campaign recipients past 'sent'.
  `ALTER TABLE notifications.messages DROP CONSTRAINT messages_status_check`,
  `ALTER TABLE notifications.messages ADD CONSTRAINT messages_status_check CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed'))`,
  `ALTER TABLE notifications.messages ADD COLUMN delivered_at timestamptz`,
  `CREATE INDEX messages_sms_provider_message_id_idx ON notifications.messages (provider_message_id) WHERE channel = 'sms' AND provider_message_id IS NOT NULL`,
  `ALTER TABLE notifications.campaign_recipients DROP CONSTRAINT campaign_recipients_status_check`,
  `ALTER TABLE notifications.campaign_recipients ADD CONSTRAINT campaign_recipients_status_check
     CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped_opted_out', 'skipped_no_address', 'cancelled'))`,
  `CREATE INDEX campaign_recipients_provider_message_id_idx ON notifications.campaign_recipients (provider_message_id) WHERE provider_message_id IS NOT NULL`,
  `CREATE INDEX campaign_recipients_address_queued_idx ON notifications.campaign_recipients (workspace_id, address) WHERE status = 'queued'`,
  // The provider's delivery reports, once per (message id, status). They name no workspace: a
  // report may arrive before the send that caused it has committed its provider id, and is
  // applied then. They hold no content: the provider's id, a status, an error code.
  `CREATE TABLE notifications.sms_status_reports (
    message_sid text NOT NULL,
    status text NOT NULL,
    error_code text,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_sid, status)
  )`,
  `CREATE TABLE notifications.sms_settings (
    workspace_id uuid PRIMARY KEY,
    phone_number text UNIQUE,
    help_text text,
    inbound_tickets boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  // One row per inbound text: the record that it took effect once.
  `CREATE TABLE notifications.inbound_sms (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    provider_message_id text NOT NULL,
    from_number text NOT NULL,
    to_number text NOT NULL,
    body text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('stop', 'start', 'help', 'message')),
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inbound_sms_workspace_id_provider_message_id_key UNIQUE (workspace_id, provider_message_id)
  )`,
  // Numbers that texted STOP, until they text START: campaigns skip them even before crm's smsOptOut catches up.
  `CREATE TABLE notifications.sms_opt_outs (
    workspace_id uuid NOT NULL,
    phone text NOT NULL,
    opted_out_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, phone)
  )`,
];

/**
 * Provider webhooks arrive without a workspace, and row-level security hides every row until one
 * is set. These functions run as the schema's owner and answer only which workspace a receiving
 * number or a provider message id belongs to; everything else is read and written under RLS.
 */
const LOOKUPS = [
  `CREATE POLICY owner_sms_lookup ON notifications.sms_settings FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_sms_lookup ON notifications.messages FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_sms_lookup ON notifications.campaign_recipients FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE FUNCTION notifications.sms_number_workspace(number text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, notifications AS $$
    SELECT workspace_id FROM notifications.sms_settings WHERE phone_number = number
  $$`,
  `CREATE FUNCTION notifications.sms_message_workspace(sid text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, notifications AS $$
    SELECT workspace_id FROM notifications.messages WHERE channel = 'sms' AND provider_message_id = sid
    UNION ALL
    SELECT workspace_id FROM notifications.campaign_recipients WHERE provider_message_id = sid
    LIMIT 1
  $$`,
  `REVOKE ALL ON FUNCTION notifications.sms_number_workspace(text) FROM PUBLIC`,
  `REVOKE ALL ON FUNCTION notifications.sms_message_workspace(text) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION notifications.sms_number_workspace(text) TO ${APP_ROLE}`,
  `GRANT EXECUTE ON FUNCTION notifications.sms_message_workspace(text) TO ${APP_ROLE}`,
];

/** SMS delivery reports, inbound texts, the receiving number per workspace, and STOP kept by number. */
export class SmsInbound1765200000000 implements MigrationInterface {
  name = 'SmsInbound1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [...STATEMENTS, ...TABLES.flatMap((table) => rowLevelSecuritySql('notifications', table)), ...LOOKUPS])
      await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      'DROP FUNCTION notifications.sms_message_workspace(text)',
      'DROP FUNCTION notifications.sms_number_workspace(text)',
      'DROP POLICY owner_sms_lookup ON notifications.messages',
      'DROP POLICY owner_sms_lookup ON notifications.campaign_recipients',
      'DROP TABLE notifications.sms_opt_outs',
      'DROP TABLE notifications.inbound_sms',
      'DROP TABLE notifications.sms_settings',
      'DROP TABLE notifications.sms_status_reports',
      'DROP INDEX notifications.campaign_recipients_address_queued_idx',
      'DROP INDEX notifications.campaign_recipients_provider_message_id_idx',
      'DROP INDEX notifications.messages_sms_provider_message_id_idx',
      'ALTER TABLE notifications.messages DROP COLUMN delivered_at',
      // What a delivery report moved on counts as sent again under the earlier statuses.
      `UPDATE notifications.messages SET status = 'sent' WHERE status IN ('delivered', 'undelivered')`,
      'ALTER TABLE notifications.messages DROP CONSTRAINT messages_status_check',
      `ALTER TABLE notifications.messages ADD CONSTRAINT messages_status_check CHECK (status IN ('queued', 'sent', 'failed'))`,
      `UPDATE notifications.campaign_recipients SET status = 'sent' WHERE status IN ('delivered', 'undelivered')`,
      'ALTER TABLE notifications.campaign_recipients DROP CONSTRAINT campaign_recipients_status_check',
      `ALTER TABLE notifications.campaign_recipients ADD CONSTRAINT campaign_recipients_status_check
         CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped_opted_out', 'skipped_no_address', 'cancelled'))`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
