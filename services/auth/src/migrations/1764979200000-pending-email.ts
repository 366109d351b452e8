import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An email change waits for the new address to be proven: users.pending_email holds the address
 * asked for, and an `email_change` one-time token, sent to it, makes it the account's address.
 */
export class PendingEmail1764979200000 implements MigrationInterface {
  name = 'PendingEmail1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth.users ADD COLUMN pending_email text CHECK (pending_email = lower(pending_email))');
    await queryRunner.query('ALTER TABLE auth.one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check');
    await queryRunner.query(
      `ALTER TABLE auth.one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check CHECK (purpose IN ('password_reset', 'email_verification', 'email_change'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM auth.one_time_tokens WHERE purpose = 'email_change'`);
    await queryRunner.query('ALTER TABLE auth.one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check');
    await queryRunner.query(
      `ALTER TABLE auth.one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check CHECK (purpose IN ('password_reset', 'email_verification'))`,
    );
    await queryRunner.query('ALTER TABLE auth.users DROP COLUMN pending_email');
  }
}
