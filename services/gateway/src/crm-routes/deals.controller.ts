import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { CreateDealBody, DealIdParams, DealPageResponse, DealResponse, ListDealsQuery, MoveDealBody, StageChangeListResponse, UpdateDealBody } from './deals.dto.js';

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('deals:write')
  @ApiCreatedResponse({ type: DealResponse, description: 'Created in a won or lost stage it is closed at once (lost needs lostReason).' })
  create(@Body() body: CreateDealBody, @Caller() caller: RequestContext): Promise<DealResponse> {
    return this.services.send('crm.deals.create', body, caller);
  }

  @Get()
  @RequirePermission('deals:read')
  @ApiOkResponse({ type: DealPageResponse, description: 'Sort by createdAt (default -createdAt), updatedAt, amount, expectedCloseDate (unknown last) or name; q matches name prefixes and fragments.' })
  list(@Query() query: ListDealsQuery, @Caller() caller: RequestContext): Promise<DealPageResponse> {
    return this.services.send('crm.deals.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('deals:read')
  @ApiOkResponse({ type: DealResponse, description: 'Live or deleted (deletedAt set).' })
  get(@Param() params: DealIdParams, @Caller() caller: RequestContext): Promise<DealResponse> {
    return this.services.send('crm.deals.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('deals:write')
  @ApiOkResponse({ type: DealResponse, description: 'Absent fields stay, null clears. Members change only their own deals. The stage moves with POST /deals/:id/stage.' })
  update(@Param() params: DealIdParams, @Body() body: UpdateDealBody, @Caller() caller: RequestContext): Promise<DealResponse> {
    return this.services.send('crm.deals.update', { id: params.id, ...body }, caller);
  }

  @Post(':id/stage')
  @RequirePermission('deals:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DealResponse, description: 'Won and lost set closedAt (lost needs lostReason); an open stage clears closedAt and lostReason. Kept in the stage history.' })
  move(@Param() params: DealIdParams, @Body() body: MoveDealBody, @Caller() caller: RequestContext): Promise<DealResponse> {
    return this.services.send('crm.deals.move-stage', { id: params.id, ...body }, caller);
  }

  @Get(':id/stage-changes')
  @RequirePermission('deals:read')
  @ApiOkResponse({ type: StageChangeListResponse, description: 'The stage history, newest first; the oldest entry is the stage the deal was created in.' })
  stageChanges(@Param() params: DealIdParams, @Caller() caller: RequestContext): Promise<StageChangeListResponse> {
    return this.services.send('crm.deals.stage-changes', { id: params.id }, caller);
  }

  @Delete(':id')
  @RequirePermission('deals:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft delete; POST /deals/:id/restore brings the deal back.' })
  async delete(@Param() params: DealIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.deals.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('deals:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DealResponse, description: '409 when its stage or pipeline has been removed meanwhile.' })
  restore(@Param() params: DealIdParams, @Caller() caller: RequestContext): Promise<DealResponse> {
    return this.services.send('crm.deals.restore', { id: params.id }, caller);
  }
}
