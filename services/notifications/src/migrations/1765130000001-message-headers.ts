import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Threading headers of an email (an agent's reply to a ticket's thread): Message-ID, In-Reply-To, References, Reply-To. */
export class MessageHeaders1765130000001 implements MigrationInterface {
  name = 'MessageHeaders1765130000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.messages ADD COLUMN headers jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.messages DROP COLUMN headers`);
  }
}
