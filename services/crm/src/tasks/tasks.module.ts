import { Module } from '@nestjs/common';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/** crm.tasks.create, .get, .list, .update, .assign, .delete and .restore. */
@Module({
  controllers: [TasksController],
  providers: [TasksService, TasksRepository, WorkspaceUsers],
  exports: [TasksService],
})
export class TasksModule {}
