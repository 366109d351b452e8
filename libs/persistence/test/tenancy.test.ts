import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestEnvironment, serverUrls, type TestEnvironment } from '@kinship/testing';
import { DataSource, type EntityManager, type Logger } from 'typeorm';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { postgresOptions, preparedQuery, rowLevelSecuritySql, transactionInWorkspace, violatesUnique, WORKSPACE_SETTING, withWorkspace } from '../src/index.js';

const WORKSPACE_A = '0193a1f0-0000-7000-8000-00000000000a';
const WORKSPACE_B = '0193a1f0-0000-7000-8000-00000000000b';
const WORKSPACE_C = '0193a1f0-0000-7000-8000-00000000000c';

/** TypeORM's logger, keeping every statement sent (TypeORM logs each one before it goes to pg). */
class SentStatements implements Logger {
  sent: string[] = [];
  logQuery(query: string): void {
    this.sent.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** A socket with its Writable hand-off to the system, which the tests watch. */
type FlushingSocket = Socket & Required<Pick<Writable, '_write' | '_writev'>>;

describe('row-level security per workspace', () => {
  let environment: TestEnvironment;
  let owner: DataSource;
  let dataSource: DataSource;
  let role: string;
  let roleUrl: string;
  const statements = new SentStatements();

  beforeAll(async () => {
    environment = await createTestEnvironment('tenancy');
    // The service's role: not a superuser and not the owner, as in production (superusers bypass RLS).
    role = `${environment.databaseName}_app`;
    owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'demo' }));
    await owner.initialize();
    await owner.query(`CREATE ROLE "${role}" LOGIN`);
    await owner.query('CREATE SCHEMA demo');
    await owner.query('CREATE TABLE demo.notes (id serial PRIMARY KEY, workspace_id uuid NOT NULL, body text NOT NULL)');
    for (const statement of rowLevelSecuritySql('demo', 'notes')) await owner.query(statement);
    await owner.query(`GRANT USAGE ON SCHEMA demo TO "${role}"`);
    await owner.query(`GRANT SELECT, INSERT ON demo.notes TO "${role}"`);
    await owner.query(`GRANT USAGE ON SEQUENCE demo.notes_id_seq TO "${role}"`);
    const url = new URL(environment.databaseUrl);
    url.username = role;
    roleUrl = url.toString();
    dataSource = new DataSource({ ...postgresOptions({ url: roleUrl, schema: 'demo', poolSize: 1 }), logger: statements });
    await dataSource.initialize();
    await withWorkspace(dataSource, WORKSPACE_A, (m) => m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'a1'), ($1, 'a2')`, [WORKSPACE_A]));
    await withWorkspace(dataSource, WORKSPACE_B, (m) => m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'b1')`, [WORKSPACE_B]));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await owner.query(`DROP OWNED BY "${role}"`);
    await owner.destroy();
    await environment.dispose();
    const cleanup = new DataSource(postgresOptions({ url: serverUrls().postgres, schema: 'public' }));
    await cleanup.initialize();
    await cleanup.query(`DROP ROLE IF EXISTS "${role}"`);
    await cleanup.destroy();
  });

  it('shows a transaction only the rows of its workspace, even with no filter in the query', async () => {
    const rows = await withWorkspace(dataSource, WORKSPACE_B, (m) => m.query('SELECT body FROM demo.notes ORDER BY body'));
    expect(rows).toEqual([{ body: 'b1' }]);
  });

  it('refuses to write a row into another workspace', async () => {
    const attempt = withWorkspace(dataSource, WORKSPACE_A, (m) => m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'sneaky')`, [WORKSPACE_B]));
    await expect(attempt).rejects.toThrow(/row-level security/);
    const count = await withWorkspace(dataSource, WORKSPACE_B, (m) => m.query('SELECT count(*)::int AS n FROM demo.notes'));
    expect(count).toEqual([{ n: 1 }]);
  });

  it('shows nothing outside a workspace transaction, and the setting does not leak to the next use of the connection', async () => {
    await withWorkspace(dataSource, WORKSPACE_A, (m) => m.query('SELECT 1'));
    expect(await dataSource.query('SELECT count(*)::int AS n FROM demo.notes')).toEqual([{ n: 0 }]);
  });

  it('opens the transaction and sets the workspace in one statement, so one round trip', async () => {
    statements.sent = [];
    await withWorkspace(dataSource, WORKSPACE_A, (m) => m.query('SELECT count(*) FROM demo.notes'));
    expect(statements.sent).toEqual([
      `START TRANSACTION; SELECT set_config('${WORKSPACE_SETTING}', '${WORKSPACE_A}', true)`,
      'SELECT count(*) FROM demo.notes',
      'COMMIT',
    ]);
  });

  it('rolls back the work that throws, and keeps the workspace in a nested transaction, whose rollback keeps the outer work', async () => {
    const failed = withWorkspace(dataSource, WORKSPACE_A, async (m) => {
      await m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'rolled back')`, [WORKSPACE_A]);
      throw new Error('the work failed');
    });
    await expect(failed).rejects.toThrow('the work failed');
    const inner = await withWorkspace(dataSource, WORKSPACE_A, async (m) => {
      await m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'outer')`, [WORKSPACE_A]);
      const nested = m.transaction(async (n) => {
        await n.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'inner')`, [WORKSPACE_A]);
        throw new Error('the inner work failed');
      });
      await expect(nested).rejects.toThrow('the inner work failed');
      return m.query(`SELECT current_setting('${WORKSPACE_SETTING}', true) AS workspace`);
    });
    expect(inner).toEqual([{ workspace: WORKSPACE_A }]);
    const bodies = await withWorkspace(dataSource, WORKSPACE_A, (m) => m.query('SELECT body FROM demo.notes ORDER BY body'));
    expect(bodies).toEqual([{ body: 'a1' }, { body: 'a2' }, { body: 'outer' }]);
  });

  it('runs a hot statement prepared once per connection, still confined to the workspace, its errors as manager.query gives them', async () => {
    const count = 'SELECT count(*)::int AS n FROM demo.notes WHERE body <> $1';
    expect(await withWorkspace(dataSource, WORKSPACE_B, (m) => preparedQuery(m, count, ['none']))).toEqual([{ n: 1 }]);
    expect(await withWorkspace(dataSource, WORKSPACE_C, (m) => preparedQuery(m, count, ['none']))).toEqual([{ n: 0 }]);
    // The pool's one connection holds the statement under one name, parsed the first time only.
    expect(await withWorkspace(dataSource, WORKSPACE_C, (m) => m.query('SELECT statement FROM pg_prepared_statements'))).toEqual([{ statement: count }]);

    const [note] = (await withWorkspace(dataSource, WORKSPACE_B, (m) => m.query('SELECT id FROM demo.notes'))) as Array<{ id: number }>;
    const insert = `INSERT INTO demo.notes (id, workspace_id, body) VALUES ($1, $2, 'again')`;
    const duplicate = await withWorkspace(dataSource, WORKSPACE_B, (m) => preparedQuery(m, insert, [note!.id, WORKSPACE_B])).catch((error: unknown) => error);
    expect(violatesUnique(duplicate, 'notes_pkey')).toBe(true);
    await expect(withWorkspace(dataSource, WORKSPACE_C, (m) => preparedQuery(m, insert, [note!.id + 1000, WORKSPACE_B]))).rejects.toThrow(/row-level security/);
    await expect(preparedQuery(dataSource.manager, count, ['none'])).rejects.toThrow(/inside a transaction/);
    expect(await withWorkspace(dataSource, WORKSPACE_B, (m) => m.query('SELECT body FROM demo.notes'))).toEqual([{ body: 'b1' }]);
  });

  it('sends a workspace id that is not a UUID as a parameter, never inside the statement', async () => {
    const hostile = `x', true); DROP TABLE demo.notes; --`;
    statements.sent = [];
    const setting = await withWorkspace(dataSource, hostile, (m) => m.query(`SELECT current_setting('${WORKSPACE_SETTING}', true) AS workspace`));
    expect(setting).toEqual([{ workspace: hostile }]);
    expect(statements.sent.slice(0, 2)).toEqual(['START TRANSACTION', 'SELECT set_config($1, $2, true)']);
    expect(await withWorkspace(dataSource, WORKSPACE_B, (m) => m.query('SELECT count(*)::int AS n FROM demo.notes'))).toEqual([{ n: 1 }]);
  });

  describe('a pipelining connection', () => {
    let pipelined: DataSource;
    /** What went over the pipelining connection's socket, in order: each write's bytes, and each arrival of data. */
    const traffic: Array<{ write: string } | { data: true }> = [];
    /** What left for the server in one go (one system call): the bytes of each of the socket's flushes. */
    const flushes: string[] = [];

    beforeAll(async () => {
      pipelined = new DataSource(postgresOptions({ url: roleUrl, schema: 'demo', poolSize: 1, pipeline: true }));
      await pipelined.initialize();
    });

    /** Records the traffic of a transaction's pg connection from now on (once per connection). */
    const watched = new WeakSet<object>();
    async function watch(manager: EntityManager): Promise<void> {
      const client = (await manager.queryRunner!.connect()) as { connection: { stream: FlushingSocket } };
      if (watched.has(client)) return;
      watched.add(client);
      const socket = client.connection.stream;
      const write = socket.write.bind(socket) as (chunk: Uint8Array | string, ...rest: unknown[]) => boolean;
      socket.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
        traffic.push({ write: Buffer.from(chunk).toString('latin1') });
        return write(chunk, ...rest);
      }) as Socket['write'];
      // Node's own hand-off to the system: one chunk (_write) or the chunks held while corked (_writev).
      const writeOne = socket._write.bind(socket);
      socket._write = (chunk, encoding, done) => {
        flushes.push(Buffer.from(chunk).toString('latin1'));
        writeOne(chunk, encoding, done);
      };
      const writeMany = socket._writev!.bind(socket);
      socket._writev = (chunks, done) => {
        flushes.push(chunks.map(({ chunk }) => Buffer.from(chunk).toString('latin1')).join(''));
        writeMany(chunks, done);
      };
      socket.prependListener('data', () => traffic.push({ data: true }));
    }

    afterAll(() => pipelined.destroy());

    const notesOfC = () => withWorkspace(pipelined, WORKSPACE_C, (m) => m.query('SELECT body FROM demo.notes ORDER BY body'));

    it('commits it with the work, the COMMIT on its way before the write has answered', async () => {
      traffic.length = 0;
      await transactionInWorkspace(
        pipelined,
        WORKSPACE_C,
        async (m) => {
          await watch(m);
          await m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'work')`, [WORKSPACE_C]);
        },
        // The write takes a while to answer: on a pipelining connection the COMMIT does not wait for it.
        () => ({ sql: `INSERT INTO demo.notes (workspace_id, body) SELECT $1, 'last write' FROM pg_sleep(0.2)`, parameters: [WORKSPACE_C] }),
      );
      const lastWrite = traffic.findIndex((event) => 'write' in event && event.write.includes('pg_sleep'));
      const commit = traffic.findIndex((event) => 'write' in event && event.write.includes('COMMIT'));
      const answered = traffic.findIndex((event, index) => index > lastWrite && 'data' in event);
      expect(lastWrite).toBeGreaterThan(-1);
      expect(commit).toBeGreaterThan(lastWrite);
      expect(commit).toBeLessThan(answered);
      expect(await notesOfC()).toEqual([{ body: 'last write' }, { body: 'work' }]);
    });

    it.each([
      ['a pipelining connection', () => pipelined, 'after, pipelining'],
      ['a connection that does not pipeline', () => dataSource, 'after, not pipelining'],
    ])('rolls the whole transaction back when the last write fails, and throws the write’s error, on %s', async (_, source, after) => {
      const before = await notesOfC();
      const failed = transactionInWorkspace(
        source(),
        WORKSPACE_C,
        (m) => m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'lost with the write')`, [WORKSPACE_C]),
        // body is NOT NULL.
        () => ({ sql: 'INSERT INTO demo.notes (workspace_id, body) VALUES ($1, NULL)', parameters: [WORKSPACE_C] }),
      ).catch((error: unknown) => error);
      expect(((await failed) as { driverError?: { code?: string } }).driverError?.code).toBe('23502');
      expect(await notesOfC()).toEqual(before);
      // The connection goes back to the pool usable: the next transaction on it commits.
      await transactionInWorkspace(source(), WORKSPACE_C, (m) => m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, $2)`, [WORKSPACE_C, after]));
      expect(await notesOfC()).toEqual([...before, { body: after }].sort((a, b) => a.body.localeCompare(b.body)));
    });

    it('sends the opening and the first statement in one write, and the last write with the COMMIT in another', async () => {
      // The pool's one connection, watched from the start of the next transaction.
      await withWorkspace(pipelined, WORKSPACE_C, watch);
      flushes.length = 0;
      await transactionInWorkspace(
        pipelined,
        WORKSPACE_C,
        async (m) => {
          await preparedQuery(m, `INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'first statement')`, [WORKSPACE_C]);
          await m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'second statement')`, [WORKSPACE_C]);
        },
        () => ({ sql: `INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'the last write')`, parameters: [WORKSPACE_C] }),
      );
      expect(flushes).toHaveLength(3);
      expect(flushes[0]).toContain(`START TRANSACTION; SELECT set_config('${WORKSPACE_SETTING}', '${WORKSPACE_C}', true)`);
      expect(flushes[0]).toContain('first statement');
      expect(flushes[1]).toContain('second statement');
      expect(flushes[2]).toContain('the last write');
      expect(flushes[2]).toContain('COMMIT');
      expect((await notesOfC()).map((note: { body: string }) => note.body)).toEqual(
        expect.arrayContaining(['first statement', 'second statement', 'the last write']),
      );
    });

    it.each([
      ['a pipelining connection', () => pipelined, 'after a failed opening, pipelining'],
      ['a connection that does not pipeline', () => dataSource, 'after a failed opening, not pipelining'],
    ])(
      'throws the opening’s own error when the opening fails on a live connection, writes nothing, and the connection stays usable, on %s',
      async (_, source, after) => {
        const before = await notesOfC();
        // The opening's set_config refused to the service's role in this test's database: it fails, the connection stays up.
        await owner.query('REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC');
        let failed: unknown;
        try {
          failed = await transactionInWorkspace(source(), WORKSPACE_C, (m) =>
            m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'behind a failed opening')`, [WORKSPACE_C]),
          ).catch((error: unknown) => error);
        } finally {
          await owner.query('GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC');
        }
        // 42501, not the 25P02 ("current transaction is aborted") that the INSERT behind it got.
        expect((failed as { driverError?: { code?: string } }).driverError?.code).toBe('42501');
        expect(String(failed)).toMatch(/set_config/);
        expect(await notesOfC()).toEqual(before);
        await transactionInWorkspace(source(), WORKSPACE_C, (m) =>
          m.query(`INSERT INTO demo.notes (workspace_id, body) VALUES ($1, $2)`, [WORKSPACE_C, after]),
        );
        expect(await notesOfC()).toEqual([...before, { body: after }].sort((a, b) => a.body.localeCompare(b.body)));
      },
    );

    it('is not sent when the work throws', async () => {
      let asked = false;
      const failed = transactionInWorkspace(
        pipelined,
        WORKSPACE_C,
        () => Promise.reject(new Error('the work failed')),
        () => {
          asked = true;
          return { sql: `INSERT INTO demo.notes (workspace_id, body) VALUES ($1, 'never')`, parameters: [WORKSPACE_C] };
        },
      );
      await expect(failed).rejects.toThrow('the work failed');
      expect(asked).toBe(false);
    });
  });
});
