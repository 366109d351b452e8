import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { AssignTaskDto } from './dto/assign-task.dto.js';
import { CreateTaskDto } from './dto/create-task.dto.js';
import { ListTasksDto } from './dto/list-tasks.dto.js';
import { TaskIdDto } from './dto/task-id.dto.js';
import { UpdateTaskDto } from './dto/update-task.dto.js';
import type { Task } from './tasks.repository.js';
import { TasksService, type TaskPage } from './tasks.service.js';

@Controller()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern('crm.tasks.create')
  create(@Payload(new ValidRequest(CreateTaskDto)) request: RpcRequest<CreateTaskDto>): Promise<Task> {
    return this.tasks.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.tasks.get')
  get(@Payload(new ValidRequest(TaskIdDto)) request: RpcRequest<TaskIdDto>): Promise<Task> {
    return this.tasks.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.tasks.list')
  list(@Payload(new ValidRequest(ListTasksDto)) request: RpcRequest<ListTasksDto>): Promise<TaskPage> {
    return this.tasks.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.tasks.update')
  update(@Payload(new ValidRequest(UpdateTaskDto)) request: RpcRequest<UpdateTaskDto>): Promise<Task> {
    return this.tasks.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.tasks.assign')
  assign(@Payload(new ValidRequest(AssignTaskDto)) request: RpcRequest<AssignTaskDto>): Promise<Task> {
    return this.tasks.assign(crmCaller(request.context), request.data.id, request.data.assigneeId);
  }

  @MessagePattern('crm.tasks.delete')
  async delete(@Payload(new ValidRequest(TaskIdDto)) request: RpcRequest<TaskIdDto>): Promise<Record<string, never>> {
    await this.tasks.delete(crmCaller(request.context), request.data.id);
    return {};
  }

  @MessagePattern('crm.tasks.restore')
  restore(@Payload(new ValidRequest(TaskIdDto)) request: RpcRequest<TaskIdDto>): Promise<Task> {
    return this.tasks.restore(crmCaller(request.context), request.data.id);
  }
}
