import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Injectable } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventStreamName, NamespacedClientNats, ServiceClient, type RpcRequest } from '@kinship/messaging';
import { WORKSPACE_SETTING } from '@kinship/persistence';
import { v7 as uuidv7 } from 'uuid';
import { ServiceConfig } from '@kinship/config';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DomainEvents, messagingTablesMigration, type RunningService, type ServiceDefinition } from '../src/index.js';

const context = { workspaceId: null, userId: null, role: null, scopes: [], requestId: 'lifecycle-test' };

/** What each note.created handler saw: its event's workspace, the workspace setting it ran with, its transaction. */
const notesSeen: { workspaceId: string | null; setting: string; transaction: string }[] = [];
/** The consumer holds the first note.created it takes until the test lets it go, so the events published meanwhile wait as one batch. */
let firstNoteInHand = false;
let releaseFirstNote = (): void => {};
const firstNoteReleased = new Promise<void>((resolve) => (releaseFirstNote = resolve));

/** crm-side handlers: one that records a change and its event, one that takes its time. */
@Controller()
class Producer {
  constructor(private readonly events: DomainEvents) {}

  @MessagePattern('crm.lifecycle.create')
  async create(@Payload() request: RpcRequest<{ name: string; fail?: boolean }>): Promise<{ id: string }> {
    return this.events.transaction(null, async (manager, emit) => {
      const [row] = (await manager.query('INSERT INTO crm.things (name) VALUES ($1) RETURNING id', [request.data.name])) as Array<{ id: string }>;
      await emit({ type: 'contact.created', workspaceId: null, actorId: null, aggregateId: row!.id, data: { name: request.data.name } });
      if (request.data.fail) throw new Error('rolled back on purpose');
      return { id: row!.id };
    });
  }

  /** Emits note.created once per workspace given (null: an event of no workspace), in one transaction. */
  @MessagePattern('crm.lifecycle.notes')
  async notes(@Payload() request: RpcRequest<{ workspaceIds: (string | null)[] }>): Promise<void> {
    await this.events.transaction(null, async (_manager, emit) => {
      for (const workspaceId of request.data.workspaceIds) await emit({ type: 'note.created', workspaceId, actorId: null, aggregateId: uuidv7(), data: {} });
    });
  }

  @MessagePattern('crm.lifecycle.slow')
  async slow(): Promise<string> {
    await sleep(800);
    return 'finished';
  }
}

/** reporting-side consumer: keeps a local copy of what crm created. */
@Injectable()
class Projection {
  constructor(events: DomainEvents) {
    events.subscribe('contact.created', { durableName: 'reporting-lifecycle-test' }, async (event, manager) => {
      // The producer's own test payload, not a contact.
      const { name } = event.data as unknown as { name: string };
      await manager.query('INSERT INTO reporting.copies (thing_id, name) VALUES ($1, $2)', [event.aggregateId, name]);
    });
    events.subscribe('note.created', { durableName: 'reporting-workspace-test' }, async (event, manager) => {
      if (!firstNoteInHand) {
        firstNoteInHand = true;
        await firstNoteReleased;
      }
      const [{ setting, transaction }] = await manager.query(`SELECT current_setting($1, true) AS setting, txid_current()::text AS transaction`, [
        WORKSPACE_SETTING,
      ]);
      notesSeen.push({ workspaceId: event.workspaceId, setting, transaction });
    });
  }
}

/** A migration of the test's own, run like a service's: DDL belongs to migrations, not to the running service's role. */
function tableMigration(name: string, ddl: string): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(ddl);
    }
    async down(): Promise<void> {}
  };
}

const producer: ServiceDefinition = {
  name: 'crm',
  configSchema: ServiceConfig,
  database: {
    schema: 'crm',
    migrations: [
      messagingTablesMigration('crm'),
      tableMigration('Things1763683200001', 'CREATE TABLE crm.things (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text)'),
    ],
  },
  features: () => [{ module: class ProducerModule {}, controllers: [Producer] }],
};
const consumer: ServiceDefinition = {
  name: 'reporting',
  configSchema: ServiceConfig,
  database: {
    schema: 'reporting',
    migrations: [
      messagingTablesMigration('reporting'),
      tableMigration('Copies1763683200001', 'CREATE TABLE reporting.copies (thing_id uuid PRIMARY KEY, name text)'),
    ],
  },
  features: () => [{ module: class ProjectionModule {}, providers: [Projection] }],
};

describe('a service’s events and shutdown', () => {
  let environment: TestEnvironment;
  let crm: RunningService;
  let reporting: RunningService;
  let client: ServiceClient;
  let nats: NatsConnection;
  let jsm: JetStreamManager;

  const copies = async () =>
    (await reporting.app.get(DataSource).query('SELECT thing_id, name FROM reporting.copies ORDER BY name')) as Array<{ name: string }>;

  beforeAll(async () => {
    environment = await createTestEnvironment('lifecycle');
    crm = await startTestService(producer, environment);
    reporting = await startTestService(consumer, environment);
    client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 5000);
    nats = await connect({ servers: environment.natsUrl });
    jsm = await jetstreamManager(nats);
  });

  afterAll(async () => {
    releaseFirstNote();
    await nats?.close();
    await client?.close();
    await reporting?.close();
    await crm?.close();
    await environment?.dispose();
  });

  it('delivers a committed change to another service once, and a rolled-back one never', async () => {
    await client.send('crm.lifecycle.create', { name: 'kept' }, context);
    await expect(client.send('crm.lifecycle.create', { name: 'discarded', fail: true }, context)).rejects.toMatchObject({ status: 500 });
    await client.send('crm.lifecycle.create', { name: 'kept too' }, context);
    for (let attempt = 0; attempt < 50 && (await copies()).length < 2; attempt++) await sleep(100);
    await sleep(300);
    expect((await copies()).map((row) => row.name)).toEqual(['kept', 'kept too']);

    const producerMetrics = await (await fetch(`${crm.url}/metrics`)).text();
    expect(producerMetrics).toMatch(/^kinship_outbox_backlog\{service="crm"\} 0$/m);
    const consumerMetrics = await (await fetch(`${reporting.url}/metrics`)).text();
    expect(consumerMetrics).toMatch(/^kinship_consumer_lag\{service="reporting",consumer="reporting-lifecycle-test"\} 0$/m);
  });

  it('runs each event’s handler in its own workspace, none for an event of none, even after another event of its batch', async () => {
    const workspaceId = uuidv7();
    await client.send('crm.lifecycle.notes', { workspaceIds: [null] }, context);
    for (let attempt = 0; attempt < 100 && !firstNoteInHand; attempt++) await sleep(50);
    expect(firstNoteInHand).toBe(true);
    await client.send('crm.lifecycle.notes', { workspaceIds: [workspaceId, null] }, context);
    const delivered = async () => {
      const info = await jsm.consumers.info(eventStreamName(environment.natsNamespace), 'reporting-workspace-test');
      return info.num_pending === 0 && info.num_ack_pending === 3;
    };
    for (let attempt = 0; attempt < 100 && !(await delivered()); attempt++) await sleep(50);
    await sleep(100); // for the last of them to cross from nats-server to the client
    releaseFirstNote();
    for (let attempt = 0; attempt < 100 && notesSeen.length < 3; attempt++) await sleep(50);

    const [, confined, unconfined] = notesSeen;
    expect(notesSeen.map((seen) => seen.workspaceId)).toEqual([null, workspaceId, null]);
    expect(unconfined!.transaction).toBe(confined!.transaction);
    expect([confined!.setting, unconfined!.setting]).toEqual([workspaceId, '']);
  });

  it('answers the requests in flight before it stops', async () => {
    const inFlight = client.send<string>('crm.lifecycle.slow', {}, context);
    await sleep(100);
    await crm.close();
    await expect(inFlight).resolves.toBe('finished');
    await expect(client.send('crm.lifecycle.slow', {}, context)).rejects.toMatchObject({ status: 503 });
  });
});
