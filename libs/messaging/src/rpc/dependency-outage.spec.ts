import { describe, expect, it } from '@jest/globals';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isDependencyOutage } from './dependency-outage.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDependencyOutage', () => {
  it('recognises PostgreSQL shutting down, starting up or refusing connections, also inside TypeORM’s wrapper or after TypeORM released the failed connection', () => {
    expect(isDependencyOutage(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDependencyOutage(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isDependencyOutage(withCode('connection failure', '08006'))).toBe(true);
    expect(isDependencyOutage(Object.assign(new Error('query failed'), { driverError: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') }))).toBe(
      true,
    );
    expect(isDependencyOutage(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''))).toBe(true);
    expect(isDependencyOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDependencyOutage(new Error('Client was closed and is not queryable'))).toBe(true);
    expect(isDependencyOutage(new QueryRunnerAlreadyReleasedError())).toBe(true);
  });

  it('recognises Redis being unreachable', () => {
    expect(isDependencyOutage(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(isDependencyOutage(new Error('Connection is closed.'))).toBe(true);
  });

  it('leaves every other failure a fault', () => {
    expect(isDependencyOutage(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDependencyOutage(withCode('syntax error at or near "SELEC"', '42601'))).toBe(false);
    expect(isDependencyOutage(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDependencyOutage(undefined)).toBe(false);
  });
});
