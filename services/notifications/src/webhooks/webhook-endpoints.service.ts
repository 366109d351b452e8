import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError, type UserCaller } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import { NotificationsConfig } from '../notifications.config.js';
import type { CreateWebhookEndpointBody } from '@kinship/contracts/notifications';
import type { ListWebhookDeliveriesRequest, UpdateWebhookEndpointRequest } from './dto/webhook-endpoint.dto.js';
import { RefusedAddress, resolveDeliveryAddress } from './public-address.js';
import { toWebhookDelivery, WebhookDeliveriesRepository, type WebhookAttemptRow, type WebhookDelivery } from './webhook-deliveries.repository.js';
import { toWebhookEndpoint, WebhookEndpointsRepository, type WebhookEndpoint } from './webhook-endpoints.repository.js';
import { pagePosition, toPage, type PageDto } from '@kinship/messaging';
import { newSigningSecret, WebhookSecrets } from './webhook-secrets.js';

export interface Page<Item> {
  data: Item[];
  nextCursor: string | null;
}

/** An endpoint with its signing secret: the answer to creation and rotation, and only to those. */
export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };

function endpointNotFound(): RpcError {
  return RpcError.notFound('Webhook endpoint');
}

/**
 * Partners' endpoints: a URL that receives the workspace's events of the types it subscribes to,
 * signed with a secret shown on creation (and on rotation) only. The gateway lets only admins
 * here (webhooks:manage, not grantable to API keys).
 */
@Injectable()
export class WebhookEndpointsService {
  private readonly allowPrivate: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly secrets: WebhookSecrets,
    config: NotificationsConfig,
  ) {
    this.allowPrivate = config.WEBHOOKS_ALLOW_PRIVATE === 'true';
  }

  async create(caller: UserCaller, input: CreateWebhookEndpointBody): Promise<WebhookEndpointWithSecret> {
    await this.assertDeliverableUrl(input.url);
    const secret = newSigningSecret();
    const row = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.endpoints.insert(manager, {
        id: newId(),
        workspaceId: caller.workspaceId,
        url: input.url,
        description: input.description ?? null,
        events: input.events,
        secretSealed: this.secrets.seal(secret),
        createdBy: caller.userId,
      }),
    );
    return { ...toWebhookEndpoint(row), secret };
  }

  async list(workspaceId: string, page: PageDto): Promise<Page<WebhookEndpoint>> {
    const position = pagePosition(page);
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) => this.endpoints.list(manager, workspaceId, position));
    return toPage(rows, position, toWebhookEndpoint);
  }

  async get(workspaceId: string, id: string): Promise<WebhookEndpoint> {
    if (!isUuid(id)) throw endpointNotFound();
    const row = await withWorkspace(this.dataSource, workspaceId, (manager) => this.endpoints.find(manager, workspaceId, id));
    if (!row) throw endpointNotFound();
    return toWebhookEndpoint(row);
  }

  /** `active: false` ends the endpoint's pending deliveries; `active: true` re-enables it with its failure count reset. */
  async update(workspaceId: string, input: UpdateWebhookEndpointRequest): Promise<WebhookEndpoint> {
    if (!isUuid(input.id)) throw endpointNotFound();
    if (input.url !== undefined) await this.assertDeliverableUrl(input.url);
    const row = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const updated = await this.endpoints.update(manager, workspaceId, input.id, {
        url: input.url,
        description: input.description,
        events: input.events,
        active: input.active,
      });
      if (updated && input.active === false) await this.deliveries.abandonPendingOf(manager, workspaceId, input.id, 'the endpoint was disabled');
      return updated;
    });
    if (!row) throw endpointNotFound();
    return toWebhookEndpoint(row);
  }

  /** Deletes the endpoint with its delivery log; nothing more is sent to it. */
  async delete(workspaceId: string, id: string): Promise<Record<string, never>> {
    if (!isUuid(id)) throw endpointNotFound();
    const deleted = await withWorkspace(this.dataSource, workspaceId, (manager) => this.endpoints.delete(manager, workspaceId, id));
    if (!deleted) throw endpointNotFound();
    return {};
  }

  /** A new secret signs every attempt from now on, retries of earlier deliveries included; the old one stops at once. */
  async rotateSecret(workspaceId: string, id: string): Promise<WebhookEndpointWithSecret> {
    if (!isUuid(id)) throw endpointNotFound();
    const secret = newSigningSecret();
    const row = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      this.endpoints.replaceSecret(manager, workspaceId, id, this.secrets.seal(secret)),
    );
    if (!row) throw endpointNotFound();
    return { ...toWebhookEndpoint(row), secret };
  }

  /** The endpoint's deliveries, newest first, each with its attempts. */
  async listDeliveries(workspaceId: string, input: ListWebhookDeliveriesRequest): Promise<Page<WebhookDelivery>> {
    if (!isUuid(input.id)) throw endpointNotFound();
    const position = pagePosition(input);
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      if (!(await this.endpoints.find(manager, workspaceId, input.id))) throw endpointNotFound();
      const rows = await this.deliveries.list(manager, workspaceId, input.id, input.status ?? null, position);
      const attempts = await this.deliveries.attemptsOf(
        manager,
        workspaceId,
        rows.slice(0, position.limit).map((row) => row.id),
      );
      const byDelivery = new Map<string, WebhookAttemptRow[]>();
      for (const attempt of attempts) byDelivery.set(attempt.deliveryId, [...(byDelivery.get(attempt.deliveryId) ?? []), attempt]);
      return toPage(rows, position, (row) => toWebhookDelivery(row, byDelivery.get(row.id) ?? []));
    });
  }

  /** The same check as at delivery time, so a URL that can never receive is refused up front (422 naming url). */
  private async assertDeliverableUrl(url: string): Promise<void> {
    try {
      await resolveDeliveryAddress(new URL(url), this.allowPrivate);
    } catch (error) {
      if (error instanceof RefusedAddress) throw RpcError.validation([{ field: 'url', issue: error.issue }]);
      throw error;
    }
  }
}
