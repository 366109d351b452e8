export { migrateService, serviceInfo, startService, type RunningService, type ServiceDefinition } from './bootstrap.js';
export { ReadinessService } from './health/readiness.service.js';
export { PlatformModule, type PlatformOptions } from './platform.module.js';
export { runUntilSignalled } from './run.js';
export { LOGGER, NATS_CONNECTION, REDIS, SERVICE_INFO, type ServiceInfo, type ServiceName } from './tokens.js';
export { messagingTablesMigration, runMigrationsAndExit } from './migrations.js';
export { DomainEvents, type Emit, type Subscription, type SubscriptionHandler } from './events/domain-events.service.js';
export { QueuesModule } from './queues/queues.module.js';
