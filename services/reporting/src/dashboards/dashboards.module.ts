import { Module } from '@nestjs/common';
import { CustomReportsModule } from '../custom/custom-reports.module.js';
import { SavedReportsModule } from '../saved/saved-reports.module.js';
import { DashboardsController } from './dashboards.controller.js';
import { DashboardsRepository } from './dashboards.repository.js';
import { DashboardsService } from './dashboards.service.js';

/** /dashboards/me and /dashboards. */
@Module({
  imports: [CustomReportsModule, SavedReportsModule],
  controllers: [DashboardsController],
  providers: [DashboardsService, DashboardsRepository],
})
export class DashboardsModule {}
