import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { OverdueInvoicesConsumer } from './overdue-invoices.consumer.js';
import { SlaCheckJob, SlaMonitor } from './sla-monitor.js';
import { SupportSettingsController } from './support-settings.controller.js';
import { SupportSettingsRepository } from './support-settings.repository.js';
import { SupportSettingsService } from './support-settings.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsRepository } from './tickets.repository.js';
import { TicketsService } from './tickets.service.js';

/** crm.tickets.*, crm.sla-policies.*, crm.business-hours.*, crm.ticket-settings.*; the SLA check and the overdue invoices kept from billing. */
@Module({
  controllers: [TicketsController, SupportSettingsController],
  providers: [TicketsService, TicketsRepository, SupportSettingsService, SupportSettingsRepository, WorkspaceUsers, SlaMonitor, SlaCheckJob, OverdueInvoicesConsumer],
  exports: [TicketsService],
})
export class TicketsModule {}
