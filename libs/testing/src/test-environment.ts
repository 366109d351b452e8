import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { deadLetterStreamName, eventStreamName } from '@kinship/messaging';
import { ATTACHMENTS_BUCKET, filesBucketName } from '@kinship/platform';
import pg from 'pg';
import { serverUrls } from './test-servers.js';

export interface TestEnvironment {
  /** A database of this suite alone, dropped by dispose(). */
  databaseUrl: string;
  databaseName: string;
  redisUrl: string;
  natsUrl: string;
  /** Prefix of every NATS subject and stream of this suite, e.g. "t_ab12cd.". */
  natsNamespace: string;
  /** The variables a service booted by this suite reads. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Removes the suite's event and dead-letter streams and its files and attachments buckets, which services create as they start. */
async function deleteStreams(natsUrl: string, namespace: string): Promise<void> {
  const nats = await connect({ servers: natsUrl });
  try {
    const streams = await jetstreamManager(nats);
    for (const name of [
      eventStreamName(namespace),
      deadLetterStreamName(namespace),
      `OBJ_${filesBucketName(namespace)}`,
      `OBJ_${filesBucketName(namespace, ATTACHMENTS_BUCKET)}`,
    ]) {
      await streams.streams.delete(name).catch(() => false);
    }
  } finally {
    await nats.close();
  }
}

/**
 * Gives a suite its own database and its own NATS namespace on the shared servers (or on the
 * servers given, e.g. a suite's private ones), so suites can run in parallel without seeing each
 * other's rows, subjects or streams.
 */
export async function createTestEnvironment(suite: string, servers = serverUrls()): Promise<TestEnvironment> {
  const token = randomBytes(4).toString('hex');
  const slug = suite
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const databaseName = `kinship_test_${slug}_${token}`;
  const admin = new pg.Client({ connectionString: servers.postgres });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${databaseName}"`);
  } finally {
    await admin.end();
  }
  const databaseUrl = withDatabase(servers.postgres, databaseName);
  const natsNamespace = `t_${token}.`;
  return {
    databaseUrl,
    databaseName,
    redisUrl: servers.redis,
    natsUrl: servers.nats,
    natsNamespace,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      REDIS_URL: servers.redis,
      NATS_URL: servers.nats,
      NATS_NAMESPACE: natsNamespace,
      // Port 0: each process listens on a free port, so suites never collide.
      HTTP_PORT: '0',
      GATEWAY_PORT: '0',
      INBOUND_SMTP_PORT: '0',
      INBOUND_SMTP_HOST: '127.0.0.1',
      WEBHOOKS_SECRET_KEY: randomBytes(32).toString('base64url'),
      // Each suite's own, so no suite depends on a key anyone else has.
      AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
    async dispose() {
      await deleteStreams(servers.nats, natsNamespace);
      const client = new pg.Client({ connectionString: servers.postgres });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
