import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Injectable } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { NamespacedClientNats, ServiceClient, type RpcRequest } from '@kinship/messaging';
import { ServiceConfig } from '@kinship/config';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DomainEvents, messagingTablesMigration, type RunningService, type ServiceDefinition } from '../src/index.js';

const context = { workspaceId: null, userId: null, role: null, scopes: [], requestId: 'lifecycle-test' };

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
    events.subscribe({
      durableName: 'reporting-lifecycle-test',
      filterSubjects: ['events.crm.contact.created'],
      handler: async (event, manager) => {
        await manager.query('INSERT INTO reporting.copies (thing_id, name) VALUES ($1, $2)', [event.aggregateId, (event.data as { name: string }).name]);
      },
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
    migrations: [messagingTablesMigration('crm'), tableMigration('Things1763683200001', 'CREATE TABLE crm.things (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text)')],
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

  const copies = async () =>
    (await reporting.app.get(DataSource).query('SELECT thing_id, name FROM reporting.copies ORDER BY name')) as Array<{ name: string }>;

  beforeAll(async () => {
    environment = await createTestEnvironment('lifecycle');
    crm = await startTestService(producer, environment);
    reporting = await startTestService(consumer, environment);
    client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 5000);
  });

  afterAll(async () => {
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

  it('answers the requests in flight before it stops', async () => {
    const inFlight = client.send<string>('crm.lifecycle.slow', {}, context);
    await sleep(100);
    await crm.close();
    await expect(inFlight).resolves.toBe('finished');
    await expect(client.send('crm.lifecycle.slow', {}, context)).rejects.toMatchObject({ status: 503 });
  });
});
