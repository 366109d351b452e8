import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { postgresOptions, runMigrations, runtimeRoleFor } from '../src/index.js';

/** A table only ever appended to: the migration takes UPDATE and DELETE away from the runtime role. */
class AppendOnlyJournal1763683200000 implements MigrationInterface {
  name = 'AppendOnlyJournal1763683200000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE ledger.journal (id serial PRIMARY KEY, entry text)');
    await queryRunner.query(`REVOKE UPDATE, DELETE ON ledger.journal FROM ${runtimeRoleFor('ledger')}`);
  }
  async down(): Promise<void> {}
}

describe('runMigrations and the runtime role', () => {
  let environment: TestEnvironment;
  let owner: DataSource;
  const role = runtimeRoleFor('ledger');
  const can = async (table: string, privilege: string) =>
    ((await owner.query('SELECT has_table_privilege($1, $2, $3) AS yes', [role, table, privilege])) as Array<{ yes: boolean }>)[0]!.yes;

  beforeAll(async () => {
    environment = await createTestEnvironment('migrations');
    owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'ledger', migrations: [AppendOnlyJournal1763683200000] }));
    await owner.initialize();
    // A table left by a release from before the runtime role existed.
    await owner.query('CREATE SCHEMA ledger');
    await owner.query('CREATE TABLE ledger.accounts (id serial PRIMARY KEY, name text)');
    await runMigrations(owner, 'ledger');
  });

  afterAll(async () => {
    await owner?.destroy();
    await environment?.dispose();
  });

  it('lets the runtime role read and write a table made before it existed', async () => {
    for (const privilege of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) expect(await can('ledger.accounts', privilege)).toBe(true);
  });

  it('keeps a privilege a migration took away, also when migrations run again', async () => {
    await runMigrations(owner, 'ledger');
    expect(await can('ledger.journal', 'INSERT')).toBe(true);
    expect(await can('ledger.journal', 'UPDATE')).toBe(false);
    expect(await can('ledger.journal', 'DELETE')).toBe(false);
  });

  it('gives the runtime role no DDL on the schema', async () => {
    const [{ yes }] = (await owner.query("SELECT has_schema_privilege($1, 'ledger', 'CREATE') AS yes", [role])) as Array<{ yes: boolean }>;
    expect(yes).toBe(false);
  });
});
