import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ATTACHMENTS_OPTIONS, FileStore, NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import { BillingInvoices } from './billing-invoices.js';
import { ATTACHMENTS_STORE, FileSweeper, FileSweepJob } from './file-sweep.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/** crm.files.*: uploaded files' metadata, attachments to records (invoices: checked with billing) the storage quota, and the sweep of deleted and orphaned bytes. */
@Module({
  controllers: [FilesController],
  providers: [
    FilesService,
    FilesRepository,
    BillingInvoices,
    {
      provide: ATTACHMENTS_STORE,
      inject: [NATS_CONNECTION, SERVICE_INFO],
      useFactory: (nats: NatsConnection, info: ServiceInfo) => FileStore.open(nats, { namespace: info.namespace, ...ATTACHMENTS_OPTIONS }),
    },
    FileSweeper,
    FileSweepJob,
  ],
})
export class CrmFilesModule {}
