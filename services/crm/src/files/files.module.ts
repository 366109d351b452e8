import { Module } from '@nestjs/common';
import { AttachmentFilesModule } from '@kinship/platform';
import { BillingInvoices } from './billing-invoices.js';
import { FileSweeper, FileSweepJob } from './file-sweep.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/** crm.files.*: uploaded files' metadata, attachments to records (invoices: checked with billing), the storage quota, and the sweep of deleted and orphaned bytes. */
@Module({
  controllers: [FilesController],
  imports: [AttachmentFilesModule.register()],
  providers: [FilesService, FilesRepository, BillingInvoices, FileSweeper, FileSweepJob],
  exports: [FilesService],
})
export class CrmFilesModule {}
