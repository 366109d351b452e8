import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CompaniesModule } from '../companies/companies.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { DealsModule } from '../deals/deals.module.js';
import { SegmentsModule } from '../segments/segments.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { BulkController } from './bulk.controller.js';
import { BulkService } from './bulk.service.js';

/** crm.contacts.bulk, crm.companies.bulk, crm.deals.bulk and crm.tasks.bulk: one action on many records. */
@Module({
  imports: [ContactsModule, CompaniesModule, DealsModule, TasksModule, SegmentsModule],
  controllers: [BulkController],
  providers: [BulkService, WorkspaceUsers],
})
export class BulkModule {}
