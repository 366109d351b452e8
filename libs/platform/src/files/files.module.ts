import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig } from '@kinship/config';
import { IsInt, Max, Min } from 'class-validator';
import { NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '../tokens.js';
import { ATTACHMENTS_OPTIONS, FileStore } from './file-store.js';

/** FILES_TTL_DAYS (or <SERVICE>_FILES_TTL_DAYS): how long uploads and exports are kept. */
export class FilesConfig {
  @IsInt()
  @Min(1)
  @Max(365)
  FILES_TTL_DAYS: number = 7;
}

/**
 * Provides the FileStore to the features of a service that read or write shared files.
 * Global, so importing it once in a service (or in each feature that needs it) is enough.
 */
@Module({})
export class FilesModule {
  static register(): DynamicModule {
    return {
      module: FilesModule,
      global: true,
      providers: [
        {
          provide: FileStore,
          inject: [NATS_CONNECTION, SERVICE_INFO],
          useFactory: (nats: NatsConnection, info: ServiceInfo) =>
            FileStore.open(nats, { namespace: info.namespace, ttlDays: loadConfig(info.name, FilesConfig).FILES_TTL_DAYS }),
        },
      ],
      exports: [FileStore],
    };
  }
}

/** The FileStore of files attached to records (ATTACHMENTS_BUCKET), kept until deleted. */
export const ATTACHMENT_FILES = Symbol('ATTACHMENT_FILES');

/** Provides ATTACHMENT_FILES: the bucket of record attachments, without the expiry of the shared files' bucket. */
@Module({})
export class AttachmentFilesModule {
  static register(): DynamicModule {
    return {
      module: AttachmentFilesModule,
      providers: [
        {
          provide: ATTACHMENT_FILES,
          inject: [NATS_CONNECTION, SERVICE_INFO],
          useFactory: (nats: NatsConnection, info: ServiceInfo) => FileStore.open(nats, { namespace: info.namespace, ...ATTACHMENTS_OPTIONS }),
        },
      ],
      exports: [ATTACHMENT_FILES],
    };
  }
}
