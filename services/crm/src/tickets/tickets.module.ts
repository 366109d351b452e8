import { Module } from '@nestjs/common';
import { AttachmentFilesModule } from '@kinship/platform';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { CrmFilesModule } from '../files/files.module.js';
import { EmailToTicketConsumer } from './email/email-to-ticket.consumer.js';
import { TicketEmailReplies } from './email/ticket-email-replies.js';
import { TicketEmailRepository } from './email/ticket-email.repository.js';
import { OverdueInvoicesConsumer } from './overdue-invoices.consumer.js';
import { SlaCheckJob, SlaMonitor } from './sla-monitor.js';
import { SupportSettingsController } from './support-settings.controller.js';
import { SupportSettingsRepository } from './support-settings.repository.js';
import { SupportSettingsService } from './support-settings.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsRepository } from './tickets.repository.js';
import { TicketsService } from './tickets.service.js';

/** crm.tickets.*, crm.sla-policies.*, crm.business-hours.*, crm.ticket-settings.*; the SLA check, the overdue invoices kept from billing, and email to ticket. */
@Module({
  imports: [CrmFilesModule, AttachmentFilesModule.register()],
  controllers: [TicketsController, SupportSettingsController],
  providers: [
    TicketsService,
    TicketsRepository,
    SupportSettingsService,
    SupportSettingsRepository,
    WorkspaceUsers,
    SlaMonitor,
    SlaCheckJob,
    OverdueInvoicesConsumer,
    EmailToTicketConsumer,
    TicketEmailRepository,
    TicketEmailReplies,
    ContactsRepository,
  ],
  exports: [TicketsService, TicketsRepository],
})
export class TicketsModule {}
