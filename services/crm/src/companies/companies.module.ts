import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module.js';
import { CompaniesController } from './companies.controller.js';
import { CompaniesRepository } from './companies.repository.js';
import { CompaniesService } from './companies.service.js';

/** crm.companies.create, .get, .list, .update, .delete and .restore. CompaniesRepository and CompaniesService are exported for imports (#5). */
@Module({
  imports: [CustomFieldsModule],
  controllers: [CompaniesController],
  providers: [CompaniesService, CompaniesRepository, WorkspaceUsers],
  exports: [CompaniesRepository, CompaniesService],
})
export class CompaniesModule {}
