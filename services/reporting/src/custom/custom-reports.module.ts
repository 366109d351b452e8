import { Module } from '@nestjs/common';
import { FreshnessService } from '../reports/freshness.service.js';
import { CustomReportsController } from './custom-reports.controller.js';
import { CustomReportsService } from './custom-reports.service.js';

/** Custom reports over the read models (POST /reports/query), used by saved reports and dashboards too. */
@Module({
  controllers: [CustomReportsController],
  providers: [CustomReportsService, FreshnessService],
  exports: [CustomReportsService, FreshnessService],
})
export class CustomReportsModule {}
