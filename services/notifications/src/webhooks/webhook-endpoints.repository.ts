import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { ALL_EVENTS } from '@kinship/contracts/notifications';
import type { PagePosition } from '@kinship/messaging';

const COLUMNS = `id, url, description, events, active, disabled_reason AS "disabledReason", disabled_at AS "disabledAt",
  consecutive_failures AS "consecutiveFailures", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API shows of an endpoint; the secret only on creation and rotation. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewWebhookEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  description: string | null;
  events: string[];
  secretSealed: string;
  createdBy: string;
}

export interface WebhookEndpointChanges {
  url?: string;
  description?: string | null;
  events?: string[];
  active?: boolean;
}

export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    active: row.active,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    consecutiveFailures: row.consecutiveFailures,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** notifications.webhook_endpoints, always scoped by workspace (and by row-level security). */
@Injectable()
export class WebhookEndpointsRepository {
  async insert(manager: EntityManager, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
    const rows: WebhookEndpointRow[] = await manager.query(
      `INSERT INTO notifications.webhook_endpoints (id, workspace_id, url, description, events, secret_sealed, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [endpoint.id, endpoint.workspaceId, endpoint.url, endpoint.description, endpoint.events, endpoint.secretSealed, endpoint.createdBy],
    );
    return rows[0]!;
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<WebhookEndpointRow | null> {
    const rows: WebhookEndpointRow[] = await manager.query(`SELECT ${COLUMNS} FROM notifications.webhook_endpoints WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /** Newest first; one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, position: PagePosition): Promise<WebhookEndpointRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM notifications.webhook_endpoints
       WHERE workspace_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid)
       ORDER BY id DESC LIMIT $3`,
      [workspaceId, position.afterId, position.limit + 1],
    );
  }

  /** Re-enabling clears the failure count and the reason it was disabled. */
  async update(manager: EntityManager, workspaceId: string, id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointRow | null> {
    const rows = await updateReturning<WebhookEndpointRow>(
      manager,
      `UPDATE notifications.webhook_endpoints SET
         url = COALESCE($3, url),
         description = CASE WHEN $4::boolean THEN $5 ELSE description END,
         events = COALESCE($6::text[], events),
         active = COALESCE($7::boolean, active),
         consecutive_failures = CASE WHEN $7::boolean AND NOT active THEN 0 ELSE consecutive_failures END,
         disabled_reason = CASE WHEN $7::boolean IS NULL OR $7::boolean = active THEN disabled_reason
           WHEN $7::boolean THEN NULL ELSE 'disabled through the API' END,
         disabled_at = CASE WHEN $7::boolean IS NULL OR $7::boolean = active THEN disabled_at WHEN $7::boolean THEN NULL ELSE now() END,
         updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, changes.url ?? null, changes.description !== undefined, changes.description ?? null, changes.events ?? null, changes.active ?? null],
    );
    return rows[0] ?? null;
  }

  async replaceSecret(manager: EntityManager, workspaceId: string, id: string, secretSealed: string): Promise<WebhookEndpointRow | null> {
    const rows = await updateReturning<WebhookEndpointRow>(
      manager,
      `UPDATE notifications.webhook_endpoints SET secret_sealed = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, secretSealed],
    );
    return rows[0] ?? null;
  }

  /** Deletes the endpoint and, by cascade, its deliveries and their attempts. */
  async delete(manager: EntityManager, workspaceId: string, id: string): Promise<boolean> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      'DELETE FROM notifications.webhook_endpoints WHERE workspace_id = $1 AND id = $2 RETURNING id',
      [workspaceId, id],
    );
    return rows.length > 0;
  }

  /** The active endpoints of a workspace that subscribe to a type, directly or through "*". */
  async subscribedTo(manager: EntityManager, workspaceId: string, type: string): Promise<Array<{ id: string }>> {
    return manager.query(
      `SELECT id FROM notifications.webhook_endpoints
       WHERE workspace_id = $1 AND active AND events && ARRAY[$2, $3]::text[]`,
      [workspaceId, type, ALL_EVENTS],
    );
  }

  /** The endpoint as the sender needs it; `lock` holds its failure count until the transaction ends. */
  async findForDelivery(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    lock = false,
  ): Promise<{ url: string; secretSealed: string; active: boolean } | null> {
    const rows: Array<{ url: string; secretSealed: string; active: boolean }> = await manager.query(
      `SELECT url, secret_sealed AS "secretSealed", active FROM notifications.webhook_endpoints WHERE workspace_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  async recordSuccess(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(
      'UPDATE notifications.webhook_endpoints SET consecutive_failures = 0 WHERE workspace_id = $1 AND id = $2 AND consecutive_failures <> 0',
      [workspaceId, id],
    );
  }

  /** Counts a delivery that failed every attempt and disables the endpoint at the threshold; returns whether it is still active. */
  async recordFailure(manager: EntityManager, workspaceId: string, id: string, disableAfter: number): Promise<boolean> {
    const rows = await updateReturning<{ active: boolean }>(
      manager,
      `UPDATE notifications.webhook_endpoints SET
         consecutive_failures = consecutive_failures + 1,
         active = active AND consecutive_failures + 1 < $3,
         disabled_at = CASE WHEN active AND consecutive_failures + 1 >= $3 THEN now() ELSE disabled_at END,
         disabled_reason = CASE WHEN active AND consecutive_failures + 1 >= $3
           THEN format('%s deliveries in a row failed every attempt', consecutive_failures + 1) ELSE disabled_reason END,
         updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING active`,
      [workspaceId, id, disableAfter],
    );
    return rows[0]?.active ?? false;
  }
}
