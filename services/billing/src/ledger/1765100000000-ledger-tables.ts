import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const MAX_SAFE = '9007199254740991';
const ROLE = runtimeRoleFor('billing');
const TENANT_TABLES = [
  'ledger_transactions',
  'ledger_entries',
  'wallet_balances',
  'payments',
  'payment_refunds',
  'credit_notes',
  'credit_note_number_sequences',
  'idempotency_keys',
];

const TABLES = [
  `CREATE TABLE billing.ledger_transactions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('invoice_finalized', 'invoice_voided', 'payment', 'refund', 'credit_note', 'wallet_credit')),
    invoice_id uuid,
    payment_id uuid,
    credit_note_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id)
  )`,
  `CREATE INDEX ledger_transactions_invoice_idx ON billing.ledger_transactions (workspace_id, invoice_id) WHERE invoice_id IS NOT NULL`,
  `CREATE INDEX ledger_transactions_payment_idx ON billing.ledger_transactions (workspace_id, payment_id) WHERE payment_id IS NOT NULL`,
  `CREATE TABLE billing.ledger_entries (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    transaction_id uuid NOT NULL,
    account text NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount bigint NOT NULL CHECK (amount <> 0 AND amount BETWEEN -${MAX_SAFE} AND ${MAX_SAFE}),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, transaction_id) REFERENCES billing.ledger_transactions (workspace_id, id)
  )`,
  `CREATE INDEX ledger_entries_transaction_idx ON billing.ledger_entries (transaction_id)`,
  `CREATE INDEX ledger_entries_account_idx ON billing.ledger_entries (workspace_id, account, id)`,
  `CREATE INDEX ledger_entries_workspace_idx ON billing.ledger_entries (workspace_id, id)`,
  // The one balance kept beside the entries: a wallet's, locked by every debit so it never goes below zero.
  `CREATE TABLE billing.wallet_balances (
    workspace_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    balance bigint NOT NULL CHECK (balance BETWEEN 0 AND ${MAX_SAFE}),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, customer_id, currency)
  )`,
  `CREATE TABLE billing.payments (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount bigint NOT NULL CHECK (amount BETWEEN 1 AND ${MAX_SAFE}),
    applied bigint NOT NULL CHECK (applied >= 0),
    to_wallet bigint NOT NULL CHECK (to_wallet >= 0),
    refunded bigint NOT NULL DEFAULT 0 CHECK (refunded BETWEEN 0 AND applied),
    method text NOT NULL CHECK (method IN ('manual', 'bank_transfer', 'wallet', 'stripe')),
    reference text,
    received_at timestamptz NOT NULL,
    stripe_payment_intent_id text,
    -- What Stripe's charge.refunded said was refunded so far (cumulative), so an older event changes nothing.
    stripe_refunded bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    CHECK (applied + to_wallet = amount),
    FOREIGN KEY (workspace_id, invoice_id) REFERENCES billing.invoices (workspace_id, id)
  )`,
  `CREATE INDEX payments_invoice_idx ON billing.payments (workspace_id, invoice_id, id)`,
  `CREATE UNIQUE INDEX payments_stripe_key ON billing.payments (stripe_payment_intent_id) WHERE stripe_payment_intent_id IS NOT NULL`,
  `CREATE TABLE billing.payment_refunds (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    payment_id uuid NOT NULL,
    amount bigint NOT NULL CHECK (amount BETWEEN 1 AND ${MAX_SAFE}),
    destination text NOT NULL CHECK (destination IN ('original', 'wallet')),
    credit_note_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, payment_id) REFERENCES billing.payments (workspace_id, id)
  )`,
  `CREATE INDEX payment_refunds_payment_idx ON billing.payment_refunds (workspace_id, payment_id)`,
  `CREATE TABLE billing.credit_note_number_sequences (
    workspace_id uuid NOT NULL,
    year integer NOT NULL,
    last_number integer NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (workspace_id, year)
  )`,
  `CREATE TABLE billing.credit_notes (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    number text NOT NULL,
    currency text NOT NULL,
    amount bigint NOT NULL CHECK (amount BETWEEN 1 AND ${MAX_SAFE}),
    subtotal bigint NOT NULL CHECK (subtotal >= 0),
    tax bigint NOT NULL CHECK (tax >= 0),
    reason text,
    refund text NOT NULL CHECK (refund IN ('none', 'wallet', 'original')),
    applied_to_due bigint NOT NULL CHECK (applied_to_due >= 0),
    refunded bigint NOT NULL CHECK (refunded >= 0),
    to_wallet bigint NOT NULL CHECK (to_wallet >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (subtotal + tax = amount AND applied_to_due + refunded + to_wallet = amount),
    FOREIGN KEY (workspace_id, invoice_id) REFERENCES billing.invoices (workspace_id, id)
  )`,
  `CREATE UNIQUE INDEX credit_notes_number_key ON billing.credit_notes (workspace_id, number)`,
  `CREATE INDEX credit_notes_invoice_idx ON billing.credit_notes (workspace_id, invoice_id, created_at)`,
  // Billing's own record of Idempotency-Key, written in the transaction of the effect, so the
  // same key never moves money twice even when the gateway's Redis copy is gone.
  `CREATE TABLE billing.idempotency_keys (
    workspace_id uuid NOT NULL,
    key text NOT NULL,
    operation text NOT NULL,
    fingerprint text NOT NULL,
    response jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, key)
  )`,
  // Stripe's event ids are global; each takes effect once, recorded in the effect's transaction.
  `CREATE TABLE billing.stripe_events (
    event_id text PRIMARY KEY,
    workspace_id uuid NOT NULL,
    type text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
  )`,
  // Results of the reconciliation job across all workspaces: counts only, no tenant data.
  `CREATE TABLE billing.reconciliation_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checked_at timestamptz NOT NULL,
    duration_ms integer NOT NULL,
    entries integer NOT NULL,
    imbalances integer NOT NULL
  )`,
  `CREATE TABLE billing.reconciliation_findings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id bigint NOT NULL REFERENCES billing.reconciliation_runs (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    currency text,
    expected bigint,
    actual bigint
  )`,
  `CREATE INDEX reconciliation_findings_run_idx ON billing.reconciliation_findings (workspace_id, run_id)`,
  `ALTER TABLE billing.invoices ADD COLUMN paid_at timestamptz`,
];

/**
 * Entries are written once: the service role loses UPDATE, DELETE and TRUNCATE, and a trigger
 * refuses them for every role, the owner included. A statement that adds entries is checked once
 * at its end: every transaction it touched has at least two entries that sum to zero per currency
 * (a statement-level check with the new rows as a table, so a bulk load pays one check, not one per row).
 */
const INVARIANTS = [
  `CREATE FUNCTION billing.refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'ledger % rows are immutable (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
  END $$`,
  `CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON billing.ledger_entries FOR EACH ROW EXECUTE FUNCTION billing.refuse_ledger_change()`,
  `CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON billing.ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_ledger_change()`,
  `CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON billing.ledger_transactions FOR EACH ROW EXECUTE FUNCTION billing.refuse_ledger_change()`,
  `CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON billing.ledger_transactions FOR EACH STATEMENT EXECUTE FUNCTION billing.refuse_ledger_change()`,
  `CREATE FUNCTION billing.check_ledger_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE broken record;
  BEGIN
    SELECT e.transaction_id, e.currency, sum(e.amount) AS total, count(*) AS entries INTO broken
    FROM billing.ledger_entries e
    -- An array, not IN (subquery): the transition table has no statistics, and a guessed join would scan the whole ledger.
    WHERE e.transaction_id = ANY (ARRAY(SELECT DISTINCT transaction_id FROM new_entries))
    GROUP BY e.transaction_id, e.currency
    HAVING sum(e.amount) <> 0 OR (SELECT count(*) FROM billing.ledger_entries x WHERE x.transaction_id = e.transaction_id) < 2
    LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'ledger transaction % does not balance in % (sum %, % entries)', broken.transaction_id, broken.currency, broken.total, broken.entries
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
  END $$`,
  `CREATE TRIGGER ledger_entries_balanced AFTER INSERT ON billing.ledger_entries REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION billing.check_ledger_balanced()`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON billing.ledger_entries, billing.ledger_transactions FROM ${ROLE}`,
];

/**
 * The reconciliation job looks across workspaces; row-level security hides every row until a
 * workspace is set. This function runs as the schema's owner (which needs policies of its own to
 * read, since FORCE binds it too) and answers findings only, aggregated in PostgreSQL so the job's
 * memory does not grow with the ledger.
 */
const RECONCILIATION = [
  ...['ledger_transactions', 'ledger_entries', 'wallet_balances', 'payments'].map(
    (table) => `CREATE POLICY owner_reconciliation ON billing.${table} FOR SELECT TO CURRENT_USER USING (true)`,
  ),
  `CREATE FUNCTION billing.ledger_findings() RETURNS TABLE (workspace_id uuid, kind text, subject text, currency text, expected bigint, actual bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, billing AS $$
    SELECT e.workspace_id, 'transaction_unbalanced', e.transaction_id::text, e.currency, 0::bigint, sum(e.amount)::bigint
      FROM billing.ledger_entries e GROUP BY e.workspace_id, e.transaction_id, e.currency HAVING sum(e.amount) <> 0
    UNION ALL
    SELECT coalesce(w.workspace_id, s.workspace_id), 'wallet_balance_mismatch', coalesce(w.customer_id, s.customer_id)::text, coalesce(w.currency, s.currency),
        (-coalesce(s.total, 0))::bigint, coalesce(w.balance, 0)::bigint
      FROM billing.wallet_balances w
      FULL JOIN (SELECT e.workspace_id, substr(e.account, 8)::uuid AS customer_id, e.currency, sum(e.amount) AS total
                 FROM billing.ledger_entries e WHERE e.account LIKE 'wallet:%' GROUP BY 1, 2, 3) s
        ON s.workspace_id = w.workspace_id AND s.customer_id = w.customer_id AND s.currency = w.currency
      -- A wallet is a liability: its ledger balance is credit, negative in the debit-positive sign.
      WHERE coalesce(w.balance, 0) <> -coalesce(s.total, 0)
    UNION ALL
    SELECT i.workspace_id, 'invoice_amount_due_mismatch', i.id::text, i.currency,
        (CASE WHEN i.status = 'void' THEN 0 ELSE i.total - i.amount_paid - i.amount_credited END)::bigint, coalesce(r.total, 0)::bigint
      FROM billing.invoices i
      LEFT JOIN (SELECT t.invoice_id, sum(e.amount) AS total FROM billing.ledger_transactions t
                 JOIN billing.ledger_entries e ON e.transaction_id = t.id AND e.account LIKE 'receivable:%'
                 WHERE t.invoice_id IS NOT NULL GROUP BY t.invoice_id) r ON r.invoice_id = i.id
      WHERE i.status <> 'draft' AND (CASE WHEN i.status = 'void' THEN 0 ELSE i.total - i.amount_paid - i.amount_credited END) <> coalesce(r.total, 0)
    UNION ALL
    SELECT p.workspace_id, 'payment_unposted', p.id::text, p.currency, p.amount, coalesce(m.received, 0)::bigint
      FROM billing.payments p
      LEFT JOIN (SELECT t.payment_id, sum(e.amount) FILTER (WHERE e.amount > 0) AS received FROM billing.ledger_transactions t
                 JOIN billing.ledger_entries e ON e.transaction_id = t.id WHERE t.kind = 'payment' GROUP BY t.payment_id) m ON m.payment_id = p.id
      WHERE coalesce(m.received, 0) <> p.amount
  $$`,
  `CREATE FUNCTION billing.ledger_entry_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, billing AS $$
    SELECT count(*) FROM billing.ledger_entries
  $$`,
  // charge.refunded names a PaymentIntent, not a workspace: this names the workspace of its payment, nothing more.
  `CREATE FUNCTION billing.workspace_of_stripe_payment(payment_intent_id text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, billing AS $$
    SELECT p.workspace_id FROM billing.payments p WHERE p.stripe_payment_intent_id = workspace_of_stripe_payment.payment_intent_id
  $$`,
  `REVOKE ALL ON FUNCTION billing.ledger_findings(), billing.ledger_entry_count(), billing.workspace_of_stripe_payment(text) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION billing.ledger_findings(), billing.ledger_entry_count(), billing.workspace_of_stripe_payment(text) TO ${ROLE}`,
];

/** The double-entry ledger, wallets, payments and refunds, credit notes, billing's idempotency keys, Stripe events and reconciliation. */
export class LedgerTables1765100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of TABLES) await queryRunner.query(statement);
    for (const table of [...TENANT_TABLES, 'reconciliation_findings', 'stripe_events']) {
      for (const statement of rowLevelSecuritySql('billing', table)) await queryRunner.query(statement);
    }
    for (const statement of [...INVARIANTS, ...RECONCILIATION]) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION billing.ledger_findings(), billing.ledger_entry_count(), billing.workspace_of_stripe_payment(text)');
    for (const table of ['reconciliation_findings', 'reconciliation_runs', 'stripe_events', ...[...TENANT_TABLES].reverse()])
      await queryRunner.query(`DROP TABLE billing.${table}`);
    await queryRunner.query('DROP FUNCTION billing.check_ledger_balanced(), billing.refuse_ledger_change()');
    await queryRunner.query('ALTER TABLE billing.invoices DROP COLUMN paid_at');
  }
}
