import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, createTraceState, propagation, ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  DEAD_LETTER_HEADERS,
  deadLetterStreamName,
  deadLetterSubject,
  EventConsumer,
  eventStreamName,
  OutboxRelay,
  OutboxWriter,
  subjectFor,
  type DomainEvent,
  type EventConsumerOptions,
  type EventHandler,
} from '../../src/events/index.js';
import { WORKSPACE_SETTING } from '@kinship/persistence';
import { deferred, delay, resetTestBed, SCHEMA, setUpTestBed, tearDownTestBed, waitFor, type EventsTestBed } from './support.js';

function envelope(type: string): DomainEvent<{ note: string }> {
  return {
    id: uuidv7(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    workspaceId: uuidv7(),
    actorId: uuidv7(),
    aggregateId: uuidv7(),
    data: { note: type },
  };
}

describe('EventConsumer', () => {
  let bed: EventsTestBed;
  const consumers: EventConsumer[] = [];

  /** Each test consumes the events of its own service, through its own durable consumer. */
  function consumer(service: string, handler: EventHandler, options: Partial<EventConsumerOptions> = {}): EventConsumer {
    const created = new EventConsumer({
      dataSource: bed.dataSource,
      schema: SCHEMA,
      js: bed.js,
      jsm: bed.jsm,
      namespace: bed.namespace,
      durableName: `test-${service}`,
      filterSubjects: [`events.${service}.>`],
      handler,
      maxDeliver: 5,
      backoffMs: [50, 100],
      ackWaitMs: 2_000,
      ...options,
    });
    consumers.push(created);
    return created;
  }

  async function publish(service: string, event: DomainEvent, msgID = event.id): Promise<void> {
    await bed.js.publish(subjectFor(bed.namespace, service, event.type), JSON.stringify(event), { msgID });
  }

  /** The handler's effect: one row per call that committed. */
  async function recordEffect(manager: EntityManager, event: DomainEvent): Promise<void> {
    await manager.query(`INSERT INTO ${SCHEMA}.effects (event_id) VALUES ($1)`, [event.id]);
  }

  async function effectCount(eventId: string): Promise<number> {
    const [{ count }] = await bed.dataSource.query(`SELECT count(*)::int AS count FROM ${SCHEMA}.effects WHERE event_id = $1`, [eventId]);
    return count;
  }

  async function settled(durableName: string): Promise<boolean> {
    const info = await bed.jsm.consumers.info(eventStreamName(bed.namespace), durableName);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  async function deadLetterOf(durableName: string) {
    return bed.jsm.streams.getMessage(deadLetterStreamName(bed.namespace), { last_by_subj: deadLetterSubject(bed.namespace, durableName) });
  }

  /** The top-level transaction a handler runs in. */
  async function transactionId(manager: EntityManager): Promise<string> {
    const [{ id }] = await manager.query(`SELECT txid_current()::text AS id`);
    return id;
  }

  /**
   * Makes the events one batch: the consumer is held in the handler of an opening event while
   * they are published, and let go once JetStream has delivered them all, so they wait together.
   */
  function batchOpener(service: string) {
    const event = envelope('batch.opened');
    const released = deferred();
    let inHand = false;
    return {
      event,
      /** The handler, holding the consumer in the opening event until `publishAsOneBatch` lets it go. */
      holding(handler: EventHandler): EventHandler {
        return async (received, manager, position) => {
          if (received.id === event.id) {
            inHand = true;
            await released.promise;
          }
          await handler(received, manager, position);
        };
      },
      async publishAsOneBatch(events: DomainEvent[]): Promise<void> {
        await publish(service, event);
        await waitFor('the opening event to be in hand', () => inHand);
        for (const next of events) await publish(service, next);
        await waitFor('JetStream to deliver them', async () => {
          const info = await bed.jsm.consumers.info(eventStreamName(bed.namespace), `test-${service}`);
          return info.num_pending === 0 && info.num_ack_pending === events.length + 1;
        });
        await delay(100); // for the last of them to cross from nats-server to the client
        released.resolve();
      },
    };
  }

  beforeAll(async () => {
    bed = await setUpTestBed('event consumer');
    await bed.dataSource.query(`CREATE TABLE ${SCHEMA}.effects (event_id uuid NOT NULL)`);
    // A constraint checked only at the commit: a handler can break it without any statement failing.
    await bed.dataSource.query(`CREATE TABLE ${SCHEMA}.checked_at_commit (id int, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`);
  });

  beforeEach(async () => {
    await resetTestBed(bed);
    await bed.dataSource.query(`TRUNCATE ${SCHEMA}.effects, ${SCHEMA}.checked_at_commit`);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((running) => running.stop()));
  });

  afterAll(async () => {
    await tearDownTestBed(bed);
  });

  it('has exactly one effect when the handler fails twice and then succeeds', async () => {
    const event = envelope('contact.created');
    let calls = 0;
    const running = consumer('retry', async (received, manager) => {
      calls += 1;
      await recordEffect(manager, received); // rolled back with the failures below
      if (calls <= 2) throw new Error(`failure ${calls}`);
    });
    await running.start();
    await publish('retry', event);

    await waitFor('the third delivery to succeed', () => calls === 3);
    await waitFor('the consumer to acknowledge it', () => settled('test-retry'));
    expect(calls).toBe(3);
    expect(await effectCount(event.id)).toBe(1);
    const inbox = await bed.dataSource.query(`SELECT consumer FROM ${SCHEMA}.inbox WHERE event_id = $1`, [event.id]);
    expect(inbox).toEqual([{ consumer: 'test-retry' }]);
  });

  it('has one effect when the same event is delivered twice', async () => {
    const event = envelope('contact.updated');
    let calls = 0;
    const running = consumer('redelivery', async (received, manager) => {
      calls += 1;
      await recordEffect(manager, received);
    });
    await running.start();
    // Distinct message ids get past JetStream's de-duplication: the stream holds the event twice.
    await publish('redelivery', event, `${event.id}:first`);
    await publish('redelivery', event, `${event.id}:second`);

    await waitFor('both copies to be acknowledged', async () => {
      const info = await bed.jsm.consumers.info(eventStreamName(bed.namespace), 'test-redelivery');
      return info.delivered.consumer_seq === 2 && info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect(calls).toBe(1);
    expect(await effectCount(event.id)).toBe(1);
  });

  it('dead-letters a poison event after maxDeliver tries and does not retry it afterwards', async () => {
    const event = envelope('contact.deleted');
    let calls = 0;
    let deadLetters = 0;
    const running = consumer(
      'poison',
      async (received, manager) => {
        calls += 1;
        await recordEffect(manager, received);
        throw new Error('this event always fails\nsecond line');
      },
      { maxDeliver: 3, ackWaitMs: 500, metrics: { deadLetters: { inc: () => (deadLetters += 1) } } },
    );
    await running.start();
    await publish('poison', event);

    const deadLetterStream = deadLetterStreamName(bed.namespace);
    const subject = deadLetterSubject(bed.namespace, 'test-poison');
    await waitFor('the dead letter', async () => (await bed.jsm.streams.getMessage(deadLetterStream, { last_by_subj: subject })) !== null);
    const deadLetter = await bed.jsm.streams.getMessage(deadLetterStream, { last_by_subj: subject });
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.deliveryCount)).toBe('3');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.error)).toBe('this event always fails second line');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.consumer)).toBe('test-poison');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.originalSubject)).toBe(subjectFor(bed.namespace, 'poison', event.type));
    expect(deadLetter?.json<DomainEvent>()).toEqual(event);
    expect(calls).toBe(3);

    // Longer than the back-off and the ack wait: a retry would have happened by now.
    await delay(1_000);
    expect(calls).toBe(3);
    expect(deadLetters).toBe(1);
    expect(await settled('test-poison')).toBe(true);
    expect(await effectCount(event.id)).toBe(0);
    const { state } = await bed.jsm.streams.info(deadLetterStream);
    expect(state.messages).toBe(1);
  });

  it('dead-letters a message that is not an event envelope at once, without calling the handler', async () => {
    let calls = 0;
    const running = consumer('garbage', async () => {
      calls += 1;
    });
    await running.start();
    await bed.js.publish(`${bed.namespace}events.garbage.contact.created`, 'not json');

    const subject = deadLetterSubject(bed.namespace, 'test-garbage');
    await waitFor('the dead letter', async () => (await bed.jsm.streams.getMessage(deadLetterStreamName(bed.namespace), { last_by_subj: subject })) !== null);
    const deadLetter = await bed.jsm.streams.getMessage(deadLetterStreamName(bed.namespace), { last_by_subj: subject });
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.deliveryCount)).toBe('1');
    expect(deadLetter?.string()).toBe('not json');
    expect(calls).toBe(0);
  });

  it('reports its lag, and finishes the event in hand before stop() returns', async () => {
    const lags: number[] = [];
    let calls = 0;
    const handler: EventHandler = async (received, manager) => {
      calls += 1;
      await delay(300);
      await recordEffect(manager, received);
    };
    const lagOptions: Partial<EventConsumerOptions> = { ackWaitMs: 10_000, metrics: { consumerLag: { set: (value) => lags.push(value) } } };
    const first = consumer('lag', handler, lagOptions);
    await first.start();
    await first.stop();

    const events = [envelope('deal.won'), envelope('deal.won'), envelope('deal.won')];
    for (const event of events) await publish('lag', event);
    expect(await first.lag()).toBe(3);

    const second = consumer('lag', handler, lagOptions);
    await second.start();
    await waitFor('the first event to be in hand', () => calls === 1);
    await second.stop();
    // Whatever was started or already received was finished and acknowledged; nothing is left to
    // redeliver. Acks are sent without waiting for the server, hence a moment's wait, well short of ackWait.
    await waitFor(
      'the acks to reach JetStream',
      async () => {
        const info = await bed.jsm.consumers.info(eventStreamName(bed.namespace), 'test-lag');
        return info.num_ack_pending === 0;
      },
      1_000,
    );
    const effects = await Promise.all(events.map((event) => effectCount(event.id)));
    expect(effects.reduce((sum, count) => sum + count, 0)).toBe(calls);

    const third = consumer('lag', handler, lagOptions);
    await third.start();
    await waitFor('the rest to be handled', () => settled('test-lag'));
    expect(await third.lag()).toBe(0);
    expect(await Promise.all(events.map((event) => effectCount(event.id)))).toEqual([1, 1, 1]);
    expect(lags[0]).toBe(2); // delivered first, with two more waiting behind it
  });

  it('handles the events received together in one transaction: a poison one among them is dead-lettered, the others have one effect each, in order', async () => {
    const opener = batchOpener('batch');
    const events = [envelope('contact.created'), envelope('contact.poisoned'), envelope('contact.updated'), envelope('contact.deleted')];
    const poison = events[1];
    const calls: { eventId: string; transaction: string }[] = [];
    const running = consumer(
      'batch',
      opener.holding(async (received, manager) => {
        calls.push({ eventId: received.id, transaction: await transactionId(manager) });
        await recordEffect(manager, received); // for the poison event, rolled back to its savepoint
        if (received.id === poison.id) throw new Error('this event always fails');
      }),
      { maxDeliver: 3 },
    );
    await running.start();
    await opener.publishAsOneBatch(events);

    await waitFor('the dead letter', async () => (await deadLetterOf('test-batch')) !== null);
    await waitFor('the consumer to settle', () => settled('test-batch'));
    // Stream order, and the four after the opener in one transaction.
    expect(calls.slice(0, 5).map((call) => call.eventId)).toEqual([opener.event, ...events].map((event) => event.id));
    expect(new Set(calls.slice(1, 5).map((call) => call.transaction)).size).toBe(1);
    // Then only the poison event's redeliveries, up to maxDeliver.
    expect(calls.slice(5).map((call) => call.eventId)).toEqual([poison.id, poison.id]);
    expect(await Promise.all([opener.event, ...events].map((event) => effectCount(event.id)))).toEqual([1, 1, 0, 1, 1]);
    const inbox = await bed.dataSource.query(`SELECT event_id FROM ${SCHEMA}.inbox WHERE consumer = 'test-batch'`);
    expect(inbox.map((row: { event_id: string }) => row.event_id).sort()).toEqual(
      [opener.event, events[0], events[2], events[3]].map((event) => event.id).sort(),
    );
    const deadLetter = await deadLetterOf('test-batch');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.deliveryCount)).toBe('3');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.error)).toBe('this event always fails');
    expect(deadLetter?.json<DomainEvent>()).toEqual(poison);
  });

  it('handles each event of a batch in a transaction of its own when the batch fails at its commit', async () => {
    const opener = batchOpener('commit');
    const events = [envelope('contact.created'), envelope('contact.conflicted'), envelope('contact.updated')];
    const breaksAtCommit = events[1];
    const warnings: string[] = [];
    const calls: string[] = [];
    const running = consumer(
      'commit',
      opener.holding(async (received, manager) => {
        calls.push(received.id);
        await recordEffect(manager, received);
        if (received.id === breaksAtCommit.id) await manager.query(`INSERT INTO ${SCHEMA}.checked_at_commit (id) VALUES (1), (1)`);
      }),
      { maxDeliver: 2, logger: { info() {}, warn: (_fields, message) => warnings.push(message), error() {} } },
    );
    await running.start();
    await opener.publishAsOneBatch(events);

    await waitFor('the dead letter', async () => (await deadLetterOf('test-commit')) !== null);
    await waitFor('the consumer to settle', () => settled('test-commit'));
    expect(warnings).toContain('event batch transaction failed; handling its events one transaction each');
    // The batch, then each of its events again in a transaction of its own, then the failing one's redelivery.
    const ids = events.map((event) => event.id);
    expect(calls).toEqual([opener.event.id, ...ids, ...ids, breaksAtCommit.id]);
    expect(await Promise.all(events.map((event) => effectCount(event.id)))).toEqual([1, 0, 1]);
    const deadLetter = await deadLetterOf('test-commit');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.deliveryCount)).toBe('2');
    expect(deadLetter?.header.get(DEAD_LETTER_HEADERS.error)).toMatch(/duplicate key/);
  });

  it('starts each event of a batch without the workspace an earlier event set for row-level security', async () => {
    const opener = batchOpener('workspace');
    const confined = envelope('contact.created');
    const unconfined = { ...envelope('contact.created'), workspaceId: null };
    const seen: { eventId: string; workspace: string | null; transaction: string }[] = [];
    const running = consumer(
      'workspace',
      opener.holding(async (received, manager) => {
        const [{ workspace }] = await manager.query(`SELECT current_setting($1, true) AS workspace`, [WORKSPACE_SETTING]);
        seen.push({ eventId: received.id, workspace, transaction: await transactionId(manager) });
        // What the platform's handlers do.
        if (received.workspaceId) await manager.query('SELECT set_config($1, $2, true)', [WORKSPACE_SETTING, received.workspaceId]);
      }),
    );
    await running.start();
    await opener.publishAsOneBatch([confined, unconfined]);

    await waitFor('the consumer to settle', () => settled('test-workspace'));
    const [, first, second] = seen;
    expect(second.transaction).toBe(first.transaction);
    expect([first.eventId, second.eventId]).toEqual([confined.id, unconfined.id]);
    expect(second.workspace).toBe('');
  });

  describe('set-wise', () => {
    it('records a batch in the inbox at once and runs its handlers in one transaction, each confined to its event’s workspace; afterBatch gets the applied events, not a duplicate', async () => {
      const opener = batchOpener('setwise');
      const first = envelope('contact.created');
      const unconfined = { ...envelope('contact.created'), workspaceId: null };
      const duplicate = envelope('contact.updated');
      const last = envelope('contact.deleted');
      await bed.dataSource.query(`INSERT INTO ${SCHEMA}.inbox (consumer, event_id) VALUES ('test-setwise', $1)`, [duplicate.id]);
      const seen: { eventId: string; workspace: string; transaction: string }[] = [];
      const batches: { transaction: string; eventIds: string[]; positions: number[] }[] = [];
      const running = consumer(
        'setwise',
        opener.holding(async (received, manager) => {
          const [{ workspace }] = await manager.query(`SELECT current_setting($1, true) AS workspace`, [WORKSPACE_SETTING]);
          seen.push({ eventId: received.id, workspace, transaction: await transactionId(manager) });
          await recordEffect(manager, received);
        }),
        {
          setWise: true,
          maxBatch: 500,
          afterBatch: async (manager, handled) => {
            batches.push({
              transaction: await transactionId(manager),
              eventIds: handled.map(({ event }) => event.id),
              positions: handled.map(({ position }) => position.streamSequence),
            });
          },
        },
      );
      await running.start();
      await opener.publishAsOneBatch([first, unconfined, duplicate, last]);

      await waitFor('the consumer to settle', () => settled('test-setwise'));
      const [, ...batch] = seen;
      expect(batch.map((call) => call.eventId)).toEqual([first.id, unconfined.id, last.id]);
      expect(batch.map((call) => call.workspace)).toEqual([first.workspaceId, '', last.workspaceId]);
      expect(new Set(batch.map((call) => call.transaction)).size).toBe(1);
      expect(batches.map((applied) => applied.eventIds)).toEqual([[opener.event.id], [first.id, unconfined.id, last.id]]);
      expect(batches[1]!.transaction).toBe(batch[0]!.transaction);
      expect(batches[1]!.positions).toEqual([...batches[1]!.positions].sort((a, b) => a - b));
      expect(await Promise.all([first, unconfined, duplicate, last].map((event) => effectCount(event.id)))).toEqual([1, 1, 0, 1]);
    });

    it('acknowledges the events the handler does not apply (applies) without an inbox row or a handler call, passes them to afterBatch, and lets a batch grow beyond 1,000 unacknowledged', async () => {
      const opener = batchOpener('applies');
      const applied = [envelope('contact.created'), envelope('contact.updated')];
      const skipped = [envelope('deal.created'), envelope('deal.updated')];
      const calls: string[] = [];
      const positions: string[] = [];
      const running = consumer(
        'applies',
        opener.holding(async (received, manager) => {
          calls.push(received.id);
          await recordEffect(manager, received);
        }),
        {
          setWise: true,
          maxBatch: 2_000,
          applies: (event) => event.type !== 'deal.created' && event.type !== 'deal.updated',
          afterBatch: async (_manager, handled) => {
            positions.push(...handled.map(({ event }) => event.id));
          },
        },
      );
      await running.start();
      const info = await bed.jsm.consumers.info(eventStreamName(bed.namespace), 'test-applies');
      expect(info.config.max_ack_pending).toBe(4_000);
      await opener.publishAsOneBatch([applied[0]!, skipped[0]!, applied[1]!, skipped[1]!]);

      await waitFor('the consumer to settle', () => settled('test-applies'));
      expect(calls.filter((id) => id !== opener.event.id)).toEqual(applied.map((event) => event.id));
      expect(positions).toEqual([opener.event.id, applied[0]!.id, skipped[0]!.id, applied[1]!.id, skipped[1]!.id]);
      const inbox: Array<{ event_id: string }> = await bed.dataSource.query(`SELECT event_id FROM ${SCHEMA}.inbox WHERE consumer = 'test-applies'`);
      expect(inbox.map((row) => row.event_id).sort()).toEqual([opener.event.id, ...applied.map((event) => event.id)].sort());
    });

    it('acknowledges a batch of events it only skips without a transaction: it needs no database for them', async () => {
      // Never connected: a transaction would fail, and the events would be redelivered and dead-lettered.
      const unreachable = new DataSource({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' });
      const calls: string[] = [];
      const running = consumer(
        'skipsonly',
        async (received) => {
          calls.push(received.id);
        },
        { dataSource: unreachable, setWise: true, maxDeliver: 1, applies: (event) => event.type === 'contact.created' },
      );
      await running.start();
      for (const event of [envelope('deal.created'), envelope('deal.updated')]) await publish('skipsonly', event);

      await waitFor('the consumer to settle', () => settled('test-skipsonly'));
      const info = await bed.jsm.consumers.info(eventStreamName(bed.namespace), 'test-skipsonly');
      expect({ deliveries: info.delivered.consumer_seq, redelivered: info.num_redelivered }).toEqual({ deliveries: 2, redelivered: 0 });
      expect(await deadLetterOf('test-skipsonly')).toBeNull();
      expect(calls).toEqual([]);
    });

    it('rolls a batch back when a handler fails and handles it again a savepoint per event: the others have one effect each, the failing one is dead-lettered', async () => {
      const opener = batchOpener('setwisefailure');
      const events = [envelope('contact.created'), envelope('contact.poisoned'), envelope('contact.updated')];
      const poison = events[1];
      const calls: string[] = [];
      const applied: string[] = [];
      const warnings: string[] = [];
      const running = consumer(
        'setwisefailure',
        opener.holding(async (received, manager) => {
          calls.push(received.id);
          await recordEffect(manager, received);
          if (received.id === poison.id) throw new Error('this event always fails');
        }),
        {
          setWise: true,
          maxBatch: 500,
          maxDeliver: 2,
          afterBatch: async (_manager, handled) => {
            applied.push(...handled.map(({ event }) => event.id));
          },
          logger: { info() {}, warn: (_fields, message) => warnings.push(message), error() {} },
        },
      );
      await running.start();
      await opener.publishAsOneBatch(events);

      await waitFor('the dead letter', async () => (await deadLetterOf('test-setwisefailure')) !== null);
      await waitFor('the consumer to settle', () => settled('test-setwisefailure'));
      const ids = events.map((event) => event.id);
      // Set-wise up to the failure, then the batch again a savepoint each, then the failing one's redelivery.
      expect(calls).toEqual([opener.event.id, ids[0], ids[1], ...ids, poison.id]);
      expect(warnings).toContain('set-wise event batch failed; handling its events a savepoint each');
      expect(await Promise.all(events.map((event) => effectCount(event.id)))).toEqual([1, 0, 1]);
      expect(applied.filter((id) => id !== opener.event.id).sort()).toEqual([ids[0], ids[2]].sort());
      expect((await deadLetterOf('test-setwisefailure'))?.header.get(DEAD_LETTER_HEADERS.error)).toBe('this event always fails');
    });
    it('hands the new events to applyBatch instead of the handler, a run per workspace in stream order in one transaction; a failed run replays them through the handler, and the bad one alone is dead-lettered', async () => {
      const opener = batchOpener('applybatch');
      const first = envelope('contact.created');
      const sameWorkspace = { ...envelope('contact.updated'), workspaceId: first.workspaceId };
      const other = envelope('contact.created');
      const poison = { ...envelope('contact.poisoned'), workspaceId: other.workspaceId };
      const hold = opener.holding(async () => {});
      const runs: { eventIds: string[]; workspace: string; transaction: string }[] = [];
      const calls: string[] = [];
      const running = consumer(
        'applybatch',
        async (received, manager) => {
          calls.push(received.id);
          await recordEffect(manager, received);
          if (received.id === poison.id) throw new Error('this event always fails');
        },
        {
          setWise: true,
          maxBatch: 500,
          maxDeliver: 2,
          applyBatch: async (run, manager) => {
            for (const { event, position } of run) await hold(event, manager, position);
            const [{ workspace }] = await manager.query(`SELECT current_setting($1, true) AS workspace`, [WORKSPACE_SETTING]);
            runs.push({ eventIds: run.map(({ event }) => event.id), workspace, transaction: await transactionId(manager) });
            for (const { event } of run) await recordEffect(manager, event);
            if (run.some(({ event }) => event.id === poison.id)) throw new Error('this event always fails');
          },
          logger: { info() {}, warn() {}, error() {} },
        },
      );
      await running.start();
      await opener.publishAsOneBatch([first, sameWorkspace, other, poison]);

      await waitFor('the dead letter', async () => (await deadLetterOf('test-applybatch')) !== null);
      await waitFor('the consumer to settle', () => settled('test-applybatch'));
      expect(runs.map((run) => run.eventIds)).toEqual([[opener.event.id], [first.id, sameWorkspace.id], [other.id, poison.id]]);
      expect(runs.map((run) => run.workspace)).toEqual([opener.event.workspaceId, first.workspaceId, other.workspaceId]);
      expect(runs[1]!.transaction).toBe(runs[2]!.transaction);
      // The failed batch again a savepoint each through the handler, then the poison's redelivery.
      expect(calls).toEqual([first.id, sameWorkspace.id, other.id, poison.id, poison.id]);
      expect(await Promise.all([opener.event, first, sameWorkspace, other, poison].map((event) => effectCount(event.id)))).toEqual([1, 1, 1, 1, 0]);
      expect((await deadLetterOf('test-applybatch'))?.header.get(DEAD_LETTER_HEADERS.error)).toBe('this event always fails');
    });
  });

  describe('trace context', () => {
    beforeAll(() => {
      // What the OpenTelemetry SDK registers in a service.
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });

    afterAll(() => {
      context.disable();
      propagation.disable();
    });

    it('carries the writer’s trace context through the outbox and NATS headers into the handler', async () => {
      const writerSpan: SpanContext = {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
        traceState: createTraceState('kinship=test'),
      };
      const writer = new OutboxWriter({ schema: SCHEMA, service: 'traced', namespace: bed.namespace });
      const written = await context.with(trace.setSpanContext(ROOT_CONTEXT, writerSpan), () =>
        bed.dataSource.transaction((manager) =>
          writer.add(manager, { type: 'task.completed', workspaceId: null, actorId: null, aggregateId: uuidv7(), data: {} }),
        ),
      );
      const [row] = await bed.dataSource.query(`SELECT headers FROM ${SCHEMA}.outbox WHERE id = $1`, [written.id]);
      expect(row.headers).toEqual({ traceparent: `00-${writerSpan.traceId}-${writerSpan.spanId}-01`, tracestate: 'kinship=test' });
      await new OutboxRelay({ dataSource: bed.dataSource, schema: SCHEMA, js: bed.js }).publishBatch();

      let seenInHandler: SpanContext | undefined;
      const running = consumer('traced', async () => {
        seenInHandler = trace.getSpanContext(context.active());
      });
      await running.start();
      await waitFor('the event to be handled', () => seenInHandler !== undefined);

      expect(seenInHandler).toMatchObject({ traceId: writerSpan.traceId, spanId: writerSpan.spanId, isRemote: true });
      expect(seenInHandler?.traceState?.serialize()).toBe('kinship=test');
    });

    it('runs a handler without trace headers in a fresh context', async () => {
      let seenInHandler: SpanContext | undefined | null = null;
      const running = consumer('untraced', async () => {
        seenInHandler = trace.getSpanContext(context.active());
      });
      await running.start();
      const event = envelope('note.added');
      const headers = natsHeaders();
      headers.set('unrelated', 'value');
      await bed.js.publish(subjectFor(bed.namespace, 'untraced', event.type), JSON.stringify(event), { msgID: event.id, headers });
      await waitFor('the event to be handled', () => seenInHandler !== null);
      expect(seenInHandler).toBeUndefined();
    });
  });
});
