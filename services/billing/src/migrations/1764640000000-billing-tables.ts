import { rowLevelSecuritySql, runtimeRoleFor } from '@kinship/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// Money is bigint minor units, checked against 2^53 − 1 so JSON carries it exactly; quantities
// are numeric with 4 decimal places. Invoice lines point at their invoice within the workspace
// (composite key), so a line can never belong to another tenant's invoice.
const MAX_SAFE = '9007199254740991';
const TABLES = ['products', 'settings', 'invoice_number_sequences', 'invoices', 'invoice_lines'];

const STATEMENTS = [
  `CREATE TABLE billing.products (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    name text NOT NULL,
    sku text NOT NULL,
    unit_price bigint NOT NULL CHECK (unit_price BETWEEN 0 AND ${MAX_SAFE}),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    tax_rate integer NOT NULL CHECK (tax_rate BETWEEN 0 AND 10000),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
  )`,
  `CREATE UNIQUE INDEX products_sku_key ON billing.products (workspace_id, sku) WHERE deleted_at IS NULL`,
  `CREATE INDEX products_workspace_idx ON billing.products (workspace_id, id)`,
  `CREATE TABLE billing.settings (
    workspace_id uuid PRIMARY KEY,
    legal_name text,
    address text,
    tax_id text,
    invoice_prefix text NOT NULL,
    payment_instructions text,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE billing.invoice_number_sequences (
    workspace_id uuid NOT NULL,
    year integer NOT NULL,
    last_number integer NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (workspace_id, year)
  )`,
  `CREATE TABLE billing.invoices (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    number text,
    status text NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
    customer_contact_id uuid,
    customer_company_id uuid,
    customer_name text NOT NULL,
    billing_email text,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    issue_date date,
    due_date date,
    payment_terms text NOT NULL CHECK (payment_terms IN ('due_on_receipt', 'net_7', 'net_15', 'net_30', 'net_60')),
    notes text,
    subtotal bigint NOT NULL CHECK (subtotal BETWEEN 0 AND ${MAX_SAFE}),
    tax bigint NOT NULL CHECK (tax BETWEEN 0 AND ${MAX_SAFE}),
    total bigint NOT NULL CHECK (total BETWEEN 0 AND ${MAX_SAFE}),
    amount_paid bigint NOT NULL DEFAULT 0,
    amount_credited bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finalized_at timestamptz,
    voided_at timestamptz,
    marked_uncollectible_at timestamptz,
    overdue_at timestamptz,
    UNIQUE (workspace_id, id),
    CHECK ((customer_contact_id IS NULL) <> (customer_company_id IS NULL)),
    CHECK ((status = 'draft') = (number IS NULL)),
    CHECK (status = 'draft' OR (issue_date IS NOT NULL AND due_date IS NOT NULL AND finalized_at IS NOT NULL)),
    CHECK (due_date IS NULL OR issue_date IS NULL OR due_date >= issue_date)
  )`,
  `CREATE UNIQUE INDEX invoices_number_key ON billing.invoices (workspace_id, number) WHERE number IS NOT NULL`,
  `CREATE INDEX invoices_overdue_idx ON billing.invoices (due_date) WHERE status = 'open' AND overdue_at IS NULL`,
  `CREATE INDEX invoices_customer_idx ON billing.invoices (workspace_id, coalesce(customer_contact_id, customer_company_id), id)`,
  `CREATE TABLE billing.invoice_lines (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    position integer NOT NULL,
    product_id uuid,
    description text NOT NULL,
    quantity numeric(13, 4) NOT NULL CHECK (quantity > 0),
    unit_price bigint NOT NULL CHECK (unit_price BETWEEN 0 AND ${MAX_SAFE}),
    tax_rate integer NOT NULL CHECK (tax_rate BETWEEN 0 AND 10000),
    amount bigint NOT NULL CHECK (amount BETWEEN 0 AND ${MAX_SAFE}),
    tax bigint NOT NULL CHECK (tax BETWEEN 0 AND ${MAX_SAFE}),
    FOREIGN KEY (workspace_id, invoice_id) REFERENCES billing.invoices (workspace_id, id) ON DELETE CASCADE,
    UNIQUE (invoice_id, position)
  )`,
];

/**
 * The daily overdue check looks across workspaces, and row-level security hides every row until a
 * workspace is set. This function runs as the schema's owner and names only the workspaces that
 * have open invoices past due not yet marked; the check then marks them under RLS, workspace by
 * workspace. The owner needs a policy of its own to see the rows, since FORCE binds it too.
 */
const OVERDUE_LOOKUP = [
  `CREATE POLICY owner_overdue_lookup ON billing.invoices FOR SELECT TO CURRENT_USER USING (true)`,
  `CREATE FUNCTION billing.workspaces_with_overdue_invoices(today date) RETURNS TABLE (workspace_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, billing AS $$
    SELECT DISTINCT i.workspace_id FROM billing.invoices i
    WHERE i.status = 'open' AND i.overdue_at IS NULL AND i.due_date < workspaces_with_overdue_invoices.today
  $$`,
  `REVOKE ALL ON FUNCTION billing.workspaces_with_overdue_invoices(date) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION billing.workspaces_with_overdue_invoices(date) TO ${runtimeRoleFor('billing')}`,
];

/** Products, billing settings, invoices with their lines, and the per-year invoice number counters. */
export class BillingTables1764640000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
    for (const table of TABLES) for (const statement of rowLevelSecuritySql('billing', table)) await queryRunner.query(statement);
    for (const statement of OVERDUE_LOOKUP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION billing.workspaces_with_overdue_invoices(date)');
    for (const table of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE billing.${table}`);
  }
}
