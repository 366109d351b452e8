import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { nanos } from '@nats-io/transport-node';
import { deadLetterStreamName, ensureEventStream, eventStreamName } from '../../src/events/index.js';
import { setUpTestBed, tearDownTestBed, TEST_RETENTION, type EventsTestBed } from './support.js';

const DAY_NS = nanos(24 * 60 * 60 * 1000);

describe('ensureEventStream: the replay horizon', () => {
  let bed: EventsTestBed;

  beforeAll(async () => {
    bed = await setUpTestBed('event-stream');
  });

  afterAll(async () => {
    await tearDownTestBed(bed);
  });

  it('creates the events and dead-letter streams with the age limit, and a size limit on events only when one is set', async () => {
    const namespace = `${bed.namespace}fresh.`;
    bed.namespaces.push(namespace);
    await ensureEventStream(bed.jsm, namespace, { maxAgeDays: 30, maxBytes: 0 });
    expect((await bed.jsm.streams.info(eventStreamName(namespace))).config).toMatchObject({ max_age: 30 * DAY_NS, max_bytes: -1 });
    expect((await bed.jsm.streams.info(deadLetterStreamName(namespace))).config).toMatchObject({ max_age: 30 * DAY_NS, max_bytes: -1 });
  });

  it('changes the limits of an existing stream, keeping its events', async () => {
    const stream = eventStreamName(bed.namespace);
    expect((await bed.jsm.streams.info(stream)).config.max_age).toBe(TEST_RETENTION.maxAgeDays * DAY_NS);
    await bed.js.publish(`${bed.namespace}events.crm.contact.created`, '{}');

    await ensureEventStream(bed.jsm, bed.namespace, { maxAgeDays: 90, maxBytes: 5_000_000 });

    const { config, state } = await bed.jsm.streams.info(stream);
    expect(config).toMatchObject({ max_age: 90 * DAY_NS, max_bytes: 5_000_000 });
    expect(state.messages).toBe(1);
  });
});
