import type { Abstract, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig, type ServiceConfig } from '@kinship/config';
import { RpcError } from '@kinship/messaging';
import { createLogger, NestPinoLogger, ServiceMetrics } from '@kinship/observability';
import { postgresOptions } from '@kinship/persistence';
import { migrateService, PlatformModule, serviceInfo, type RunningService, type ServiceDefinition } from '@kinship/platform';
import { DataSource } from 'typeorm';
import { startTestService } from './services.js';
import { createTestEnvironment, type TestEnvironment } from './test-environment.js';

/** An event a use case wrote to the service's outbox, as its envelope says. */
export interface OutboxEvent {
  type: string;
  aggregateId: string;
  actorId: string | null;
  data: Record<string, unknown>;
}

/**
 * One service's use cases, in this process, against its own schema in a fresh database: the
 * service's feature modules with their real repositories, DomainEvents (the outbox) and the
 * platform's connections, but no request/reply server, no gateway and no lifecycle hooks, so no
 * relay, consumers or schedulers run. What a use case emits stays in the outbox for the test to read.
 */
export interface ServiceTest {
  environment: TestEnvironment;
  module: TestingModule;
  /** A provider of the service (a use case class, a repository, a queue by its token), as its feature modules built it. */
  get<T>(token: Type<T> | Abstract<T> | string | symbol): T;
  /** The superuser that ran the migrations (row-level security does not bind it), to look behind the service. */
  owner: DataSource;
  /** What the use cases emitted for the workspace, oldest first. */
  events(workspaceId: string): Promise<OutboxEvent[]>;
  close(): Promise<void>;
}

export interface ServiceTestOptions {
  /** Variables added to the service's environment. */
  env?: Record<string, string>;
  /** Services started whole in the same environment to answer the requests the service under test sends (billing asks crm about customers). */
  peers?: ServiceDefinition[];
}

/** Migrates the service's schema in a database of the suite's own and builds its modules (see ServiceTest). */
export async function startServiceTest<C extends ServiceConfig>(definition: ServiceDefinition<C>, options: ServiceTestOptions = {}): Promise<ServiceTest> {
  const environment = await createTestEnvironment(`${definition.name}_service`);
  const peers: RunningService[] = [];
  let module: TestingModule | undefined;
  let owner: DataSource | undefined;
  try {
    for (const peer of options.peers ?? []) peers.push(await startTestService(peer, environment));
    const env = { ...environment.env, ...options.env };
    await migrateService(definition, env);
    const config = loadConfig(definition.name, definition.configSchema, env);
    const logger = createLogger(definition.name, config.LOG_LEVEL);
    const platform = PlatformModule.forRoot({
      info: serviceInfo(definition.name, config),
      config,
      logger,
      metrics: new ServiceMetrics(definition.name),
      database: definition.database,
      answersRequests: false,
    });
    module = await Test.createTestingModule({ imports: [platform, ...definition.features(config)] })
      .setLogger(new NestPinoLogger(logger))
      .compile();
    owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: definition.database.schema, poolSize: 2 }));
    await owner.initialize();
  } catch (error) {
    await module?.close();
    for (const peer of peers.reverse()) await peer.close();
    await environment.dispose();
    throw error;
  }
  const built = module;
  const superuser = owner;
  const outbox = `"${definition.database.schema}".outbox`;
  return {
    environment,
    module: built,
    owner: superuser,
    get: <T>(token: Type<T> | Abstract<T> | string | symbol) => built.get<T>(token, { strict: false }),
    async events(workspaceId) {
      const rows: Array<{ payload: OutboxEvent }> = await superuser.query(
        `SELECT payload FROM ${outbox} WHERE payload->>'workspaceId' = $1 ORDER BY position`,
        [workspaceId],
      );
      return rows.map(({ payload }) => ({ type: payload.type, aggregateId: payload.aggregateId, actorId: payload.actorId, data: payload.data }));
    },
    async close() {
      await built.close();
      for (const peer of peers.reverse()) await peer.close();
      await superuser.destroy();
      await environment.dispose();
    },
  };
}

/** The RpcError a use case refuses with; throws (failing the test) when it succeeds or fails otherwise. */
export async function refusal(work: Promise<unknown>): Promise<RpcError> {
  const outcome = await work.then(
    (result: unknown) => new Error(`expected a refusal, the use case succeeded with ${JSON.stringify(result)}`),
    (error: unknown) => error,
  );
  if (outcome instanceof RpcError) return outcome;
  throw outcome;
}
