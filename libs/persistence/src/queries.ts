import { createHash } from 'node:crypto';
import { QueryFailedError, type EntityManager } from 'typeorm';

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

/** A statement to run later: its text and parameters. */
export interface Statement {
  sql: string;
  parameters: unknown[];
}

/** What a prepared statement needs of the transaction's pg connection. */
export interface PreparingClient {
  /** pg's pipeline mode: a query is sent without waiting for the answer to the one before it. */
  readonly pipeline?: boolean;
  /** pg's connection to the server; its stream is the socket. */
  readonly connection?: { stream?: { cork?(): void; uncork?(): void } };
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Holds what the connection writes until the event loop's next turn, so queries queued one after
 * another without waiting (pipeline mode) leave in one write to the socket, and PostgreSQL reads
 * them in one go: a system call each side fewer per query. Nothing waits on it but the queries
 * themselves, which are sent at the turn's end (setImmediate) however the work goes.
 */
export function writeTogether(client: PreparingClient): void {
  const socket = client.connection?.stream;
  if (!socket?.cork || !socket.uncork) return;
  socket.cork();
  setImmediate(() => socket.uncork!());
}

const statementNames = new Map<string, string>();

/** The statement's name: its text's hash, so one name never stands for two texts on a connection. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `k${createHash('sha1').update(sql).digest('hex')}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Puts the statement on the connection's queue at once (no await before it), as a named prepared
 * statement, and answers its rows; its error is TypeORM's, with pg's as driverError.
 */
export function sendPrepared<Row>(client: PreparingClient, { sql, parameters }: Statement): Promise<Row[]> {
  return client.query({ name: statementName(sql), text: sql, values: parameters }).then(
    ({ rows }) => rows as Row[],
    (error: unknown) => {
      throw new QueryFailedError(sql, parameters, error as Error);
    },
  );
}

/**
 * Runs one of a service's hot statements, inside a transaction, as a named prepared statement of
 * its connection: PostgreSQL parses it once per connection (and, once its custom plans cost no
 * less, plans it once), where TypeORM's unnamed statements are parsed and planned on every
 * execution. Only for statements whose text is one of a few (each text is prepared on every
 * connection that runs it). Errors are TypeORM's, with pg's as driverError, as manager.query's are.
 */
export async function preparedQuery<Row>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<Row[]> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('preparedQuery runs inside a transaction');
  const client = (await runner.connect()) as PreparingClient;
  return sendPrepared<Row>(client, { sql, parameters });
}
