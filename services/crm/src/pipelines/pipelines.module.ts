import { Module } from '@nestjs/common';
import { PipelinesController } from './pipelines.controller.js';
import { PipelinesRepository } from './pipelines.repository.js';
import { PipelinesService } from './pipelines.service.js';
import { WorkspaceSetupConsumer } from './workspace-setup.consumer.js';

/** crm.pipelines.*: pipelines and stages, and the default pipeline of every new workspace. */
@Module({
  controllers: [PipelinesController],
  providers: [PipelinesService, PipelinesRepository, WorkspaceSetupConsumer],
  exports: [PipelinesRepository],
})
export class PipelinesModule {}
