import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module.js';
import { ContactOptOutsConsumer } from './contact-opt-outs.consumer.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';

/** crm.contacts.create, .get, .list, .update, .delete and .restore; opt-outs from notifications. */
@Module({
  imports: [CustomFieldsModule],
  controllers: [ContactsController],
  providers: [ContactsService, ContactsRepository, ContactOptOutsConsumer, WorkspaceUsers],
  exports: [ContactsService, ContactsRepository],
})
export class ContactsModule {}
