import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A one-time link is requested first (the row, with no token yet) and its token minted when
 * notifications asks for it to send the email (auth.one-time-tokens.issue), so that events
 * never carry the token: token_hash is null until then.
 */
export class OneTimeTokenRequests1796409600000 implements MigrationInterface {
  name = 'OneTimeTokenRequests1796409600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth.one_time_tokens ALTER COLUMN token_hash DROP NOT NULL');
    await queryRunner.query('ALTER TABLE auth.invitations ALTER COLUMN token_hash DROP NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM auth.one_time_tokens WHERE token_hash IS NULL');
    await queryRunner.query('ALTER TABLE auth.one_time_tokens ALTER COLUMN token_hash SET NOT NULL');
    // An invitation never sent cannot be accepted; it stays on record as revoked.
    await queryRunner.query(`UPDATE auth.invitations SET token_hash = 'unsent:' || id, revoked_at = coalesce(revoked_at, now()) WHERE token_hash IS NULL`);
    await queryRunner.query('ALTER TABLE auth.invitations ALTER COLUMN token_hash SET NOT NULL');
  }
}
