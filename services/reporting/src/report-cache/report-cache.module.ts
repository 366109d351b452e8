import { Module } from '@nestjs/common';
import { FreshnessService } from '../reports/freshness.service.js';
import { ReportCache } from './report-cache.js';

/** The Redis cache of report answers, keyed by projection position. */
@Module({
  providers: [ReportCache, FreshnessService],
  exports: [ReportCache],
})
export class ReportCacheModule {}
