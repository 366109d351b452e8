import { rowLevelSecuritySql } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound email (issue 15 item 4). inbound_mailboxes routes support+<slug>@INBOUND_DOMAIN to its
 * workspace: it is looked up before any workspace is known, so it has no row-level security (it holds
 * no business data, only the slug). inbound_emails records every accepted email once per workspace
 * and Message-ID, and what became of it.
 */
export class InboundEmailTables1765130000000 implements MigrationInterface {
  name = 'InboundEmailTables1765130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE notifications.inbound_mailboxes (
      workspace_id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$'),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(`CREATE TABLE notifications.inbound_emails (
      id uuid PRIMARY KEY,
      workspace_id uuid NOT NULL,
      message_id text NOT NULL,
      from_address text NOT NULL,
      subject text NOT NULL,
      size integer NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('received', 'auto_reply', 'bounce', 'bulk', 'loop')),
      received_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, message_id)
    )`);
    for (const statement of rowLevelSecuritySql('notifications', 'inbound_emails')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notifications.inbound_emails');
    await queryRunner.query('DROP TABLE notifications.inbound_mailboxes');
  }
}
