import { Module } from '@nestjs/common';
import { InvoiceDocumentsModule } from '../invoice-documents/invoice-documents.module.js';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { InvoiceSchedulesController } from './invoice-schedules.controller.js';
import { InvoiceSchedulesRepository } from './invoice-schedules.repository.js';
import { InvoiceSchedulesService } from './invoice-schedules.service.js';
import { InvoiceScheduler, InvoiceSchedulesJob } from './invoice-scheduler.js';

/** billing.invoice-schedules.* (SCHEDULE_OPERATIONS) and the hourly scheduler that makes each period's invoice. */
@Module({
  imports: [InvoicesModule, InvoiceDocumentsModule],
  controllers: [InvoiceSchedulesController],
  providers: [InvoiceSchedulesService, InvoiceSchedulesRepository, InvoiceScheduler, InvoiceSchedulesJob],
})
export class InvoiceSchedulesModule {}
