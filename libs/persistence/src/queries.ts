import type { EntityManager } from 'typeorm';

/** Whether a query failed on the named unique constraint or index (PostgreSQL 23505). */
export function violatesUnique(error: unknown, constraint: string): boolean {
  const cause = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
  return cause?.code === '23505' && cause.constraint === constraint;
}

/** The rows an UPDATE … RETURNING returns: TypeORM answers UPDATE and DELETE with [rows, affected count]. */
export async function updateReturning<Row>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<Row[]> {
  const [rows] = (await manager.query(sql, parameters)) as [Row[], number];
  return rows;
}
