import {
  Inject,
  Injectable,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ServiceConfig, variablesWithDevelopmentValues } from '@kinship/config';
import { NamespacedClientNats, NATS_RECONNECT, ServiceClient } from '@kinship/messaging';
import { ServiceMetrics, type Logger } from '@kinship/observability';
import { postgresOptions, runtimeRoleFor, type ServiceDatabaseOptions } from '@kinship/persistence';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { DomainEvents } from './events/domain-events.service.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessService } from './health/readiness.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { InstallationSecrets } from './secrets/installation-secrets.js';
import { createSystemController } from './system/system.controller.js';
import { LOGGER, NATS_CONNECTION, REDIS, SERVICE_INFO, USES_DATABASE, type ServiceInfo } from './tokens.js';

export interface PlatformOptions {
  info: ServiceInfo;
  config: ServiceConfig;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Omitted by the gateway, which owns no tables. */
  database?: Omit<ServiceDatabaseOptions, 'url'>;
  /** Whether to answer `<service>.system.*` over NATS (every service but the gateway). */
  answersRequests: boolean;
}

/**
 * Stops event work before the application's shutdown hooks run (TypeORM closes the database in
 * its own, and a consumer still handling a backlog would fail on a closed pool), then, after Nest
 * has stopped taking requests, closes the connections this module opened.
 */
@Injectable()
class ConnectionCloser implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly client: ServiceClient,
    @Optional() private readonly events?: DomainEvents,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.events?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    await this.nats.drain().catch(() => undefined);
    this.redis.disconnect();
  }
}

/**
 * What every Kinship process has: its configuration, logger and metrics, connections to NATS
 * (for events) and Redis, its own PostgreSQL schema, /health and /metrics.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, info } = options;
    // loadConfig refused these unless KINSHIP_DEV_INSECURE=true; say so at every start.
    const published = variablesWithDevelopmentValues(config);
    if (published.length > 0) {
      options.logger.warn(
        { variables: published },
        `INSECURE: ${published.join(', ')} ${published.length === 1 ? 'is' : 'are'} set to a development value published in Kinship's source (KINSHIP_DEV_INSECURE=true); anyone can forge what ${published.length === 1 ? 'it signs' : 'they sign'}. Never expose this installation.`,
      );
    }
    const providers: Provider[] = [
      { provide: SERVICE_INFO, useValue: info },
      { provide: ServiceConfig, useValue: config },
      { provide: config.constructor, useValue: config },
      { provide: LOGGER, useValue: options.logger },
      { provide: ServiceMetrics, useValue: options.metrics },
      { provide: USES_DATABASE, useValue: options.database !== undefined },
      {
        provide: NATS_CONNECTION,
        // Without an Error (and its stack trace) built per request: JetStream publishes are requests,
        // one per event the relay sends. The RPC client's connection does the same.
        useFactory: () => connect({ servers: config.NATS_URL.split(','), name: `${info.name}-${info.instance}`, ...NATS_RECONNECT, noAsyncTraces: true }),
      },
      {
        provide: REDIS,
        useFactory: async () => {
          // Commands on the request path (sign-in checks, idempotency keys, throttling) fail at once
          // while Redis is unreachable instead of waiting in ioredis' offline queue for a reconnection:
          // the caller answers 503 (or degrades) within milliseconds, not seconds. Bull has its own connections.
          // Auto-pipelining sends the commands of concurrent requests issued in one event-loop tick
          // (revocation checks, idempotency claims) in one socket write instead of one each.
          const redis = new Redis(config.REDIS_URL, {
            lazyConnect: true,
            enableAutoPipelining: true,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 2,
            connectionName: `kinship-${info.name}`,
          });
          await redis.connect();
          return redis;
        },
      },
      {
        provide: ServiceClient,
        useFactory: () => {
          const proxy = new NamespacedClientNats(
            { servers: config.NATS_URL.split(','), name: `${info.name}-client`, ...NATS_RECONNECT },
            config.NATS_NAMESPACE,
          );
          return new ServiceClient(proxy, config.RPC_TIMEOUT_MS, options.metrics);
        },
      },
      ConnectionCloser,
      ReadinessService,
    ];
    const imports: DynamicModule[] = [TerminusModule.forRoot({ errorLogStyle: 'json' })];
    if (options.database) {
      imports.push(
        TypeOrmModule.forRoot({
          ...postgresOptions({
            ...options.database,
            url: config.DATABASE_URL,
            applicationName: `kinship-${info.name}`,
            runtimeRole: runtimeRoleFor(options.database.schema),
          }),
          autoLoadEntities: true,
        }),
      );
      const { schema } = options.database;
      providers.push(DomainEvents, {
        provide: InstallationSecrets,
        useFactory: (dataSource: DataSource) => new InstallationSecrets(dataSource, schema),
        inject: [getDataSourceToken()],
      });
    }
    const controllers = [HealthController, MetricsController];
    if (options.answersRequests) controllers.push(createSystemController(info.name));
    return {
      module: PlatformModule,
      global: true,
      imports,
      controllers,
      providers,
      exports: [
        SERVICE_INFO,
        ServiceConfig,
        config.constructor,
        LOGGER,
        ServiceMetrics,
        NATS_CONNECTION,
        REDIS,
        ServiceClient,
        ReadinessService,
        ...(options.database ? [DomainEvents, InstallationSecrets] : []),
      ],
    };
  }
}
