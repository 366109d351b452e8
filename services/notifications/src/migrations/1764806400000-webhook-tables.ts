import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = runtimeRoleFor('notifications');
const TABLES = ['webhook_endpoints', 'webhook_deliveries', 'webhook_delivery_attempts'];

const CREATE_TABLES = [
  // The signing secret is needed in clear to sign, so it is stored encrypted (webhook-secrets.ts), not hashed.
  `CREATE TABLE notifications.webhook_endpoints (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    url text NOT NULL CHECK (char_length(url) <= 2048),
    description text CHECK (char_length(description) <= 500),
    events text[] NOT NULL CHECK (cardinality(events) > 0),
    secret_sealed text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    disabled_reason text,
    disabled_at timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX webhook_endpoints_workspace_id_id_idx ON notifications.webhook_endpoints (workspace_id, id DESC)`,
  // One delivery per endpoint and event, however often the event arrives; payload is the body sent.
  `CREATE TABLE notifications.webhook_deliveries (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    endpoint_id uuid NOT NULL REFERENCES notifications.webhook_endpoints (id) ON DELETE CASCADE,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    payload text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempt_count integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    response_status integer,
    response_body text,
    duration_ms integer,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CONSTRAINT webhook_deliveries_endpoint_id_event_id_key UNIQUE (endpoint_id, event_id),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
  )`,
  `CREATE INDEX webhook_deliveries_due_idx ON notifications.webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX webhook_deliveries_endpoint_id_id_idx ON notifications.webhook_deliveries (endpoint_id, id DESC)`,
  `CREATE TABLE notifications.webhook_delivery_attempts (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    delivery_id uuid NOT NULL REFERENCES notifications.webhook_deliveries (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    started_at timestamptz NOT NULL,
    duration_ms integer NOT NULL,
    response_status integer,
    response_body text,
    error text,
    CONSTRAINT webhook_delivery_attempts_delivery_id_attempt_key UNIQUE (delivery_id, attempt)
  )`,
];

/**
 * Due deliveries belong to every workspace, and row-level security hides every row until a
 * workspace is set. This function runs as the schema's owner and only leases due deliveries
 * (next_attempt_at moves past the lease, SKIP LOCKED keeps replicas apart) and names them; the
 * worker then reads and writes each under RLS. The owner needs policies of its own, since FORCE binds it too.
 */
const DISPATCH = [
  `CREATE POLICY owner_dispatch ON notifications.webhook_deliveries FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_dispatch_lease ON notifications.webhook_deliveries FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true)`,
  `CREATE FUNCTION notifications.lease_due_webhook_deliveries(max_count integer, lease interval)
    RETURNS TABLE (delivery_id uuid, workspace_id uuid, attempt integer)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, notifications AS $$
    UPDATE notifications.webhook_deliveries d SET next_attempt_at = now() + lease
    WHERE d.id IN (
      SELECT due.id FROM notifications.webhook_deliveries due
      WHERE due.status = 'pending' AND due.next_attempt_at <= now()
      ORDER BY due.next_attempt_at LIMIT max_count FOR UPDATE SKIP LOCKED
    )
    RETURNING d.id, d.workspace_id, d.attempt_count + 1
  $$`,
  `REVOKE ALL ON FUNCTION notifications.lease_due_webhook_deliveries(integer, interval) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION notifications.lease_due_webhook_deliveries(integer, interval) TO ${APP_ROLE}`,
];

/** Partner webhook endpoints, their deliveries (one per endpoint and event) and each attempt's outcome. */
export class WebhookTables1764806400000 implements MigrationInterface {
  name = 'WebhookTables1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [...CREATE_TABLES, ...TABLES.flatMap((table) => rowLevelSecuritySql('notifications', table)), ...DISPATCH];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION notifications.lease_due_webhook_deliveries(integer, interval)');
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE notifications.${table}`);
  }
}
