import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SECURITY_TEMPLATE_KEYS } from '../templates/default-template.js';

/**
 * Security emails (one-time links) are no longer stored with their content: this clears what
 * earlier versions kept of those already sent or failed — the subject (which a workspace's
 * template could make hold the link), and the bodies of failed ones. Queued ones keep theirs
 * until sent, since their jobs carry no content (markSent clears it then).
 */
export class SecurityMessageContent1764979200000 implements MigrationInterface {
  name = 'SecurityMessageContent1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE notifications.messages SET subject = NULL, html = NULL, text = NULL WHERE template_key = ANY($1) AND status <> 'queued'`, [
      [...SECURITY_TEMPLATE_KEYS],
    ]);
  }

  async down(): Promise<void> {
    // What was cleared is gone; nothing to restore.
  }
}
