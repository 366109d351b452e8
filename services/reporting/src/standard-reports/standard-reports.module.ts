import { Module } from '@nestjs/common';
import { ReportCacheModule } from '../report-cache/report-cache.module.js';
import { StandardReportsController } from './standard-reports.controller.js';
import { StandardReportsService } from './standard-reports.service.js';

/** reporting.reports.{lead-conversion,revenue,activity,acquisition,deal-velocity}: the standard reports of issue 13 item 2 beyond the deal reports. */
@Module({
  imports: [ReportCacheModule],
  controllers: [StandardReportsController],
  providers: [StandardReportsService],
})
export class StandardReportsModule {}
