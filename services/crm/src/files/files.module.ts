import { Module } from '@nestjs/common';
import { BillingInvoices } from './billing-invoices.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/** crm.files.*: uploaded files' metadata, attachments to records (invoices: checked with billing) and the storage quota. */
@Module({
  controllers: [FilesController],
  providers: [FilesService, FilesRepository, BillingInvoices],
})
export class CrmFilesModule {}
