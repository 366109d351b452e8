import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CompaniesModule } from '../companies/companies.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { DealsModule } from '../deals/deals.module.js';
import { ObjectsModule } from '../objects/objects.module.js';
import { SegmentsModule } from '../segments/segments.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { BulkController } from './bulk.controller.js';
import { BulkService } from './bulk.service.js';

/** crm.contacts.bulk, crm.companies.bulk, crm.deals.bulk, crm.tasks.bulk, crm.tickets.bulk and crm.objects.records.bulk: one action on many records. */
@Module({
  imports: [ContactsModule, CompaniesModule, DealsModule, TasksModule, SegmentsModule, TicketsModule, ObjectsModule],
  controllers: [BulkController],
  providers: [BulkService, WorkspaceUsers],
})
export class BulkModule {}
