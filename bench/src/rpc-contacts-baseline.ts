/**
 * The rpc-contacts bench's baseline, run as a process of its own as the gateway and the crm are:
 * one Fastify server whose two routes send, through pg, the SQL the crm service sends for
 * `GET /contacts/:id` and for one contacts list page, in the same row-level-security transaction
 * (as the service's role, the workspace set for the transaction), and answer the rows as JSON.
 * No authentication, no NATS, no Nest: the cost of the database work and one HTTP server.
 */
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import pg from 'pg';
import { percentiles } from './lib.js';
import type { SqlQuery } from './sql-load-worker.js';

export interface BaselineSpec {
  databaseUrl: string;
  role: string;
  /** The statements the crm opened its transaction with (workspace set), sent as caught. */
  opening: SqlQuery[];
  /** The crm service's pool size, so both sides have as many database connections. */
  poolSize: number;
  /** The queries of `GET /contacts/:id` for `capturedId`, whose parameter is replaced by the requested id. */
  get: { queries: SqlQuery[]; capturedId: string };
  /** The queries of the list page, sent as captured: they read one row more than the page holds, to tell whether a next page exists. */
  list: SqlQuery[];
  pageSize: number;
}

/** How long the data statements of each request took, from sending the first to the last one's rows in JS (pg's parsing included), in ms. */
export interface SqlTimings {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  over10Ms: number;
}

async function start(spec: BaselineSpec): Promise<string> {
  // Cleared by each GET /sql-timings, so a caller reads the window since its last read.
  let sqlMs: number[] = [];
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    sqlMs.push(performance.now() - started);
    return result;
  };
  const pool = new pg.Pool({ connectionString: spec.databaseUrl, max: spec.poolSize, options: `-c role=${spec.role}` });
  const inWorkspace = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      for (const statement of spec.opening) await client.query(statement.text, statement.values.length > 0 ? statement.values : undefined);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const server = Fastify({ logger: false });
  server.get<{ Params: { id: string } }>('/api/v1/contacts/:id', async (request, reply) => {
    const row = await inWorkspace((client) =>
      timed(async () => {
        let found: unknown;
        for (const query of spec.get.queries) {
          const values = query.values.map((value) => (value === spec.get.capturedId ? request.params.id : value));
          found = (await client.query(query.text, values)).rows[0];
        }
        return found;
      }),
    );
    if (!row) return reply.code(404).send({ error: { status: 404, code: 'not_found', message: 'Contact not found.', details: [] } });
    return row;
  });
  server.get('/api/v1/contacts', async () => {
    const rows = await inWorkspace((client) =>
      timed(async () => {
        const found: unknown[] = [];
        for (const query of spec.list) found.push(...(await client.query(query.text, query.values)).rows);
        return found;
      }),
    );
    return { data: rows.slice(0, spec.pageSize), nextCursor: null };
  });
  server.get('/sql-timings', async (): Promise<SqlTimings> => {
    const window = sqlMs;
    sqlMs = [];
    const { p50, p99, max } = percentiles(window);
    return { count: window.length, p50Ms: p50, p99Ms: p99, maxMs: max, over10Ms: window.filter((ms) => ms > 10).length };
  });
  server.addHook('onClose', () => pool.end());
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
  return server.listen({ port: 0, host: '127.0.0.1' });
}

process.once('message', (spec: BaselineSpec) => {
  start(spec).then(
    (url) => process.send!({ url }),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }),
  );
});
