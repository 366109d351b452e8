import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { BillingSettingsModule } from '../settings/billing-settings.module.js';
import { CustomerDirectory } from './customers.js';
import { DealInvoices } from './deal-invoices.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesRepository } from './invoices.repository.js';
import { InvoicesService } from './invoices.service.js';
import { OverdueCheckJob, OverdueInvoices } from './overdue-invoices.js';

/** billing.invoices.*: the operations of INVOICE_OPERATIONS, and the daily overdue check. */
@Module({
  imports: [BillingSettingsModule, LedgerModule],
  controllers: [InvoicesController],
  providers: [InvoicesService, InvoicesRepository, CustomerDirectory, DealInvoices, OverdueInvoices, OverdueCheckJob],
  exports: [InvoicesService, CustomerDirectory],
})
export class InvoicesModule {}
