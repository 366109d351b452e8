// Jest loads this file alone as its global setup, so it imports nothing of its own folder.
import { connect } from 'node:net';

/** Where the suites find their servers: the ones named in the environment, else this machine's defaults. */
export function serverUrls(): { postgres: string; redis: string; nats: string } {
  return {
    postgres: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redis: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    nats: process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  };
}

interface Startable {
  stop(): Promise<unknown>;
}

declare global {
  var kinshipTestContainers: Startable[] | undefined;
}

export function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Finds the servers the suites share: the ones the environment names or this machine's
 * defaults; only where none answers and a Docker engine exists does it start containers.
 */
export default async function globalSetup(): Promise<void> {
  const urls = serverUrls();
  const missing = [];
  for (const [name, url] of Object.entries(urls)) if (!(await reachable(url))) missing.push(`${name} at ${url}`);
  if (missing.length === 0) return;
  const named = ['TEST_DATABASE_URL', 'TEST_REDIS_URL', 'TEST_NATS_URL'].filter((variable) => process.env[variable]);
  if (named.length > 0) throw new Error(`Not reachable: ${missing.join(', ')} (set by ${named.join(', ')}).`);
  const { GenericContainer, Wait } = await import('testcontainers').catch(() => ({ GenericContainer: undefined, Wait: undefined }));
  if (!GenericContainer || !Wait) throw new Error(`Not reachable: ${missing.join(', ')}, and testcontainers is not installed.`);
  try {
    const [postgres, redis, nats] = await Promise.all([
      new GenericContainer('postgres:16-alpine')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start(),
      new GenericContainer('redis:7-alpine').withExposedPorts(6379).start(),
      new GenericContainer('nats:2-alpine')
        .withCommand(['-js'])
        .withExposedPorts(4222)
        .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
        .start(),
    ]);
    globalThis.kinshipTestContainers = [postgres, redis, nats];
    process.env.TEST_DATABASE_URL = `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`;
    process.env.TEST_REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
    process.env.TEST_NATS_URL = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
  } catch (error) {
    throw new Error(
      `Not reachable: ${missing.join(', ')}; and containers could not be started (${(error as Error).message}). ` +
        'Start PostgreSQL, Redis and NATS (with JetStream), or set TEST_DATABASE_URL, TEST_REDIS_URL and TEST_NATS_URL.',
    );
  }
}
