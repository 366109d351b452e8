import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateWebhookEndpoint,
  CreateWebhookEndpointBody,
  DeleteWebhookEndpoint,
  GetWebhookEndpoint,
  ListWebhookDeliveries,
  ListWebhookEndpoints,
  RotateWebhookSecret,
  UpdateWebhookEndpoint,
} from '@kinship/contracts/notifications';
import { Handles, PageDto, ValidRequest, type OperationRequest } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { callerWith } from '../common/access.js';
import { ListWebhookDeliveriesRequest, UpdateWebhookEndpointRequest } from './dto/webhook-endpoint.dto.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

/** The caller, an admin: the gateway checked webhooks:manage with the same matrix. */
const admin = (context: RequestContext) => callerWith(context, 'webhooks:manage');

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Handles(CreateWebhookEndpoint)
  create(@Payload(new ValidRequest(CreateWebhookEndpointBody)) { context, data }: OperationRequest<typeof CreateWebhookEndpoint>) {
    return this.endpoints.create(admin(context), data);
  }

  @Handles(ListWebhookEndpoints)
  list(@Payload(new ValidRequest(PageDto)) { context, data }: OperationRequest<typeof ListWebhookEndpoints>) {
    return this.endpoints.list(admin(context).workspaceId, data);
  }

  @Handles(GetWebhookEndpoint)
  get({ context, data }: OperationRequest<typeof GetWebhookEndpoint>) {
    return this.endpoints.get(admin(context).workspaceId, data.id);
  }

  @Handles(UpdateWebhookEndpoint)
  update(@Payload(new ValidRequest(UpdateWebhookEndpointRequest)) { context, data }: OperationRequest<typeof UpdateWebhookEndpoint>) {
    return this.endpoints.update(admin(context).workspaceId, data);
  }

  @Handles(DeleteWebhookEndpoint)
  async delete({ context, data }: OperationRequest<typeof DeleteWebhookEndpoint>) {
    await this.endpoints.delete(admin(context).workspaceId, data.id);
  }

  @Handles(RotateWebhookSecret)
  rotateSecret({ context, data }: OperationRequest<typeof RotateWebhookSecret>) {
    return this.endpoints.rotateSecret(admin(context).workspaceId, data.id);
  }

  @Handles(ListWebhookDeliveries)
  listDeliveries(@Payload(new ValidRequest(ListWebhookDeliveriesRequest)) { context, data }: OperationRequest<typeof ListWebhookDeliveries>) {
    return this.endpoints.listDeliveries(admin(context).workspaceId, data);
  }
}
