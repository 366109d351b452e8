import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { IdParams, PageQuery } from '../auth-routes/fields.js';
import { Caller } from '../http/caller-context.js';
import {
  CreateWebhookEndpointBody,
  ListWebhookDeliveriesQuery,
  UpdateWebhookEndpointBody,
  WebhookDeliveryPageResponse,
  WebhookEndpointPageResponse,
  WebhookEndpointResponse,
  WebhookEndpointWithSecretResponse,
} from './webhook-endpoints.dto.js';

/** Partners' endpoints for outbound webhooks (docs/webhooks.md), forwarded to the notifications service. */
@ApiTags('webhook-endpoints')
@Controller('webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('webhooks:manage')
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretResponse, description: 'The signing secret is in the body this once.' })
  @ApiOperation({ summary: 'Create a webhook endpoint', description: 'A partner URL that receives the chosen events, signed with a secret shown this once.' })
  create(@Body() body: CreateWebhookEndpointBody, @Caller() caller: RequestContext): Promise<WebhookEndpointWithSecretResponse> {
    return this.services.send('notifications.webhook-endpoints.create', body, caller);
  }

  @Get()
  @RequirePermission('webhooks:manage')
  @ApiOkResponse({ type: WebhookEndpointPageResponse, description: 'Newest first.' })
  @ApiOperation({ summary: 'List webhook endpoints', description: 'The workspace’s endpoints, newest first.' })
  list(@Query() query: PageQuery, @Caller() caller: RequestContext): Promise<WebhookEndpointPageResponse> {
    return this.services.send('notifications.webhook-endpoints.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('webhooks:manage')
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiOperation({ summary: 'Read a webhook endpoint', description: 'Its URL, events and state (never its secret).' })
  get(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<WebhookEndpointResponse> {
    return this.services.send('notifications.webhook-endpoints.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('webhooks:manage')
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiOperation({ summary: 'Change a webhook endpoint', description: 'URL, events or enabled; absent fields stay.' })
  update(@Param() params: IdParams, @Body() body: UpdateWebhookEndpointBody, @Caller() caller: RequestContext): Promise<WebhookEndpointResponse> {
    return this.services.send('notifications.webhook-endpoints.update', { ...body, id: params.id }, caller);
  }

  @Delete(':id')
  @RequirePermission('webhooks:manage')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted with its delivery log; nothing more is sent to it.' })
  @ApiOperation({ summary: 'Delete a webhook endpoint', description: 'With its delivery log; nothing more is sent to it.' })
  async delete(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('notifications.webhook-endpoints.delete', { id: params.id }, caller);
  }

  @Post(':id/rotate-secret')
  @RequirePermission('webhooks:manage')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: WebhookEndpointWithSecretResponse, description: 'The new secret signs every attempt from now on; the old one stops at once.' })
  @ApiOperation({ summary: 'Rotate a webhook secret', description: 'The new secret signs every attempt from now on; the old one stops at once.' })
  rotateSecret(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<WebhookEndpointWithSecretResponse> {
    return this.services.send('notifications.webhook-endpoints.rotate-secret', { id: params.id }, caller);
  }

  @Get(':id/deliveries')
  @RequirePermission('webhooks:manage')
  @ApiOkResponse({ type: WebhookDeliveryPageResponse, description: 'Newest first, each with its attempts.' })
  @ApiOperation({ summary: 'List webhook deliveries', description: 'What was sent to the endpoint, newest first, each with its attempts.' })
  deliveries(@Param() params: IdParams, @Query() query: ListWebhookDeliveriesQuery, @Caller() caller: RequestContext): Promise<WebhookDeliveryPageResponse> {
    return this.services.send('notifications.webhook-endpoints.deliveries', { ...query, id: params.id }, caller);
  }
}
