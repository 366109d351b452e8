import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['templates', 'messages', 'in_app_notifications'];

const CREATE_TABLES = [
  // A workspace's override of a default template (src/templates/defaults); no row means the default.
  `CREATE TABLE notifications.templates (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    key text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT templates_workspace_id_key_key UNIQUE (workspace_id, key)
  )`,
  // One email or SMS to one recipient, rendered when it was queued. Written before the send and
  // locked while sending, it is what keeps a retried or duplicated job from sending twice.
  // dedupe_key names the cause (e.g. "<event id>:email:<user id>"), so a cause queues it once.
  `CREATE TABLE notifications.messages (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    dedupe_key text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    template_key text NOT NULL,
    recipient_user_id uuid,
    recipient_contact_id uuid,
    campaign_id uuid,
    address text NOT NULL,
    subject text,
    html text,
    text text,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    provider_message_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    failed_at timestamptz,
    CONSTRAINT messages_workspace_id_dedupe_key_key UNIQUE (workspace_id, dedupe_key)
  )`,
  `CREATE INDEX messages_workspace_id_status_id_idx ON notifications.messages (workspace_id, status, id DESC)`,
  `CREATE TABLE notifications.in_app_notifications (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    user_id uuid NOT NULL,
    type text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    link text,
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX in_app_notifications_user_idx ON notifications.in_app_notifications (workspace_id, user_id, id DESC)`,
  `CREATE INDEX in_app_notifications_unread_idx ON notifications.in_app_notifications (workspace_id, user_id) WHERE read_at IS NULL`,
];

/** Template overrides, the record of every email and SMS, and in-app notifications. */
export class NotificationsTables1764720000000 implements MigrationInterface {
  name = 'NotificationsTables1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [...CREATE_TABLES, ...TABLES.flatMap((table) => rowLevelSecuritySql('notifications', table))]) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE notifications.${table}`);
  }
}
