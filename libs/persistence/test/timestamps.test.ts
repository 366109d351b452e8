import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { postgresOptions } from '../src/index.js';

describe("a service's connections read timestamptz", () => {
  let environment: TestEnvironment;
  let dataSource: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment('timestamps');
    dataSource = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'public', poolSize: 1 }));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await environment.dispose();
  });

  it('as the instant PostgreSQL stored, to the millisecond, whatever the session time zone prints', async () => {
    const stored = ['2026-12-07 03:36:00.123456+00', '2026-12-07 03:36:00.57+00', '2026-01-31 23:59:59.9995+00', '1999-12-31 00:00:00+00', 'infinity'];
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati', 'Europe/Amsterdam']) {
      const rows: Array<{ at: Date | number; printed: string; epochMs: string | null }> = await dataSource.transaction(async (manager) => {
        await manager.query(`SELECT set_config('TimeZone', $1, true)`, [zone]);
        return manager.query(
          `SELECT at, at::text AS printed, CASE WHEN isfinite(at) THEN floor(extract(epoch FROM at) * 1000)::bigint::text END AS "epochMs"
           FROM unnest($1::timestamptz[]) AS at`,
          [stored],
        );
      });
      expect(rows.map((row) => [zone, row.printed, row.at instanceof Date ? row.at.getTime() : row.at])).toEqual(
        rows.map((row) => [zone, row.printed, row.epochMs === null ? Infinity : Number(row.epochMs)]),
      );
    }
  });
});
