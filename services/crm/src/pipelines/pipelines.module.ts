import { Module } from '@nestjs/common';
import { PipelinesController } from './pipelines.controller.js';
import { PipelinesRepository } from './pipelines.repository.js';
import { PipelinesService } from './pipelines.service.js';
import { WorkspaceSetupSubscriber } from './workspace-setup.subscriber.js';

/** crm.pipelines.*: pipelines and stages, and the default pipeline of every new workspace. */
@Module({
  controllers: [PipelinesController],
  providers: [PipelinesService, PipelinesRepository, WorkspaceSetupSubscriber],
  exports: [PipelinesRepository],
})
export class PipelinesModule {}
