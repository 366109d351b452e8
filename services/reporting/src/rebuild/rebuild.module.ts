import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module.js';
import { RebuildController } from './rebuild.controller.js';
import { RebuildService } from './rebuild.service.js';

/** POST /reports/rebuild and its progress: a workspace's read models rebuilt from the events stream (issue 13 item 6). */
@Module({
  imports: [ProjectionsModule],
  controllers: [RebuildController],
  providers: [RebuildService],
})
export class RebuildModule {}
