import { Controller } from '@nestjs/common';
import { AssignTask, CreateTask, DeleteTask, GetTask, ListTasks, RestoreTask, UpdateTask } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { TasksService } from './tasks.service.js';

@Controller()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Handles(CreateTask)
  create({ context, data }: OperationRequest<typeof CreateTask>) {
    return this.tasks.create(crmCaller(context), data);
  }

  @Handles(GetTask)
  get({ context, data }: OperationRequest<typeof GetTask>) {
    return this.tasks.get(crmCaller(context), data.id);
  }

  @Handles(ListTasks)
  list({ context, data }: OperationRequest<typeof ListTasks>) {
    return this.tasks.list(crmCaller(context), data);
  }

  @Handles(UpdateTask)
  update({ context, data }: OperationRequest<typeof UpdateTask>) {
    return this.tasks.update(crmCaller(context), data);
  }

  @Handles(AssignTask)
  assign({ context, data }: OperationRequest<typeof AssignTask>) {
    return this.tasks.assign(crmCaller(context), data.id, data.assigneeId);
  }

  @Handles(DeleteTask)
  async delete({ context, data }: OperationRequest<typeof DeleteTask>) {
    await this.tasks.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreTask)
  restore({ context, data }: OperationRequest<typeof RestoreTask>) {
    return this.tasks.restore(crmCaller(context), data.id);
  }
}
