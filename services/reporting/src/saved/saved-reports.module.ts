import { Module } from '@nestjs/common';
import { CustomReportsModule } from '../custom/custom-reports.module.js';
import { ReportScheduler } from './report-scheduler.js';
import { SavedReportsController } from './saved-reports.controller.js';
import { SavedReportsRepository } from './saved-reports.repository.js';
import { SavedReportsService } from './saved-reports.service.js';

/** /reports/saved and the job that emails scheduled ones (report.scheduled_delivery). */
@Module({
  imports: [CustomReportsModule],
  controllers: [SavedReportsController],
  providers: [SavedReportsService, SavedReportsRepository, ReportScheduler],
  exports: [SavedReportsService, SavedReportsRepository],
})
export class SavedReportsModule {}
