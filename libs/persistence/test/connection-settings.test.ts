import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { ensureRuntimeRole, postgresOptions, runtimeRoleFor } from '../src/index.js';

/** 9,000,000 joined rows: an estimated cost of about 200,000, past PostgreSQL's default jit_above_cost (100,000). */
const COSTLY = 'SELECT count(*) FROM generate_series(1, 3000) a CROSS JOIN generate_series(1, 3000) b';

describe('the connections postgresOptions opens', () => {
  let environment: TestEnvironment;
  let owner: DataSource;
  let runtime: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment('connection-settings');
    owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'public', poolSize: 1 }));
    await owner.initialize();
    await ensureRuntimeRole(owner, 'public');
    runtime = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'public', poolSize: 1, runtimeRole: runtimeRoleFor('public') }));
    await runtime.initialize();
  });

  afterAll(async () => {
    await runtime?.destroy();
    await owner?.destroy();
    await environment?.dispose();
  });

  it('never JIT-compile a statement, however costly its plan: the owner (migrations) and the runtime role, which stays its role', async () => {
    for (const dataSource of [owner, runtime]) {
      expect(await dataSource.query('SHOW jit')).toEqual([{ jit: 'off' }]);
      // EXPLAIN without ANALYZE names the JIT compilation the statement would get ("JIT": …), and does not run it.
      const [{ 'QUERY PLAN': plan }] = (await dataSource.query(`EXPLAIN (FORMAT JSON) ${COSTLY}`)) as Array<{ 'QUERY PLAN': Array<Record<string, unknown>> }>;
      expect(plan[0]).not.toHaveProperty('JIT');
    }
    expect(await runtime.query('SELECT current_user AS role')).toEqual([{ role: runtimeRoleFor('public') }]);
  });
});
