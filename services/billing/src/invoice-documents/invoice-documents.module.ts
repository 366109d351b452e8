import { Module } from '@nestjs/common';
import { FilesModule } from '@kinship/platform';
import { InvoicesRepository } from '../invoices/invoices.repository.js';
import { BillingSettingsModule } from '../settings/billing-settings.module.js';
import { InvoiceDocumentsController } from './invoice-documents.controller.js';
import { InvoiceDocumentsService } from './invoice-documents.service.js';

/** billing.invoices.pdf and .send (DOCUMENT_OPERATIONS): the PDF of an invoice and emailing it. */
@Module({
  imports: [BillingSettingsModule, FilesModule.register()],
  controllers: [InvoiceDocumentsController],
  providers: [InvoiceDocumentsService, InvoicesRepository],
  exports: [InvoiceDocumentsService],
})
export class InvoiceDocumentsModule {}
