import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@kinship/observability';
import { ATTACHMENTS_OPTIONS, FileStore, LOGGER, NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import { Thumbnails } from './thumbnails.js';

/** The object store of files attached to records: its own bucket, without the imports and exports bucket's expiry. */
export const ATTACHMENTS = Symbol('ATTACHMENTS');

/** Provides the gateway's files controller with the attachments' FileStore and the thumbnails made in it. */
@Module({
  providers: [
    {
      provide: ATTACHMENTS,
      inject: [NATS_CONNECTION, SERVICE_INFO],
      useFactory: (nats: NatsConnection, info: ServiceInfo) => FileStore.open(nats, { namespace: info.namespace, ...ATTACHMENTS_OPTIONS }),
    },
    { provide: Thumbnails, inject: [ATTACHMENTS, LOGGER], useFactory: (files: FileStore, logger: Logger) => new Thumbnails(files, logger) },
  ],
  exports: [ATTACHMENTS, Thumbnails],
})
export class AttachmentsModule {}
