import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresOptions, runMigrations, runtimeRoleFor } from '@kinship/persistence';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { InstallationSecrets, installationSecretsMigration } from '../src/secrets/installation-secrets.js';

const SCHEMA = 'secrets_test';

describe('installation secrets', () => {
  let environment: TestEnvironment;
  /** Two replicas of one service: each its own pool, as its runtime role. */
  let replicas: DataSource[];

  beforeAll(async () => {
    environment = await createTestEnvironment('installation-secrets');
    const migrator = new DataSource(
      postgresOptions({ url: environment.databaseUrl, schema: SCHEMA, migrations: [installationSecretsMigration(SCHEMA)], poolSize: 1 }),
    );
    await migrator.initialize();
    await runMigrations(migrator, SCHEMA);
    await migrator.destroy();
    replicas = [
      new DataSource(postgresOptions({ url: environment.databaseUrl, schema: SCHEMA, runtimeRole: runtimeRoleFor(SCHEMA), poolSize: 4 })),
      new DataSource(postgresOptions({ url: environment.databaseUrl, schema: SCHEMA, runtimeRole: runtimeRoleFor(SCHEMA), poolSize: 4 })),
    ];
    await Promise.all(replicas.map((replica) => replica.initialize()));
  });

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.destroy()));
    await environment?.dispose();
  });

  it('gives replicas racing to generate a secret on a fresh installation the same value', async () => {
    for (let round = 0; round < 10; round += 1) {
      const name = `RACE_${round}`;
      const values = await Promise.all(replicas.flatMap((replica) => [1, 2, 3, 4].map(() => new InstallationSecrets(replica, SCHEMA).obtain(name, undefined))));
      expect(new Set(values).size).toBe(1);
      expect(values[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('keeps the generated value across restarts, and gives each name its own', async () => {
    const first = await new InstallationSecrets(replicas[0]!, SCHEMA).obtain('KEPT', undefined);
    expect(await new InstallationSecrets(replicas[1]!, SCHEMA).obtain('KEPT', undefined)).toBe(first);
    expect(await new InstallationSecrets(replicas[1]!, SCHEMA).obtain('OTHER', undefined)).not.toBe(first);
  });

  it('lets a value set in the environment win over the stored one', async () => {
    const secrets = new InstallationSecrets(replicas[0]!, SCHEMA);
    const stored = await secrets.obtain('PINNED', undefined);
    expect(await secrets.obtain('PINNED', 'an-operator-chosen-secret-of-32-characters')).toBe('an-operator-chosen-secret-of-32-characters');
    expect(await secrets.obtain('PINNED', undefined)).toBe(stored);
  });
});
