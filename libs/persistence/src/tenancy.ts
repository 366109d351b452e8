import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { assertIdentifier } from './data-source.js';
import { isUuid } from './ids.js';
import { sendPrepared, writeTogether, type PreparingClient, type Statement } from './queries.js';

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

/**
 * The one statement that opens a transaction confined to a workspace: `START TRANSACTION` and the
 * setting in one simple-protocol message, so one round trip where two statements took two. The id
 * is written into the text, so only a UUID is accepted (anything else: null, and the caller sets it
 * apart with a parameter).
 */
export function startTransactionInWorkspaceSql(workspaceId: string): string | null {
  if (!isUuid(workspaceId)) return null;
  return `START TRANSACTION; SELECT set_config('${WORKSPACE_SETTING}', '${workspaceId}', true)`;
}

/**
 * Starts the runner's transaction through TypeORM (its bookkeeping: active, depth for savepoints,
 * subscribers), with the workspace set by the same round trip: TypeORM's one `START TRANSACTION`
 * is sent as startTransactionInWorkspaceSql. Should TypeORM not send that statement (another
 * version, an isolation level, which must come before any SELECT), the setting is sent on its own.
 *
 * On a pipelining connection the opening is not waited for: TypeORM is told it is done, and the
 * work's first statement is queued right behind it, in the same write (writeTogether), so the two
 * take one round trip. Its answer is returned (in an object: a returned promise would be waited
 * on) for the commit to wait on first; a statement that failed there has failed the rest too (an
 * aborted transaction refuses them, a lost connection sends none).
 */
async function startTransactionInWorkspace(runner: QueryRunner, workspaceId: string, pipelining: boolean): Promise<{ opening: Promise<unknown> | null }> {
  const combined = (runner.connection.options as { isolationLevel?: string }).isolationLevel === undefined ? startTransactionInWorkspaceSql(workspaceId) : null;
  let opening: Promise<unknown> | null = null;
  const query = runner.query;
  if (combined !== null) {
    // TypeORM's overloads of query differ only in their result's type: one implementation behind them.
    const send = query.bind(runner) as (sql: string, parameters?: unknown[], useStructuredResult?: boolean) => Promise<unknown>;
    runner.query = ((sql: string, parameters?: unknown[], useStructuredResult?: boolean) => {
      if (opening !== null || sql !== 'START TRANSACTION' || parameters !== undefined) return send(sql, parameters, useStructuredResult);
      opening = send(combined);
      if (!pipelining) return opening;
      // Waited on before the COMMIT or after the ROLLBACK; handled here so a failure is not unhandled meanwhile.
      opening.catch(() => undefined);
      return Promise.resolve(undefined);
    }) as QueryRunner['query'];
  }
  try {
    await runner.startTransaction();
  } finally {
    runner.query = query;
  }
  if (opening === null) await setWorkspace(runner, workspaceId);
  return { opening };
}

/**
 * Runs work in a transaction, confined to one workspace's rows when one is given (null: no
 * workspace, so row-level security shows no rows), as DataSource.transaction does: committed when
 * the work resolves, rolled back when it throws. `lastWrite`, asked for once the work is done, is a
 * statement the transaction ends with (DomainEvents' outbox rows): see commitAfter.
 */
export async function transactionInWorkspace<T>(
  dataSource: DataSource,
  workspaceId: string | null,
  work: (manager: EntityManager) => Promise<T>,
  lastWrite?: () => Statement | null,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  let opening: Promise<unknown> | null = null;
  try {
    const client = (await runner.connect()) as PreparingClient;
    const pipelining = client.pipeline === true;
    // The opening (with a workspace) and the work's first statement, in one write.
    if (pipelining && workspaceId !== null) writeTogether(client);
    if (workspaceId === null) await runner.startTransaction();
    else ({ opening } = await startTransactionInWorkspace(runner, workspaceId, pipelining));
    const result = await work(runner.manager);
    await opening;
    await commitAfter(runner, client, lastWrite?.() ?? null);
    return result;
  } catch (error) {
    await runner.rollbackTransaction().catch(() => undefined);
    // The work's error is the one the caller sees, whatever the rollback does; unless the opening
    // failed, which the work's statements then only echoed.
    await opening;
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * Commits, after the last write when there is one. On a pipelining connection (postgresOptions'
 * `pipeline`) the write is queued first and the COMMIT right behind it, without waiting for the
 * write's answer, in one write to the socket (writeTogether), so both travel in one round trip; a
 * write that fails leaves the transaction failed, which PostgreSQL answers the COMMIT of by
 * rolling it back, and the write's error is thrown. Elsewhere the write is awaited first: pg
 * queues a query sent while another runs only when pipelining (it deprecates that otherwise).
 */
async function commitAfter(runner: QueryRunner, client: PreparingClient, lastWrite: Statement | null): Promise<void> {
  if (!lastWrite) return runner.commitTransaction();
  if (!client.pipeline) {
    await sendPrepared(client, lastWrite);
    return runner.commitTransaction();
  }
  writeTogether(client);
  const [write, commit] = await Promise.allSettled([sendPrepared(client, lastWrite), runner.commitTransaction()]);
  if (write.status === 'rejected') throw write.reason;
  if (commit.status === 'rejected') throw commit.reason;
}

/** Runs work in a transaction that can only see and write rows of one workspace. */
export function withWorkspace<T>(dataSource: DataSource, workspaceId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return transactionInWorkspace(dataSource, workspaceId, work);
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
