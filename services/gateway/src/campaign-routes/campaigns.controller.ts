import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { IdParams } from '../auth-routes/fields.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import {
  CampaignPageResponse,
  CampaignRecipientPageResponse,
  CampaignResponse,
  CreateCampaignBody,
  ListCampaignRecipientsQuery,
  ListCampaignsQuery,
  UpdateCampaignBody,
} from './campaigns.dto.js';

/** Email and SMS campaigns (docs/campaigns.md), forwarded to the notifications service. */
@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('campaigns:write')
  @ApiCreatedResponse({ type: CampaignResponse, description: 'A draft; POST /campaigns/:id/send sends or schedules it.' })
  @ApiOperation({ summary: 'Create a campaign', description: 'An email or SMS campaign to a segment, as a draft.' })
  create(@Body() body: CreateCampaignBody, @Caller() caller: RequestContext): Promise<CampaignResponse> {
    return this.services.send('notifications.campaigns.create', body, caller);
  }

  @Get()
  @RequirePermission('campaigns:read')
  @ApiOkResponse({ type: CampaignPageResponse, description: 'Newest first.' })
  @ApiOperation({ summary: 'List campaigns', description: 'Newest first.' })
  list(@Query() query: ListCampaignsQuery, @Caller() caller: RequestContext): Promise<CampaignPageResponse> {
    return this.services.send('notifications.campaigns.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('campaigns:read')
  @ApiOkResponse({ type: CampaignResponse, description: 'With live counts while it sends.' })
  @ApiOperation({ summary: 'Read a campaign', description: 'With live counts while it sends.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No campaign with this id in the workspace.' })
  get(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<CampaignResponse> {
    return this.services.send('notifications.campaigns.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('campaigns:write')
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The campaign is no longer a draft or scheduled.' })
  @ApiOperation({ summary: 'Change a campaign', description: 'Only a draft or scheduled campaign; absent fields stay.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No campaign with this id in the workspace.' })
  update(@Param() params: IdParams, @Body() body: UpdateCampaignBody, @Caller() caller: RequestContext): Promise<CampaignResponse> {
    return this.services.send('notifications.campaigns.update', { ...body, id: params.id }, caller);
  }

  @Delete(':id')
  @RequirePermission('campaigns:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted; only a draft or scheduled campaign can be.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The campaign has been sent (or is sending).' })
  @ApiOperation({ summary: 'Delete a campaign', description: 'Only a draft or scheduled campaign.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No campaign with this id in the workspace.' })
  async delete(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('notifications.campaigns.delete', { id: params.id }, caller);
  }

  @Post(':id/send')
  @RequirePermission('campaigns:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CampaignResponse, description: 'sending, or scheduled when its scheduledAt is ahead.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The campaign is sending, sent, cancelled or failed.' })
  @ApiOperation({ summary: 'Send a campaign', description: 'Sends now, or schedules it when its scheduledAt is ahead; contacts who opted out are skipped.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No campaign with this id in the workspace.' })
  send(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<CampaignResponse> {
    return this.services.send('notifications.campaigns.send', { id: params.id }, caller);
  }

  @Post(':id/cancel')
  @RequirePermission('campaigns:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CampaignResponse, description: 'Recipients not sent yet become cancelled; messages already leaving finish.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The campaign is not scheduled or sending.' })
  @ApiOperation({ summary: 'Cancel a campaign', description: 'Recipients not sent yet become cancelled; messages already leaving finish.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No campaign with this id in the workspace.' })
  cancel(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<CampaignResponse> {
    return this.services.send('notifications.campaigns.cancel', { id: params.id }, caller);
  }

  @Get(':id/recipients')
  @RequirePermission('campaigns:read')
  @ApiOkResponse({ type: CampaignRecipientPageResponse, description: 'The delivery log, one row per contact of the audience, in audience order.' })
  @ApiOperation({ summary: 'List a campaign’s recipients', description: 'The delivery log, one row per contact of the audience.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No campaign with this id in the workspace.' })
  recipients(@Param() params: IdParams, @Query() query: ListCampaignRecipientsQuery, @Caller() caller: RequestContext): Promise<CampaignRecipientPageResponse> {
    return this.services.send('notifications.campaigns.recipients', { ...query, id: params.id }, caller);
  }
}
