import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = runtimeRoleFor('auth');
const ROLES = `('owner', 'admin', 'manager', 'member', 'viewer')`;

const TABLES = ['workspaces', 'users', 'oauth_identities', 'refresh_tokens', 'one_time_tokens', 'invitations', 'api_keys', 'audit_logs'];

const CREATE_TABLES = [
  // A workspace is its own tenant: workspace_id mirrors id so that the common policy applies.
  `CREATE TABLE auth.workspaces (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL GENERATED ALWAYS AS (id) STORED,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  // Emails are stored lower-cased and are unique across every workspace: a person has one account.
  `CREATE TABLE auth.users (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES auth.workspaces (id),
    email text NOT NULL CHECK (email = lower(email)),
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ${ROLES}),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
    password_hash text,
    avatar_url text,
    email_verified_at timestamptz,
    locale text NOT NULL DEFAULT 'en',
    timezone text NOT NULL DEFAULT 'UTC',
    notification_preferences jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    CONSTRAINT users_workspace_id_id_key UNIQUE (workspace_id, id)
  )`,
  `CREATE UNIQUE INDEX users_email_key ON auth.users (email)`,
  `CREATE TABLE auth.oauth_identities (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    user_id uuid NOT NULL,
    provider text NOT NULL,
    subject text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT oauth_identities_provider_subject_key UNIQUE (provider, subject),
    FOREIGN KEY (workspace_id, user_id) REFERENCES auth.users (workspace_id, id)
  )`,
  // A family is one sign-in and every token rotated from it; its id is the access tokens' sid.
  `CREATE TABLE auth.refresh_tokens (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    user_id uuid NOT NULL,
    family_id uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, user_id) REFERENCES auth.users (workspace_id, id)
  )`,
  `CREATE INDEX refresh_tokens_family_id_idx ON auth.refresh_tokens (family_id)`,
  `CREATE INDEX refresh_tokens_live_user_id_idx ON auth.refresh_tokens (user_id) WHERE revoked_at IS NULL`,
  // Password reset and email verification tokens; email is the address the token was sent to.
  `CREATE TABLE auth.one_time_tokens (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    user_id uuid NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
    email text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, user_id) REFERENCES auth.users (workspace_id, id)
  )`,
  `CREATE INDEX one_time_tokens_user_id_idx ON auth.one_time_tokens (user_id, purpose) WHERE used_at IS NULL`,
  `CREATE TABLE auth.invitations (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    email text NOT NULL CHECK (email = lower(email)),
    role text NOT NULL CHECK (role IN ${ROLES}),
    invited_by uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_user_id uuid,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, invited_by) REFERENCES auth.users (workspace_id, id)
  )`,
  // One open invitation per address and workspace: a new one replaces the old (invitations.service.ts).
  `CREATE UNIQUE INDEX invitations_open_email_key ON auth.invitations (workspace_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL`,
  `CREATE TABLE auth.api_keys (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL,
    key_hash text NOT NULL UNIQUE,
    scopes text[] NOT NULL,
    created_by uuid NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, created_by) REFERENCES auth.users (workspace_id, id)
  )`,
  // workspace_id is NULL only for what belongs to no workspace: a failed sign-in of an unknown email.
  `CREATE TABLE auth.audit_logs (
    id uuid PRIMARY KEY,
    workspace_id uuid,
    actor_id uuid,
    action text NOT NULL,
    target_type text,
    target_id uuid,
    ip text,
    user_agent text,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX audit_logs_workspace_id_id_idx ON auth.audit_logs (workspace_id, id DESC)`,
];

const AUDIT_LOG_APPEND_ONLY = [
  `REVOKE UPDATE, DELETE, TRUNCATE ON auth.audit_logs FROM ${APP_ROLE}`,
  // The privileges stop the service; the trigger stops everyone else, the owner included.
  `CREATE FUNCTION auth.refuse_audit_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'auth.audit_logs is append-only' USING ERRCODE = 'insufficient_privilege';
  END
  $$`,
  `CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON auth.audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION auth.refuse_audit_log_change()`,
  // A row of no workspace can be written (never read) by the service; the common policy cannot match NULL.
  `CREATE POLICY workspace_less_entries ON auth.audit_logs FOR INSERT WITH CHECK (workspace_id IS NULL)`,
];

/**
 * Sign-in knows an email (or an OpenID subject), not yet a workspace, and row-level security
 * hides every row until the workspace is set. These functions run as the schema's owner and
 * answer only which user and workspace match; the service then reads the user under RLS.
 * The owner needs a policy of its own to see the rows, since FORCE binds it too.
 */
const SIGN_IN_LOOKUPS = [
  `CREATE POLICY owner_sign_in_lookup ON auth.users FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE POLICY owner_sign_in_lookup ON auth.oauth_identities FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE FUNCTION auth.find_user_by_email(email text) RETURNS TABLE (user_id uuid, workspace_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth AS $$
    SELECT u.id, u.workspace_id FROM auth.users u WHERE u.email = lower(find_user_by_email.email)
  $$`,
  `CREATE FUNCTION auth.find_oauth_identity(provider text, subject text) RETURNS TABLE (user_id uuid, workspace_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth AS $$
    SELECT i.user_id, i.workspace_id FROM auth.oauth_identities i
    WHERE i.provider = find_oauth_identity.provider AND i.subject = find_oauth_identity.subject
  $$`,
  `REVOKE ALL ON FUNCTION auth.find_user_by_email(text), auth.find_oauth_identity(text, text) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION auth.find_user_by_email(text), auth.find_oauth_identity(text, text) TO ${APP_ROLE}`,
];

/** Workspaces, users and everything that signs them in, and the append-only audit log. */
export class AuthTables1764547200000 implements MigrationInterface {
  name = 'AuthTables1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [...CREATE_TABLES, ...TABLES.flatMap((table) => rowLevelSecuritySql('auth', table)), ...AUDIT_LOG_APPEND_ONLY, ...SIGN_IN_LOOKUPS];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION auth.find_oauth_identity(text, text)');
    await queryRunner.query('DROP FUNCTION auth.find_user_by_email(text)');
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE auth.${table}`);
    await queryRunner.query('DROP FUNCTION auth.refuse_audit_log_change()');
  }
}
