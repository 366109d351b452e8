import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The keys that sign access tokens. Not tenant data, so no row-level security: only the auth
 * service's role reads the table. The private key is stored encrypted (signing-keys/key-encryption.ts);
 * the public JWK is what the gateway and partners verify with.
 */
export class SigningKeys1796342401000 implements MigrationInterface {
  name = 'SigningKeys1796342401000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE auth.signing_keys (
      kid text PRIMARY KEY,
      algorithm text NOT NULL CHECK (algorithm = 'EdDSA'),
      public_jwk jsonb NOT NULL,
      private_key_encrypted bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz
    )`);
    // At most one current key: replicas that start together race to insert one, and one wins.
    await queryRunner.query('CREATE UNIQUE INDEX signing_keys_one_current_key ON auth.signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth.signing_keys');
  }
}
