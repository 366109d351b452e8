import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  ensureEventStream,
  eventStreamName,
  OutboxRelay,
  OutboxWriter,
  type DomainEvent,
  type EventsLogger,
  type NewDomainEvent,
  type OutboxRelayOptions,
} from '../../src/events/index.js';
import { delay, resetTestBed, SCHEMA, setUpTestBed, storedMessages, tearDownTestBed, TEST_RETENTION, waitFor, type EventsTestBed } from './support.js';

/** Dies the way a relay process would between publishing a batch and marking it: its transaction never commits. */
class RelayCrashingBeforeMark extends OutboxRelay {
  protected override async markPublished(): Promise<void> {
    throw new Error('simulated crash between publish and mark');
  }
}

function contactCreated(name: string, aggregateId = uuidv7()): NewDomainEvent<{ name: string }> {
  return { type: 'contact.created', workspaceId: uuidv7(), actorId: null, aggregateId, data: { name } };
}

/** Each event's place in `ids`, per aggregate: an aggregate's events must appear in the order written. */
function orderOf(ids: string[], events: DomainEvent[]): Record<string, number[]> {
  const order: Record<string, number[]> = {};
  for (const event of events) (order[event.aggregateId] ??= []).push(ids.indexOf(event.id));
  return order;
}

describe('OutboxRelay', () => {
  let bed: EventsTestBed;
  let writer: OutboxWriter;
  const relays: OutboxRelay[] = [];

  function relay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const created = new OutboxRelay({ dataSource: bed.dataSource, schema: SCHEMA, js: bed.js, batchSize: 10, pollIntervalMs: 50, ...options });
    relays.push(created);
    return created;
  }

  async function write<T>(event: NewDomainEvent<T>): Promise<DomainEvent<T>> {
    return bed.dataSource.transaction((manager) => writer.add(manager, event));
  }

  async function publishedIds(): Promise<string[]> {
    const messages = await storedMessages(bed.jsm, eventStreamName(bed.namespace));
    return messages.map((message) => message.header.get('Nats-Msg-Id'));
  }

  beforeAll(async () => {
    bed = await setUpTestBed('outbox relay');
    writer = new OutboxWriter({ schema: SCHEMA, service: 'crm', namespace: bed.namespace });
  });

  beforeEach(async () => {
    await resetTestBed(bed);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((running) => running.stop()));
  });

  afterAll(async () => {
    await tearDownTestBed(bed);
  });

  it('writes the envelope to the outbox with its subject, and refuses a manager outside a transaction', async () => {
    const event = await write(contactCreated('Ada'));
    expect(event.version).toBe(1);
    expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
    const [row] = await bed.dataSource.query(`SELECT subject, type, payload, published_at FROM ${SCHEMA}.outbox WHERE id = $1`, [event.id]);
    expect(row).toEqual({ subject: `${bed.namespace}events.crm.contact.created`, type: 'contact.created', payload: event, published_at: null });
    await expect(writer.add(bed.dataSource.manager, contactCreated('Bob'))).rejects.toThrow('open transaction');
  });

  it('writes the events of one transaction in one statement, in the order given, each with its own payload', async () => {
    const names = ['Ada "the first" Lovelace', 'C:\\path\\with "quotes"', 'Grace Hopper'];
    const written = await bed.dataSource.transaction(async (manager: EntityManager) => {
      const pending = names.map((name) => writer.prepare(contactCreated(name)));
      await writer.write(manager, pending);
      return pending.map((event) => event.envelope);
    });
    const rows: Array<{ id: string; payload: DomainEvent }> = await bed.dataSource.query(`SELECT id, payload FROM ${SCHEMA}.outbox ORDER BY position`);
    expect(rows).toEqual(written.map((event) => ({ id: event.id, payload: event })));
    expect(rows.map((row) => (row.payload.data as { name: string }).name)).toEqual(names);
  });

  it('never publishes an event whose transaction rolled back', async () => {
    await expect(
      bed.dataSource.transaction(async (manager: EntityManager) => {
        await writer.add(manager, contactCreated('rolled back'));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const committed = await write(contactCreated('committed'));

    const running = relay();
    running.start();
    await waitFor('the committed event to be published', async () => (await running.backlog()) === 0);
    await running.stop();

    expect(await publishedIds()).toEqual([committed.id]);
    const [{ count }] = await bed.dataSource.query(`SELECT count(*)::int AS count FROM ${SCHEMA}.outbox`);
    expect(count).toBe(1);
  });

  it('publishes events in outbox order, across several batches', async () => {
    const written: string[] = [];
    for (let index = 0; index < 25; index += 1) written.push((await write(contactCreated(`contact ${index}`))).id);

    const running = relay({ batchSize: 7 });
    running.start();
    await waitFor('all events to be published', async () => (await running.backlog()) === 0);

    expect(await publishedIds()).toEqual(written);
  });

  it('keeps order and publishes each event once when two relays run at the same time', async () => {
    const written: string[] = [];
    for (let index = 0; index < 40; index += 1) written.push((await write(contactCreated(`contact ${index}`))).id);

    const first = relay({ batchSize: 5, pollIntervalMs: 10 });
    const second = relay({ batchSize: 5, pollIntervalMs: 10 });
    first.start();
    second.start();
    await waitFor('all events to be published', async () => (await first.backlog()) === 0);

    expect(await publishedIds()).toEqual(written);
  });

  it('publishes an event exactly once when the relay dies after publishing and before marking it', async () => {
    const event = await write(contactCreated('published twice, stored once'));

    const crashing = new RelayCrashingBeforeMark({ dataSource: bed.dataSource, schema: SCHEMA, js: bed.js, batchSize: 10, pollIntervalMs: 50 });
    await expect(crashing.publishBatch()).rejects.toThrow('simulated crash between publish and mark');
    // The event reached the stream, but the outbox still says it is unpublished.
    expect(await publishedIds()).toEqual([event.id]);
    expect(await crashing.backlog()).toBe(1);

    const restarted = relay();
    restarted.start();
    await waitFor('the restarted relay to mark the event', async () => (await restarted.backlog()) === 0);
    await restarted.stop();

    expect(await publishedIds()).toEqual([event.id]);
    const [row] = await bed.dataSource.query(`SELECT published_at FROM ${SCHEMA}.outbox WHERE id = $1`, [event.id]);
    expect(row.published_at).toBeInstanceOf(Date);

    // A consumer reading the whole stream receives the event once.
    const reader = await bed.js.consumers.get(eventStreamName(bed.namespace));
    const received: string[] = [];
    for await (const message of await reader.fetch({ max_messages: 10, expires: 1_000 })) {
      received.push(message.json<DomainEvent>().id);
    }
    expect(received).toEqual([event.id]);
  });

  it('publishes a batch in waves: distinct aggregates together, an aggregate’s next event after its previous PubAck', async () => {
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    const written: DomainEvent[] = [];
    for (const [name, aggregate] of [
      ['a1', a],
      ['a2', a],
      ['b1', b],
      ['c1', c],
      ['b2', b],
      ['a3', a],
    ] as const) {
      written.push(await write(contactCreated(name, aggregate)));
    }
    const nameOf = new Map(written.map((event) => [event.id, (event.data as { name: string }).name]));
    const sent: string[][] = [];
    let inFlight: string[] = [];
    const acked = new Set<string>();
    const sentBeforeAck: Array<[string, string[]]> = [];
    const recording = Object.assign(Object.create(bed.js) as JetStreamClient, {
      publish: async (...args: Parameters<JetStreamClient['publish']>) => {
        const name = nameOf.get(args[2]!.msgID!)!;
        if (inFlight.length === 0) sent.push([]);
        sent.at(-1)!.push(name);
        inFlight.push(name);
        sentBeforeAck.push([name, [...acked]]);
        try {
          return await bed.js.publish(...args);
        } finally {
          acked.add(name);
          inFlight = inFlight.filter((other) => other !== name);
        }
      },
    });

    expect(await relay({ js: recording }).publishBatch()).toBe(6);

    // Three waves, each sent before any of its PubAcks came back.
    expect(sent).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
    expect(Object.fromEntries(sentBeforeAck.filter(([name]) => name.startsWith('a')))).toEqual({
      a1: [],
      a2: ['a1', 'b1', 'c1'],
      a3: ['a1', 'b1', 'c1', 'a2', 'b2'],
    });
    const ids = await publishedIds();
    expect(ids).toHaveLength(6);
    expect(orderOf(ids, written)).toEqual({ [a]: [0, 3, 5], [b]: [1, 4], [c]: [2] });
    expect(await relay().backlog()).toBe(0);
  });

  it('when one publish of a wave fails, marks the wave’s acknowledged events, sends no later wave, and keeps every aggregate in order', async () => {
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    const written: DomainEvent[] = [];
    for (const [name, aggregate] of [
      ['a1', a],
      ['b1', b],
      ['c1', c],
      ['a2', a],
      ['b2', b],
      ['c2', c],
    ] as const) {
      written.push(await write(contactCreated(name, aggregate)));
    }
    const failing = written[1]!.id;
    const refusing = Object.assign(Object.create(bed.js) as JetStreamClient, {
      publish: (...args: Parameters<JetStreamClient['publish']>) =>
        args[2]!.msgID === failing ? Promise.reject(new Error('simulated refusal of b1')) : bed.js.publish(...args),
    });

    await expect(relay({ js: refusing }).publishBatch()).rejects.toThrow('simulated refusal of b1');
    // a1 and c1 were acknowledged and are marked; b1 is not in the stream, and no second event went out.
    expect(await publishedIds()).toEqual([written[0]!.id, written[2]!.id]);
    const unpublished = await bed.dataSource.query(`SELECT id FROM ${SCHEMA}.outbox WHERE published_at IS NULL ORDER BY position`);
    expect(unpublished.map((row: { id: string }) => row.id)).toEqual([written[1]!.id, written[3]!.id, written[4]!.id, written[5]!.id]);

    const running = relay();
    running.start();
    await waitFor('the rest to be published', async () => (await running.backlog()) === 0);
    const ids = await publishedIds();
    expect(ids).toHaveLength(6);
    // The retry's waves: b1, a2 and c2 together, then b2.
    expect(orderOf(ids, written)).toEqual({ [a]: [0, 3], [b]: [2, 5], [c]: [1, 4] });
  });

  it('leaves events unpublished while NATS rejects them, and publishes them once it accepts', async () => {
    // A namespace whose stream does not exist yet: JetStream answers every publish with an error.
    const lateNamespace = `${bed.namespace}late.`;
    bed.namespaces.push(lateNamespace);
    const lateWriter = new OutboxWriter({ schema: SCHEMA, service: 'crm', namespace: lateNamespace });
    const event = await bed.dataSource.transaction((manager) => lateWriter.add(manager, contactCreated('waits for NATS')));
    const errors: object[] = [];
    const logger: EventsLogger = { info() {}, warn() {}, error: (fields) => errors.push(fields) };

    const running = relay({ logger });
    running.start();
    await waitFor('the relay to report failed attempts', () => errors.length >= 2);
    expect(await running.backlog()).toBe(1);

    await ensureEventStream(bed.jsm, lateNamespace, TEST_RETENTION);
    await waitFor('the event to be published after NATS accepts it', async () => (await running.backlog()) === 0, 15_000);
    const stored = await storedMessages(bed.jsm, eventStreamName(lateNamespace));
    expect(stored.map((message) => message.header.get('Nats-Msg-Id'))).toEqual([event.id]);
  });

  it('wakes on notify() instead of waiting for the next poll', async () => {
    const running = relay({ pollIntervalMs: 60_000 });
    running.start();
    await delay(100); // The outbox was empty: the relay is now asleep for a minute.

    const event = await write(contactCreated('urgent'));
    running.notify();
    await waitFor('the event to be published', async () => (await running.backlog()) === 0, 2_000);
    expect(await publishedIds()).toEqual([event.id]);

    // stop() must not wait out the poll interval either.
    const stopping = Date.now();
    await running.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });

  it('reports its backlog to the gauge and purges published events by age', async () => {
    const backlogs: number[] = [];
    await write(contactCreated('one'));
    await write(contactCreated('two'));

    const running = relay({ metrics: { outboxBacklog: { set: (value) => backlogs.push(value) } } });
    expect(await running.backlog()).toBe(2);
    running.start();
    await waitFor('the gauge to be set', () => backlogs.length > 0);
    await running.stop();
    expect(backlogs).toEqual([0]);

    expect(await running.purgePublished(1)).toBe(0);
    expect(await running.purgePublished(0)).toBe(2);
    const [{ count }] = await bed.dataSource.query(`SELECT count(*)::int AS count FROM ${SCHEMA}.outbox`);
    expect(count).toBe(0);
  });
});
