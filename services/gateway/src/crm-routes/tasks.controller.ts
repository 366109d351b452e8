import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { AssignTaskBody, CreateTaskBody, ListTasksQuery, RecordIdParams, TaskPageResponse, TaskResponse, UpdateTaskBody } from './tasks.dto.js';

const MEMBERS = 'Members change only tasks assigned to them or created by them.';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('tasks:write')
  @ApiCreatedResponse({ type: TaskResponse, description: 'With an assignee, the assignee is notified (task.assigned). 422 names the field; related must be a live record of the workspace.' })
  create(@Body() body: CreateTaskBody, @Caller() caller: RequestContext): Promise<TaskResponse> {
    return this.services.send('crm.tasks.create', body, caller);
  }

  @Get()
  @RequirePermission('tasks:read')
  @ApiOkResponse({ type: TaskPageResponse, description: 'Sort by createdAt (default -createdAt), updatedAt, dueAt (undated last) or priority (-priority: urgent first); q matches the title.' })
  list(@Query() query: ListTasksQuery, @Caller() caller: RequestContext): Promise<TaskPageResponse> {
    return this.services.send('crm.tasks.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('tasks:read')
  @ApiOkResponse({ type: TaskResponse, description: 'Live or deleted (deletedAt set).' })
  get(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<TaskResponse> {
    return this.services.send('crm.tasks.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('tasks:write')
  @ApiOkResponse({ type: TaskResponse, description: `Absent fields stay, null clears. 404 for a deleted task. ${MEMBERS}` })
  update(@Param() params: RecordIdParams, @Body() body: UpdateTaskBody, @Caller() caller: RequestContext): Promise<TaskResponse> {
    return this.services.send('crm.tasks.update', { ...body, id: params.id }, caller);
  }

  @Post(':id/assign')
  @RequirePermission('tasks:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TaskResponse, description: `The new assignee is notified (task.assigned with the previous assignee). ${MEMBERS}` })
  assign(@Param() params: RecordIdParams, @Body() body: AssignTaskBody, @Caller() caller: RequestContext): Promise<TaskResponse> {
    return this.services.send('crm.tasks.assign', { ...body, id: params.id }, caller);
  }

  @Delete(':id')
  @RequirePermission('tasks:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: `Soft delete: restorable. ${MEMBERS}` })
  async delete(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.tasks.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('tasks:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TaskResponse, description: 'A live task is returned unchanged.' })
  restore(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<TaskResponse> {
    return this.services.send('crm.tasks.restore', { id: params.id }, caller);
  }
}
