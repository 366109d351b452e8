import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module.js';
import { PipelinesModule } from '../pipelines/pipelines.module.js';
import { DealForInvoiceController } from './deal-for-invoice.controller.js';
import { DealsController } from './deals.controller.js';
import { DealsRepository } from './deals.repository.js';
import { DealsService } from './deals.service.js';
import { LeadConversionService } from './lead-conversion.service.js';

/** crm.deals.* (create, get, list, update, move-stage, stage-changes, delete, restore, for-invoice) and crm.contacts.convert. */
@Module({
  imports: [CustomFieldsModule, PipelinesModule, ContactsModule],
  controllers: [DealsController, DealForInvoiceController],
  providers: [DealsService, DealsRepository, LeadConversionService, WorkspaceUsers],
  exports: [DealsService, DealsRepository],
})
export class DealsModule {}
