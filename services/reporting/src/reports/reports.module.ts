import { Module } from '@nestjs/common';
import { ReportCacheModule } from '../report-cache/report-cache.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** reporting.reports.*: standard reports over the read models, each stating its freshness. */
@Module({
  imports: [ReportCacheModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
