import { randomBytes } from 'node:crypto';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ClassConstructor } from 'class-transformer';
import { loadConfig, type ServiceConfig } from '@kinship/config';
import { NamespacedServerNats, NATS_RECONNECT, RpcContextInterceptor, RpcErrorFilter } from '@kinship/messaging';
import { createLogger, NestPinoLogger, ServiceMetrics, type Logger } from '@kinship/observability';
import { runMigrations, postgresOptions, type ServiceDatabaseOptions } from '@kinship/persistence';
import { DataSource } from 'typeorm';
import { PlatformModule } from './platform.module.js';
import type { ServiceInfo, ServiceName } from './tokens.js';

/** What makes one service: its name, its configuration, its schema and its feature modules. */
export interface ServiceDefinition<C extends ServiceConfig = ServiceConfig> {
  name: Exclude<ServiceName, 'gateway'>;
  configSchema: ClassConstructor<C>;
  database: Omit<ServiceDatabaseOptions, 'url'>;
  /** A method, whose parameter compares bivariantly: any service's definition is a ServiceDefinition (startServiceTest's peers mix them). */
  features(config: C): Array<Type | DynamicModule>;
}

export interface RunningService<C extends ServiceConfig = ServiceConfig> {
  app: NestFastifyApplication;
  config: C;
  logger: Logger;
  /** Where its health and metrics are served. */
  url: string;
  close(): Promise<void>;
}

export function serviceInfo(name: ServiceName, config: ServiceConfig): ServiceInfo {
  return {
    name,
    version: config.SERVICE_VERSION,
    instance: randomBytes(4).toString('hex'),
    namespace: config.NATS_NAMESPACE,
    startedAt: new Date(),
  };
}

/** Applies the service's migrations to its schema. */
export async function migrateService<C extends ServiceConfig>(definition: ServiceDefinition<C>, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const config = loadConfig(definition.name, definition.configSchema, env);
  const dataSource = new DataSource(postgresOptions({ ...definition.database, url: config.DATABASE_URL, poolSize: 1 }));
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource, definition.database.schema);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Starts a service: answers requests over NATS in the queue group named after it, and serves
 * /health and /metrics over HTTP. Throws ConfigError, naming the variable, on bad configuration.
 */
export async function startService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService<C>> {
  const config = loadConfig(definition.name, definition.configSchema, env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const metrics = new ServiceMetrics(definition.name);
  const info = serviceInfo(definition.name, config);

  @Module({
    imports: [PlatformModule.forRoot({ info, config, logger, metrics, database: definition.database, answersRequests: true }), ...definition.features(config)],
  })
  class ServiceModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ServiceModule, new FastifyAdapter(), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new RpcErrorFilter(logger));
  app.useGlobalInterceptors(new RpcContextInterceptor(metrics, config.NATS_NAMESPACE));
  app.connectMicroservice(
    {
      strategy: new NamespacedServerNats(
        { servers: config.NATS_URL.split(','), queue: definition.name, name: `${definition.name}-${info.instance}-rpc`, ...NATS_RECONNECT },
        config.NATS_NAMESPACE,
        config.SHUTDOWN_GRACE_MS,
        { resolve: (controller) => app.get(controller, { strict: false }), logger, metrics },
      ),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen({ port: config.HTTP_PORT, host: '0.0.0.0' });
  const url = await app.getUrl();
  logger.info({ url, namespace: config.NATS_NAMESPACE, instance: info.instance }, `${definition.name} service started`);
  return {
    app,
    config,
    logger,
    url: url.replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1'),
    close: async () => {
      await app.close();
      logger.info(`${definition.name} service stopped`);
    },
  };
}
