import { Module } from '@nestjs/common';
import { FreshnessService } from './freshness.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** reporting.reports.*: standard reports over the read models, each stating its freshness. */
@Module({
  controllers: [ReportsController],
  providers: [ReportsService, FreshnessService],
})
export class ReportsModule {}
