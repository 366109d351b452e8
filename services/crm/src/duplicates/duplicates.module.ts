import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { DuplicatesController } from './duplicates.controller.js';
import { DuplicatesRepository } from './duplicates.repository.js';
import { DuplicatesService } from './duplicates.service.js';

/** crm.contacts.duplicates and crm.contacts.merge. */
@Module({
  imports: [ContactsModule],
  controllers: [DuplicatesController],
  providers: [DuplicatesService, DuplicatesRepository],
})
export class DuplicatesModule {}
