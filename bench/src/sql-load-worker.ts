/**
 * The crm bench's baseline, in a worker thread as autocannon's load is: `connections` pg clients,
 * each running the captured list query in a loop, the way the crm service runs it (a transaction
 * as the service's role, with the workspace set for row-level security), first for `warmupS`
 * unmeasured seconds, then for `durationS` measured ones.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

export interface SqlQuery {
  text: string;
  values: unknown[];
}

export interface SqlLoadSpec {
  databaseUrl: string;
  /** The role the service's connections switch to (runtimeRoleFor('crm')). */
  role: string;
  workspaceSetting: string;
  workspaceId: string;
  /** Sent in turn by each client, as autocannon sends its request list: the queries of one request, in one transaction. */
  queries: SqlQuery[][];
  connections: number;
  warmupS: number;
  durationS: number;
}

export interface SqlLoadResult {
  /** Milliseconds of each transaction finished in the measured window. */
  latenciesMs: number[];
  elapsedS: number;
  /** Transactions finished in the warm-up and the measured window, for CPU per transaction. */
  transactions: number;
  /** CPU time of the clients' PostgreSQL backends over the warm-up and the measured window; NaN where /proc does not show them. */
  postgresCpuMs: number;
  errors: number;
  firstError: string | null;
}

/** USER_HZ: /proc reports CPU times in hundredths of a second on every Linux. */
const CLOCK_TICKS_PER_MS = 100 / 1000;

/** CPU milliseconds (user + system) a process of this machine has used; undefined when /proc does not show it. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // After the command name (which may hold spaces and parentheses): utime and stime are the 12th and 13th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS;
}

/**
 * CPU time every process on the machine has used so far (/proc/stat: all but idle and I/O wait), in
 * ms: with the services' own figures, what the rest (nats-server, Redis, the kernel) took.
 */
export async function machineBusyMs(): Promise<number> {
  const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const ticks = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3]! + ticks[4]!;
  return (ticks.reduce((sum, value) => sum + value, 0) - idle) / CLOCK_TICKS_PER_MS;
}

async function backendsCpuMs(clients: pg.Client[]): Promise<number> {
  const times = await Promise.all(clients.map((client) => processCpuMs((client as pg.Client & { processID: number }).processID)));
  return times.reduce<number>((sum, time) => sum + (time ?? Number.NaN), 0);
}

async function run(spec: SqlLoadSpec): Promise<SqlLoadResult> {
  const clients = Array.from({ length: spec.connections }, () => new pg.Client({ connectionString: spec.databaseUrl, options: `-c role=${spec.role}` }));
  await Promise.all(clients.map((client) => client.connect()));
  const latenciesMs: number[] = [];
  let errors = 0;
  let transactions = 0;
  let firstError: string | null = null;
  const cpuBefore = await backendsCpuMs(clients);
  const started = performance.now();
  const measureFrom = started + spec.warmupS * 1000;
  const stopAt = measureFrom + spec.durationS * 1000;
  try {
    await Promise.all(
      clients.map(async (client, index) => {
        for (let turn = index; performance.now() < stopAt; turn++) {
          const queries = spec.queries[turn % spec.queries.length]!;
          const sent = performance.now();
          try {
            await client.query('START TRANSACTION');
            await client.query('SELECT set_config($1, $2, true)', [spec.workspaceSetting, spec.workspaceId]);
            for (const query of queries) await client.query(query.text, query.values);
            await client.query('COMMIT');
          } catch (error) {
            errors++;
            firstError ??= error instanceof Error ? error.message : String(error);
            await client.query('ROLLBACK').catch(() => undefined);
            continue;
          }
          transactions++;
          const done = performance.now();
          if (sent >= measureFrom && done <= stopAt) latenciesMs.push(done - sent);
        }
      }),
    );
    const postgresCpuMs = (await backendsCpuMs(clients)) - cpuBefore;
    return { latenciesMs, elapsedS: spec.durationS, transactions, postgresCpuMs, errors, firstError };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

if (parentPort) {
  const port = parentPort;
  run(workerData as SqlLoadSpec).then(
    (result) => port.postMessage(result),
    (error: unknown) =>
      port.postMessage({
        latenciesMs: [],
        elapsedS: 0,
        transactions: 0,
        postgresCpuMs: Number.NaN,
        errors: 1,
        firstError: error instanceof Error ? error.message : String(error),
      }),
  );
}
