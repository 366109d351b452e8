import { Module } from '@nestjs/common';
import { BillingSettingsModule } from '../settings/billing-settings.module.js';
import { CustomerDirectory } from './customers.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesRepository } from './invoices.repository.js';
import { InvoicesService } from './invoices.service.js';

/** billing.invoices.*: the operations of INVOICE_OPERATIONS. */
@Module({
  imports: [BillingSettingsModule],
  controllers: [InvoicesController],
  providers: [InvoicesService, InvoicesRepository, CustomerDirectory],
})
export class InvoicesModule {}
