import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { RecordIdParams } from './custom-fields.dto.js';
import {
  CreateSegmentBody,
  ListSegmentsQuery,
  SegmentContactsBody,
  SegmentCountResponse,
  SegmentMemberPageResponse,
  SegmentMembersQuery,
  SegmentPageResponse,
  SegmentResponse,
  UpdateSegmentBody,
} from './segments.dto.js';

@ApiTags('segments')
@Controller('segments')
export class SegmentsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('segments:write')
  @ApiCreatedResponse({ type: SegmentResponse, description: 'A dynamic segment needs a filter; a static one may list its first contactIds.' })
  create(@Body() body: CreateSegmentBody, @Caller() caller: RequestContext): Promise<SegmentResponse> {
    return this.services.send('crm.segments.create', body, caller);
  }

  @Get()
  @RequirePermission('segments:read')
  @ApiOkResponse({ type: SegmentPageResponse, description: 'Sort by name, createdAt (default -createdAt) or updatedAt; q matches the name.' })
  list(@Query() query: ListSegmentsQuery, @Caller() caller: RequestContext): Promise<SegmentPageResponse> {
    return this.services.send('crm.segments.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('segments:read')
  @ApiOkResponse({ type: SegmentResponse, description: 'Live or deleted (deletedAt set).' })
  get(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<SegmentResponse> {
    return this.services.send('crm.segments.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('segments:write')
  @ApiOkResponse({ type: SegmentResponse })
  update(@Param() params: RecordIdParams, @Body() body: UpdateSegmentBody, @Caller() caller: RequestContext): Promise<SegmentResponse> {
    return this.services.send('crm.segments.update', { id: params.id, ...body }, caller);
  }

  @Delete(':id')
  @RequirePermission('segments:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft delete; campaigns can no longer resolve it.' })
  async delete(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.segments.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('segments:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SegmentResponse })
  restore(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<SegmentResponse> {
    return this.services.send('crm.segments.restore', { id: params.id }, caller);
  }

  @Get(':id/count')
  @RequirePermission('segments:read')
  @ApiOkResponse({ type: SegmentCountResponse })
  count(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<SegmentCountResponse> {
    return this.services.send('crm.segments.count', { id: params.id }, caller);
  }

  @Get(':id/contacts')
  @RequirePermission('segments:read')
  @ApiOkResponse({ type: SegmentMemberPageResponse, description: 'The live contacts in the segment now, paged as GET /contacts.' })
  members(@Param() params: RecordIdParams, @Query() query: SegmentMembersQuery, @Caller() caller: RequestContext): Promise<SegmentMemberPageResponse> {
    return this.services.send('crm.segments.members', { id: params.id, ...query }, caller);
  }

  @Post(':id/contacts')
  @RequirePermission('segments:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SegmentCountResponse, description: 'Static segments only; contacts already in it stay. Answers the new count.' })
  addContacts(@Param() params: RecordIdParams, @Body() body: SegmentContactsBody, @Caller() caller: RequestContext): Promise<SegmentCountResponse> {
    return this.services.send('crm.segments.add-contacts', { id: params.id, ...body }, caller);
  }

  @Post(':id/contacts/remove')
  @RequirePermission('segments:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SegmentCountResponse, description: 'Static segments only; ids that are not members are ignored. Answers the new count.' })
  removeContacts(@Param() params: RecordIdParams, @Body() body: SegmentContactsBody, @Caller() caller: RequestContext): Promise<SegmentCountResponse> {
    return this.services.send('crm.segments.remove-contacts', { id: params.id, ...body }, caller);
  }
}
