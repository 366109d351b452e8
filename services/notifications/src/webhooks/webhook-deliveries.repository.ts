import { Injectable } from '@nestjs/common';
import { newId, updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { PagePosition } from '@kinship/messaging';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

const COLUMNS = `id, endpoint_id AS "endpointId", event_id AS "eventId", event_type AS "eventType", status,
  attempt_count AS "attemptCount", next_attempt_at AS "nextAttemptAt", response_status AS "responseStatus",
  response_body AS "responseBody", duration_ms AS "durationMs", error, created_at AS "createdAt", completed_at AS "completedAt"`;

export interface WebhookDeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number | null;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface WebhookAttemptRow {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

/** One try at a delivery: the partner's status and the start of its answer, or why there was none. */
export interface AttemptOutcome {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number | null;
  error: string | null;
  createdAt: string;
  completedAt: string | null;
  attempts: WebhookAttempt[];
}

export function toWebhookDelivery(row: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    durationMs: row.durationMs,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      startedAt: attempt.startedAt.toISOString(),
      durationMs: attempt.durationMs,
      responseStatus: attempt.responseStatus,
      responseBody: attempt.responseBody,
      error: attempt.error,
    })),
  };
}

/** What the sender needs of a delivery it leased. */
export interface DeliveryToSend {
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attemptCount: number;
}

/** A delivery leased for sending, across workspaces (see the migration's lease function). */
export interface LeasedDelivery {
  deliveryId: string;
  workspaceId: string;
  attempt: number;
}

/** notifications.webhook_deliveries and webhook_delivery_attempts. */
@Injectable()
export class WebhookDeliveriesRepository {
  /** A delivery due now; none when this endpoint already has one for the event (a redelivered event). */
  async insertPending(
    manager: EntityManager,
    delivery: { workspaceId: string; endpointId: string; eventId: string; eventType: string; payload: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO notifications.webhook_deliveries (id, workspace_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT ON CONSTRAINT webhook_deliveries_endpoint_id_event_id_key DO NOTHING`,
      [newId(), delivery.workspaceId, delivery.endpointId, delivery.eventId, delivery.eventType, delivery.payload],
    );
  }

  /** Due deliveries of every workspace, each leased for `leaseMs` so that no other worker takes it meanwhile. */
  async leaseDue(manager: EntityManager, maxCount: number, leaseMs: number): Promise<LeasedDelivery[]> {
    return manager.query(
      `SELECT delivery_id AS "deliveryId", workspace_id AS "workspaceId", attempt
       FROM notifications.lease_due_webhook_deliveries($1, make_interval(secs => $2))`,
      [maxCount, leaseMs / 1000],
    );
  }

  async findForSending(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<DeliveryToSend | null> {
    const rows: DeliveryToSend[] = await manager.query(
      `SELECT endpoint_id AS "endpointId", event_id AS "eventId", event_type AS "eventType", payload, status, attempt_count AS "attemptCount"
       FROM notifications.webhook_deliveries WHERE workspace_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /**
   * Records an attempt and what follows: `nextAttemptAt` keeps the delivery pending until then;
   * otherwise it ends as `finalStatus`.
   */
  async recordAttempt(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
    next: { nextAttemptAt: Date } | { finalStatus: 'succeeded' | 'failed' },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO notifications.webhook_delivery_attempts (id, workspace_id, delivery_id, attempt, started_at, duration_ms, response_status, response_body, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [newId(), workspaceId, id, attempt, outcome.startedAt, outcome.durationMs, outcome.responseStatus, outcome.responseBody, outcome.error],
    );
    const pending = 'nextAttemptAt' in next;
    await manager.query(
      `UPDATE notifications.webhook_deliveries SET
         attempt_count = $3, status = $4, next_attempt_at = $5, completed_at = CASE WHEN $4 = 'pending' THEN NULL ELSE now() END,
         response_status = $6, response_body = $7, duration_ms = $8, error = $9, updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [
        workspaceId,
        id,
        attempt,
        pending ? 'pending' : next.finalStatus,
        pending ? next.nextAttemptAt : null,
        outcome.responseStatus,
        outcome.responseBody,
        outcome.durationMs,
        outcome.error,
      ],
    );
  }

  /** Ends a delivery without an attempt, e.g. because its endpoint was disabled meanwhile. */
  async abandon(manager: EntityManager, workspaceId: string, id: string, error: string): Promise<void> {
    await manager.query(
      `UPDATE notifications.webhook_deliveries SET status = 'failed', next_attempt_at = NULL, completed_at = now(), error = $3, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND status = 'pending'`,
      [workspaceId, id, error],
    );
  }

  /** Newest first; one row more than the page, if there is one. */
  async list(
    manager: EntityManager,
    workspaceId: string,
    endpointId: string,
    status: DeliveryStatus | null,
    position: PagePosition,
  ): Promise<WebhookDeliveryRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM notifications.webhook_deliveries
       WHERE workspace_id = $1 AND endpoint_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::uuid IS NULL OR id < $4::uuid)
       ORDER BY id DESC LIMIT $5`,
      [workspaceId, endpointId, status, position.afterId, position.limit + 1],
    );
  }

  async attemptsOf(manager: EntityManager, workspaceId: string, deliveryIds: string[]): Promise<WebhookAttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return manager.query(
      `SELECT delivery_id AS "deliveryId", attempt, started_at AS "startedAt", duration_ms AS "durationMs",
         response_status AS "responseStatus", response_body AS "responseBody", error
       FROM notifications.webhook_delivery_attempts WHERE workspace_id = $1 AND delivery_id = ANY($2::uuid[]) ORDER BY attempt`,
      [workspaceId, deliveryIds],
    );
  }

  /** Pending deliveries of an endpoint that was disabled or deleted end now, not at their next attempt. */
  async abandonPendingOf(manager: EntityManager, workspaceId: string, endpointId: string, error: string): Promise<number> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE notifications.webhook_deliveries SET status = 'failed', next_attempt_at = NULL, completed_at = now(), error = $3, updated_at = now()
       WHERE workspace_id = $1 AND endpoint_id = $2 AND status = 'pending' RETURNING id`,
      [workspaceId, endpointId, error],
    );
    return rows.length;
  }
}
