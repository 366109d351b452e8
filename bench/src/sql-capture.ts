import pg from 'pg';
import type { SqlQuery } from './sql-load-worker.js';

const TRANSACTION_CONTROL = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)\b/i;
const WORKSPACE_SETTING_CALL = /^\s*SELECT set_config\(/i;
const OPENING = /^\s*(START TRANSACTION|BEGIN|SELECT set_config\()/i;

/**
 * The SQL a service running in this process sends for one API request, caught on its way into pg:
 * wrapping pg's Client.query sees the exact text and parameters.
 */
export class SqlCapture {
  private capturing = false;
  private captured: SqlQuery[] = [];
  /** The connection each caught query went over. */
  private readonly clients = new WeakMap<SqlQuery, pg.Client>();

  constructor() {
    const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    const record = (client: pg.Client, args: unknown[]) => {
      if (!this.capturing || typeof args[0] !== 'string') return;
      const query = { text: args[0], values: Array.isArray(args[1]) ? [...(args[1] as unknown[])] : [] };
      this.clients.set(query, client);
      this.captured.push(query);
    };
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      record(this, args);
      return original.apply(this, args);
    } as typeof pg.Client.prototype.query;
  }

  /**
   * The statements that opened the transaction of a query of the last capture: those sent just
   * before it over the same connection that start a transaction or set the workspace, as the
   * service sent them (one statement or several), so a baseline can open its own the same way.
   */
  openingOf(query: SqlQuery): SqlQuery[] {
    const client = this.clients.get(query);
    const before = this.captured.slice(0, this.captured.indexOf(query)).filter((sent) => this.clients.get(sent) === client);
    const opening: SqlQuery[] = [];
    for (const sent of before.reverse()) {
      if (!OPENING.test(sent.text)) break;
      opening.unshift(sent);
    }
    return opening;
  }

  /** Runs the request and returns every query it sent but the transaction's own statements and the workspace setting. */
  async queriesOf<T>(request: () => Promise<T>): Promise<{ queries: SqlQuery[]; answer: T }> {
    this.captured = [];
    this.capturing = true;
    let answer: T;
    try {
      answer = await request();
    } finally {
      this.capturing = false;
    }
    const queries = this.captured.filter((query) => !TRANSACTION_CONTROL.test(query.text) && !WORKSPACE_SETTING_CALL.test(query.text));
    return { queries, answer };
  }

  /**
   * Runs the request and returns the list queries it sent (SELECT … FROM <table> r … LIMIT): one, or
   * two for a search whose first, ordered read did not fill the page (listPage in the crm).
   */
  async listQueriesOf<T>(table: string, request: () => Promise<T>): Promise<{ queries: SqlQuery[]; answer: T }> {
    const { queries: all, answer } = await this.queriesOf(request);
    const lists = all.filter((query) => query.text.includes(`FROM ${table} r`) && /\bLIMIT \$\d+\s*$/.test(query.text));
    if (lists.length === 0) throw new Error(`caught no list query on ${table}: ${all.map((query) => query.text.slice(0, 80)).join(' | ')}`);
    return { queries: lists, answer };
  }
}
