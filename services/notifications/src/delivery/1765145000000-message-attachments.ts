import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files an email carries (a scheduled report's CSV): [{filename, contentType, content}], text content only. */
export class MessageAttachments1765145000000 implements MigrationInterface {
  name = 'MessageAttachments1765145000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.messages ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE notifications.messages DROP COLUMN attachments');
  }
}
