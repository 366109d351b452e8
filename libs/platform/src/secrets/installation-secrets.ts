import { randomBytes } from 'node:crypto';
import { assertIdentifier } from '@kinship/persistence';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing keys only one service reads (the unsubscribe link key, the cursor key): generated at an
 * installation's first start and kept in the service's own schema, so no installation shares one
 * and none is ever a constant in the source. A value set in the environment wins, so operators can
 * pin or rotate a key. Keys that encrypt data kept in the same database must not live here (a copy
 * of the database would carry its own key): those come from the environment (docs/architecture.md).
 */
export class InstallationSecrets {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    this.table = `${assertIdentifier(schema)}.installation_secrets`;
  }

  /**
   * `configured` when set; otherwise the value stored under `name`, generated (32 random bytes,
   * base64url) if there is none yet. Replicas starting together all end with the first one
   * stored: each inserts its candidate only if the name is free, then reads what is there.
   */
  async obtain(name: string, configured: string | undefined): Promise<string> {
    if (configured) return configured;
    await this.dataSource.query(`INSERT INTO ${this.table} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      name,
      randomBytes(32).toString('base64url'),
    ]);
    const rows: Array<{ value: string }> = await this.dataSource.query(`SELECT value FROM ${this.table} WHERE name = $1`, [name]);
    return rows[0]!.value;
  }
}

/** The migration that creates `<schema>.installation_secrets`, for a service that keeps InstallationSecrets. */
export function installationSecretsMigration(schema: string): new () => MigrationInterface {
  const table = `${assertIdentifier(schema)}.installation_secrets`;
  return class InstallationSecrets1764979200000 implements MigrationInterface {
    name = 'InstallationSecrets1764979200000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`CREATE TABLE ${table} (name text PRIMARY KEY, value text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  };
}
