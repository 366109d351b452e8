import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { callerWith } from '../common/access.js';
import { CreateWebhookEndpointDto, ListWebhookDeliveriesDto, ListWebhookEndpointsDto, UpdateWebhookEndpointDto, WebhookEndpointIdDto } from './dto/webhook-endpoint.dto.js';
import type { WebhookDelivery } from './webhook-deliveries.repository.js';
import type { WebhookEndpoint } from './webhook-endpoints.repository.js';
import { WebhookEndpointsService, type Page, type WebhookEndpointWithSecret } from './webhook-endpoints.service.js';

/** The caller, an admin: the gateway checked webhooks:manage with the same matrix. */
const admin = (context: RequestContext) => callerWith(context, 'webhooks:manage');

@Controller()
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @MessagePattern('notifications.webhook-endpoints.create')
  create(@Payload(new ValidRequest(CreateWebhookEndpointDto)) request: RpcRequest<CreateWebhookEndpointDto>): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.create(admin(request.context), request.data);
  }

  @MessagePattern('notifications.webhook-endpoints.list')
  list(@Payload(new ValidRequest(ListWebhookEndpointsDto)) request: RpcRequest<ListWebhookEndpointsDto>): Promise<Page<WebhookEndpoint>> {
    return this.endpoints.list(admin(request.context).workspaceId, request.data);
  }

  @MessagePattern('notifications.webhook-endpoints.get')
  get(@Payload(new ValidRequest(WebhookEndpointIdDto)) request: RpcRequest<WebhookEndpointIdDto>): Promise<WebhookEndpoint> {
    return this.endpoints.get(admin(request.context).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.webhook-endpoints.update')
  update(@Payload(new ValidRequest(UpdateWebhookEndpointDto)) request: RpcRequest<UpdateWebhookEndpointDto>): Promise<WebhookEndpoint> {
    return this.endpoints.update(admin(request.context).workspaceId, request.data);
  }

  @MessagePattern('notifications.webhook-endpoints.delete')
  delete(@Payload(new ValidRequest(WebhookEndpointIdDto)) request: RpcRequest<WebhookEndpointIdDto>): Promise<Record<string, never>> {
    return this.endpoints.delete(admin(request.context).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.webhook-endpoints.rotate-secret')
  rotateSecret(@Payload(new ValidRequest(WebhookEndpointIdDto)) request: RpcRequest<WebhookEndpointIdDto>): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.rotateSecret(admin(request.context).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.webhook-endpoints.deliveries')
  deliveries(@Payload(new ValidRequest(ListWebhookDeliveriesDto)) request: RpcRequest<ListWebhookDeliveriesDto>): Promise<Page<WebhookDelivery>> {
    return this.endpoints.listDeliveries(admin(request.context).workspaceId, request.data);
  }
}
