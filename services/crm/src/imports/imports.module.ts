import { Module } from '@nestjs/common';
import { FilesModule } from '@kinship/platform';
import { CompaniesModule } from '../companies/companies.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ObjectsModule } from '../objects/objects.module.js';
import { ImportMetrics } from './import-metrics.js';
import { ImportsController } from './imports.controller.js';
import { ImportsProcessor } from './imports.processor.js';
import { ImportsRepository } from './imports.repository.js';
import { ImportsService } from './imports.service.js';

/** crm.imports.*: CSV and XLSX imports of contacts, companies and custom objects' records, run by a Bull job (the `imports` queue of QueuesModule). */
@Module({
  imports: [FilesModule.register(), ContactsModule, CompaniesModule, ObjectsModule],
  controllers: [ImportsController],
  providers: [ImportsService, ImportsRepository, ImportsProcessor, ImportMetrics],
})
export class ImportsModule {}
