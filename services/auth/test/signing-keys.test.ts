import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrateService, startService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import pg from 'pg';
import { authService } from '../src/auth.service.js';
import { SigningKeys } from '../src/signing-keys/signing-keys.js';

describe('access-token signing keys with two auth replicas', () => {
  let environment: TestEnvironment;
  let replicas: RunningService[] = [];
  let superuser: pg.Client;

  const keyRows = async () =>
    (await superuser.query<{ kid: string; current: boolean }>('SELECT kid, retired_at IS NULL AS current FROM auth.signing_keys ORDER BY created_at')).rows;

  beforeAll(async () => {
    environment = await createTestEnvironment('auth-signing-keys');
    await migrateService(authService, environment.env);
    superuser = new pg.Client({ connectionString: environment.databaseUrl });
    await superuser.connect();
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await superuser?.end();
    await environment?.dispose();
  });

  it('starting together on a fresh database, make one key and both sign with it', async () => {
    expect(await keyRows()).toEqual([]);
    replicas = await Promise.all([startService(authService, environment.env), startService(authService, environment.env)]);
    const rows = await keyRows();
    expect(rows).toEqual([{ kid: expect.any(String), current: true }]);
    for (const replica of replicas) expect((await replica.app.get(SigningKeys).current()).kid).toBe(rows[0]!.kid);
  });

  it('rotating the same key together, make one new key and keep the old one retired', async () => {
    const [first, second] = replicas.map((replica) => replica.app.get(SigningKeys));
    const { kid: old } = await first!.current();
    const [byFirst, bySecond] = await Promise.all([first!.rotate(old), second!.rotate(old)]);
    expect(byFirst).toBe(bySecond);
    expect(byFirst).not.toBe(old);
    expect(await keyRows()).toEqual([
      { kid: old, current: false },
      { kid: byFirst, current: true },
    ]);
    expect((await second!.current()).kid).toBe(byFirst);
  });
});
