import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { CreateCustomFieldBody, RecordIdParams, CustomFieldPageResponse, CustomFieldResponse, ListCustomFieldsQuery, UpdateCustomFieldBody } from './custom-fields.dto.js';

@ApiTags('custom-fields')
@Controller('custom-fields')
export class CustomFieldsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('custom-fields:write')
  @ApiCreatedResponse({ type: CustomFieldResponse, description: '409 when a live definition of the entity has the key (details name existingId).' })
  create(@Body() body: CreateCustomFieldBody, @Caller() caller: RequestContext): Promise<CustomFieldResponse> {
    return this.services.send('crm.custom-fields.create', body, caller);
  }

  @Get()
  @RequirePermission('custom-fields:read')
  @ApiOkResponse({ type: CustomFieldPageResponse, description: 'Sort by key, label, createdAt (default) or updatedAt; q matches key and label.' })
  list(@Query() query: ListCustomFieldsQuery, @Caller() caller: RequestContext): Promise<CustomFieldPageResponse> {
    return this.services.send('crm.custom-fields.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('custom-fields:read')
  @ApiOkResponse({ type: CustomFieldResponse, description: 'Live or deleted (deletedAt set).' })
  get(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<CustomFieldResponse> {
    return this.services.send('crm.custom-fields.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('custom-fields:write')
  @ApiOkResponse({ type: CustomFieldResponse })
  update(@Param() params: RecordIdParams, @Body() body: UpdateCustomFieldBody, @Caller() caller: RequestContext): Promise<CustomFieldResponse> {
    return this.services.send('crm.custom-fields.update', { id: params.id, ...body }, caller);
  }

  @Delete(':id')
  @RequirePermission('custom-fields:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft delete: records keep their values, which are no longer checked; a new definition may take the key.' })
  async delete(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.custom-fields.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('custom-fields:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CustomFieldResponse, description: '409 when a live definition has taken the key meanwhile.' })
  restore(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<CustomFieldResponse> {
    return this.services.send('crm.custom-fields.restore', { id: params.id }, caller);
  }
}
