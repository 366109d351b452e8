import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { reachable } from './test-servers.js';

const run = promisify(execFile);

export type PrivateServerName = 'postgres' | 'redis' | 'nats';

/**
 * PostgreSQL, Redis and NATS (JetStream on a file store) of one suite alone, on free ports and
 * in a temporary folder, so a test can stop and start them without disturbing anything else.
 * Each keeps its data across a restart, as a production server does: PostgreSQL its data
 * directory, Redis an append-only file synced on every write, NATS its JetStream store.
 */
export interface PrivateServers {
  urls: Record<PrivateServerName, string>;
  stop(name: PrivateServerName): Promise<void>;
  /** Starts a stopped server again on the same port and data; resolves when it accepts work. */
  start(name: PrivateServerName): Promise<void>;
  /** Stops all of them and removes their folder. */
  close(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The newest PostgreSQL of a Debian-style install, else whatever `initdb` the PATH finds. */
function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(root, newest, 'bin') : '';
}

/** PostgreSQL refuses to run as root; a root test runs it as the `postgres` account instead. */
async function postgresAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid), gid: Number(gid) };
}

/** A server binary that is not installed is named, with what to install. */
function missing(command: string, error: Error): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  return new Error(
    `${command} is not installed: suites with private servers run nats-server, redis-server and PostgreSQL's initdb/postgres themselves (Debian/Ubuntu: apt-get install nats-server redis-server postgresql)`,
  );
}

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function acceptsQueries(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface ServerProcess {
  command: string;
  args: string[];
  account?: { uid: number; gid: number };
  /** The signal of a clean, fast shutdown. */
  stopSignal: NodeJS.Signals;
  ready(): Promise<boolean>;
  child?: ChildProcess;
}

export async function startPrivateServers(): Promise<PrivateServers> {
  const account = await postgresAccount();
  const bin = postgresBinaries();
  const folder = mkdtempSync(join(tmpdir(), 'kinship-servers-'));
  const [postgresPort, redisPort, natsPort] = [await freePort(), await freePort(), await freePort()];
  const urls = {
    postgres: `postgres://postgres@127.0.0.1:${postgresPort}/postgres`,
    redis: `redis://127.0.0.1:${redisPort}`,
    nats: `nats://127.0.0.1:${natsPort}`,
  };

  const pgData = join(folder, 'postgres');
  // initdb as another account needs to own the folder it writes in.
  if (account) chownSync(folder, account.uid, account.gid);
  await run(join(bin, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { ...account }).catch((error: Error) => {
    rmSync(folder, { recursive: true, force: true });
    throw missing('initdb', error);
  });

  const servers: Record<PrivateServerName, ServerProcess> = {
    postgres: {
      command: join(bin, 'postgres'),
      // fsync off: the suite tests the services' recovery, not the disk's.
      args: ['-D', pgData, '-p', String(postgresPort), '-k', pgData, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
      account,
      stopSignal: 'SIGINT',
      ready: () => acceptsQueries(urls.postgres),
    },
    redis: {
      command: 'redis-server',
      args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
      stopSignal: 'SIGTERM',
      ready: () => reachable(urls.redis),
    },
    nats: {
      command: 'nats-server',
      args: ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(folder, 'jetstream')],
      stopSignal: 'SIGTERM',
      ready: () => reachable(urls.nats),
    },
  };

  // A suite that dies without close() leaves no server behind.
  const killAll = () => {
    for (const server of Object.values(servers)) server.child?.kill('SIGKILL');
  };
  process.once('exit', killAll);

  async function start(name: PrivateServerName): Promise<void> {
    const server = servers[name];
    if (server.child) throw new Error(`${name} is already running`);
    const child = spawn(server.command, server.args, { stdio: 'ignore', ...server.account });
    server.child = child;
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
      child.once('error', (error) => reject(missing(server.command, error)));
    });
    exited.catch(() => undefined);
    child.once('exit', () => {
      if (server.child === child) server.child = undefined;
    });
    await Promise.race([until(name, server.ready), exited]);
  }

  async function stop(name: PrivateServerName): Promise<void> {
    const child = servers[name].child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(servers[name].stopSignal);
    await exited;
  }

  try {
    await Promise.all([start('postgres'), start('redis'), start('nats')]);
  } catch (error) {
    killAll();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    urls,
    start,
    stop,
    async close() {
      await Promise.all([stop('postgres'), stop('redis'), stop('nats')]);
      process.removeListener('exit', killAll);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
