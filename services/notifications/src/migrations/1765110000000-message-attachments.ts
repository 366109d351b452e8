import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files an email carries (an invoice's PDF): references into the file store, read when the email is sent. */
export class MessageAttachments1765110000000 implements MigrationInterface {
  name = 'MessageAttachments1765110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.messages ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.messages DROP COLUMN attachments`);
  }
}
