import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { ServiceConfig } from '@kinship/config';
import { deadLetterStreamName, eventStreamName } from '@kinship/messaging';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { messagingTablesMigration, type RunningService, type ServiceDefinition } from '../src/index.js';

const DAY_NS = nanos(24 * 60 * 60 * 1000);

const service: ServiceDefinition = {
  name: 'reporting',
  configSchema: ServiceConfig,
  database: { schema: 'reporting', migrations: [messagingTablesMigration('reporting')] },
  features: () => [],
};

describe('the events stream’s retention limits', () => {
  let environment: TestEnvironment;
  let nats: NatsConnection;
  let jsm: JetStreamManager;
  let running: RunningService | undefined;

  beforeAll(async () => {
    environment = await createTestEnvironment('event-retention');
    nats = await connect({ servers: environment.natsUrl });
    jsm = await jetstreamManager(nats);
  });

  afterAll(async () => {
    await running?.close();
    await nats?.close();
    await environment?.dispose();
  });

  it('gives a stream that an earlier version created without limits the configured ones at start-up', async () => {
    const namespace = environment.natsNamespace;
    // As declared before EVENTS_MAX_AGE_DAYS existed: no age or size limit.
    await jsm.streams.add({
      name: eventStreamName(namespace),
      subjects: [`${namespace}events.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
    });
    expect((await jsm.streams.info(eventStreamName(namespace))).config).toMatchObject({ max_age: 0, max_bytes: -1 });

    running = await startTestService(service, environment, { EVENTS_MAX_AGE_DAYS: '7', EVENTS_MAX_BYTES: '1073741824' });

    expect((await jsm.streams.info(eventStreamName(namespace))).config).toMatchObject({ max_age: 7 * DAY_NS, max_bytes: 1073741824 });
    expect((await jsm.streams.info(deadLetterStreamName(namespace))).config).toMatchObject({ max_age: 7 * DAY_NS, max_bytes: -1 });
  });
});
