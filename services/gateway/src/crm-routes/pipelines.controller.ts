import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { CreatePipelineBody, ListPipelinesQuery, PipelineIdParams, PipelinePageResponse, PipelineResponse, UpdatePipelineBody } from './pipelines.dto.js';

@ApiTags('pipelines')
@Controller('pipelines')
export class PipelinesController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('pipelines:write')
  @ApiCreatedResponse({ type: PipelineResponse, description: '409 when a live pipeline has the name.' })
  create(@Body() body: CreatePipelineBody, @Caller() caller: RequestContext): Promise<PipelineResponse> {
    return this.services.send('crm.pipelines.create', body, caller);
  }

  @Get()
  @RequirePermission('pipelines:read')
  @ApiOkResponse({ type: PipelinePageResponse, description: 'Sort by createdAt (default) or name.' })
  list(@Query() query: ListPipelinesQuery, @Caller() caller: RequestContext): Promise<PipelinePageResponse> {
    return this.services.send('crm.pipelines.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('pipelines:read')
  @ApiOkResponse({ type: PipelineResponse, description: 'Live or deleted (deletedAt set); stages in board order.' })
  get(@Param() params: PipelineIdParams, @Caller() caller: RequestContext): Promise<PipelineResponse> {
    return this.services.send('crm.pipelines.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('pipelines:write')
  @ApiOkResponse({ type: PipelineResponse })
  update(@Param() params: PipelineIdParams, @Body() body: UpdatePipelineBody, @Caller() caller: RequestContext): Promise<PipelineResponse> {
    return this.services.send('crm.pipelines.update', { id: params.id, ...body }, caller);
  }

  @Delete(':id')
  @RequirePermission('pipelines:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft delete. 409 while live deals are in the pipeline, and for the default pipeline.' })
  async delete(@Param() params: PipelineIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.pipelines.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('pipelines:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: PipelineResponse, description: '409 when a live pipeline has taken the name meanwhile.' })
  restore(@Param() params: PipelineIdParams, @Caller() caller: RequestContext): Promise<PipelineResponse> {
    return this.services.send('crm.pipelines.restore', { id: params.id }, caller);
  }

  @Post(':id/default')
  @RequirePermission('pipelines:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: PipelineResponse, description: 'Makes it the default pipeline (the previous default stops being it).' })
  makeDefault(@Param() params: PipelineIdParams, @Caller() caller: RequestContext): Promise<PipelineResponse> {
    return this.services.send('crm.pipelines.make-default', { id: params.id }, caller);
  }
}
