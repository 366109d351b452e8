export { migrateService, serviceInfo, startService, type RunningService, type ServiceDefinition } from './bootstrap.js';
export { ReadinessService } from './health/readiness.service.js';
export { PlatformModule, type PlatformOptions } from './platform.module.js';
export { runUntilSignalled } from './run.js';
export { LOGGER, NATS_CONNECTION, REDIS, SERVICE_INFO, type ServiceInfo, type ServiceName } from './tokens.js';
export { messagingTablesMigration, runMigrationsAndExit } from './migrations.js';
export { DomainEvents, type Emit } from './events/domain-events.service.js';
export { eventFilterSubject, eventOfTypes, type BatchHandler, type EventHandler, type EventOf, type SubscriptionOptions } from './events/event-subscription.js';
export { QueuesModule, type QueueDefinition } from './queues/queues.module.js';
export { detectContentType, SNIFF_BYTES, uploadedFileName } from './files/content-type.js';
export {
  ATTACHMENTS_BUCKET,
  ATTACHMENTS_OPTIONS,
  FileStore,
  filesBucketName,
  type FileContent,
  type FileStoreOptions,
  type StoredFile,
} from './files/file-store.js';
export { ATTACHMENT_FILES, AttachmentFilesModule, FilesConfig, FilesModule } from './files/files.module.js';
export { InstallationSecrets, installationSecretsMigration } from './secrets/installation-secrets.js';
export { csvText } from './csv/csv-text.js';
