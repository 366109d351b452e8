import type { DataSource, EntityManager } from 'typeorm';
import { assertIdentifier } from './data-source.js';

/** The setting the row-level security policies read; set per transaction, never per connection. */
export const WORKSPACE_SETTING = 'app.workspace_id';

/**
 * Confines the rest of the transaction to one workspace's rows, or to none (null clears the
 * setting): the policies of rowLevelSecuritySql() compare workspace_id with it. The one statement
 * that sets it; transaction-local, so it ends with the transaction (or its savepoint's rollback).
 */
export async function setWorkspace(manager: { query(sql: string, parameters?: unknown[]): Promise<unknown> }, workspaceId: string | null): Promise<void> {
  await manager.query('SELECT set_config($1, $2, true)', [WORKSPACE_SETTING, workspaceId ?? '']);
}

/** Runs work in a transaction that can only see and write rows of one workspace. */
export async function withWorkspace<T>(dataSource: DataSource, workspaceId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await setWorkspace(manager, workspaceId);
    return work(manager);
  });
}

/**
 * The statements that confine a table to the current workspace. FORCE makes the rules bind the
 * table's owner too, so a test run as the owner cannot pass where the service role would fail.
 */
export function rowLevelSecuritySql(schema: string, table: string): string[] {
  const qualified = `"${assertIdentifier(schema)}"."${assertIdentifier(table)}"`;
  const matchesWorkspace = `workspace_id = NULLIF(current_setting('${WORKSPACE_SETTING}', true), '')::uuid`;
  return [
    `ALTER TABLE ${qualified} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${qualified} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY workspace_isolation ON ${qualified} USING (${matchesWorkspace}) WITH CHECK (${matchesWorkspace})`,
  ];
}
