import { Injectable } from '@nestjs/common';
import type { Invoice, InvoiceLine, InvoiceStatus, PaymentTerms } from '@kinship/contracts/billing';
import type { PagePosition } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';

export interface InvoiceRow {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  customer_contact_id: string | null;
  customer_company_id: string | null;
  customer_name: string;
  deal_id: string | null;
  billing_email: string | null;
  currency: string;
  issue_date: string | null;
  due_date: string | null;
  payment_terms: PaymentTerms;
  notes: string | null;
  subtotal: string;
  tax: string;
  total: string;
  amount_paid: string;
  amount_credited: string;
  created_at: Date;
  updated_at: Date;
  finalized_at: Date | null;
  voided_at: Date | null;
  marked_uncollectible_at: Date | null;
}

interface LineRow {
  id: string;
  invoice_id: string;
  product_id: string | null;
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate: number;
  amount: string;
  tax: string;
}

/** A line as it is written: every amount already computed and checked. */
export interface LineToWrite {
  id: string;
  productId: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  taxRate: number;
  amount: number;
  tax: number;
}

/** The columns of an invoice that a draft's writes set. */
export interface DraftToWrite {
  customerContactId: string | null;
  customerCompanyId: string | null;
  customerName: string;
  billingEmail: string | null;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  paymentTerms: PaymentTerms;
  notes: string | null;
  subtotal: number;
  tax: number;
  total: number;
}

// Dates leave PostgreSQL as text: the driver would turn a date into a Date at local midnight.
const INVOICE_COLUMNS = `id, number, status, customer_contact_id, customer_company_id, customer_name, deal_id, billing_email, currency,
  issue_date::text AS issue_date, due_date::text AS due_date, payment_terms, notes, subtotal, tax, total, amount_paid, amount_credited,
  created_at, updated_at, finalized_at, voided_at, marked_uncollectible_at`;
const LINE_COLUMNS = 'id, invoice_id, product_id, description, quantity, unit_price, tax_rate, amount, tax';

/** Today in UTC, YYYY-MM-DD: the calendar billing dates are in. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function toLine(row: LineRow): InvoiceLine & LineToWrite {
  return {
    id: row.id,
    productId: row.product_id,
    description: row.description,
    quantity: Number(row.quantity),
    unitPrice: Number(row.unit_price),
    taxRate: row.tax_rate,
    amount: Number(row.amount),
    tax: Number(row.tax),
  };
}

export function toInvoice(row: InvoiceRow, lines: readonly LineRow[]): Invoice {
  const total = Number(row.total);
  const amountPaid = Number(row.amount_paid);
  const amountCredited = Number(row.amount_credited);
  const amountDue = row.status === 'void' ? 0 : total - amountPaid - amountCredited;
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    customer: { contactId: row.customer_contact_id, companyId: row.customer_company_id, name: row.customer_name },
    dealId: row.deal_id,
    billingEmail: row.billing_email,
    currency: row.currency,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    paymentTerms: row.payment_terms,
    overdue: row.status === 'open' && row.due_date !== null && row.due_date < todayUtc(),
    notes: row.notes,
    lines: lines.map(toLine),
    subtotal: Number(row.subtotal),
    tax: Number(row.tax),
    total,
    amountPaid,
    amountCredited,
    amountDue,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finalizedAt: row.finalized_at?.toISOString() ?? null,
    voidedAt: row.voided_at?.toISOString() ?? null,
    markedUncollectibleAt: row.marked_uncollectible_at?.toISOString() ?? null,
  };
}

export interface InvoiceFilter {
  status?: InvoiceStatus;
  customerId?: string;
  dealId?: string;
}

/** SQL of invoices and their lines; every statement names the workspace besides row-level security. */
@Injectable()
export class InvoicesRepository {
  async find(manager: EntityManager, workspaceId: string, id: string, forUpdate = false): Promise<InvoiceRow | undefined> {
    const rows = (await manager.query(`SELECT ${INVOICE_COLUMNS} FROM billing.invoices WHERE workspace_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
      workspaceId,
      id,
    ])) as InvoiceRow[];
    return rows[0];
  }

  async list(manager: EntityManager, workspaceId: string, filter: InvoiceFilter, position: PagePosition): Promise<InvoiceRow[]> {
    return manager.query(
      `SELECT ${INVOICE_COLUMNS} FROM billing.invoices
       WHERE workspace_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR coalesce(customer_contact_id, customer_company_id) = $3)
         AND ($4::uuid IS NULL OR deal_id = $4) AND ($5::uuid IS NULL OR id > $5)
       ORDER BY id LIMIT $6`,
      [workspaceId, filter.status ?? null, filter.customerId ?? null, filter.dealId ?? null, position.afterId, position.limit + 1],
    ) as Promise<InvoiceRow[]>;
  }

  /** The lines of these invoices, by invoice id, in their order. */
  async linesOf(manager: EntityManager, workspaceId: string, invoiceIds: readonly string[]): Promise<Map<string, LineRow[]>> {
    const rows = (await manager.query(
      `SELECT ${LINE_COLUMNS} FROM billing.invoice_lines WHERE workspace_id = $1 AND invoice_id = ANY($2::uuid[]) ORDER BY invoice_id, position`,
      [workspaceId, invoiceIds],
    )) as LineRow[];
    const byInvoice = new Map<string, LineRow[]>(invoiceIds.map((id) => [id, []]));
    for (const row of rows) byInvoice.get(row.invoice_id)!.push(row);
    return byInvoice;
  }

  /** An invoice's lines as they are stored, to keep them when a draft changes other fields. */
  async storedLines(manager: EntityManager, workspaceId: string, invoiceId: string): Promise<LineToWrite[]> {
    const lines = await this.linesOf(manager, workspaceId, [invoiceId]);
    return lines.get(invoiceId)!.map(toLine);
  }

  async read(manager: EntityManager, workspaceId: string, row: InvoiceRow): Promise<Invoice> {
    const lines = await this.linesOf(manager, workspaceId, [row.id]);
    return toInvoice(row, lines.get(row.id)!);
  }

  async insertDraft(manager: EntityManager, workspaceId: string, id: string, draft: DraftToWrite): Promise<InvoiceRow> {
    const [row] = (await manager.query(
      `INSERT INTO billing.invoices (id, workspace_id, status, customer_contact_id, customer_company_id, customer_name, billing_email, currency,
         issue_date, due_date, payment_terms, notes, subtotal, tax, total)
       VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${INVOICE_COLUMNS}`,
      [id, workspaceId, ...this.draftValues(draft)],
    )) as InvoiceRow[];
    return row!;
  }

  /** Links a draft to the crm deal it bills. */
  async setDeal(manager: EntityManager, workspaceId: string, id: string, dealId: string): Promise<InvoiceRow> {
    const [rows] = (await manager.query(`UPDATE billing.invoices SET deal_id = $3 WHERE workspace_id = $1 AND id = $2 RETURNING ${INVOICE_COLUMNS}`, [
      workspaceId,
      id,
      dealId,
    ])) as [InvoiceRow[], number];
    return rows[0]!;
  }

  async updateDraft(manager: EntityManager, workspaceId: string, id: string, draft: DraftToWrite): Promise<InvoiceRow> {
    const [rows] = (await manager.query(
      `UPDATE billing.invoices SET customer_contact_id = $3, customer_company_id = $4, customer_name = $5, billing_email = $6, currency = $7,
         issue_date = $8, due_date = $9, payment_terms = $10, notes = $11, subtotal = $12, tax = $13, total = $14, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND status = 'draft' RETURNING ${INVOICE_COLUMNS}`,
      [workspaceId, id, ...this.draftValues(draft)],
    )) as [InvoiceRow[], number];
    return rows[0]!;
  }

  async replaceLines(manager: EntityManager, workspaceId: string, invoiceId: string, lines: readonly LineToWrite[]): Promise<void> {
    await manager.query(`DELETE FROM billing.invoice_lines WHERE workspace_id = $1 AND invoice_id = $2`, [workspaceId, invoiceId]);
    await manager.query(
      `INSERT INTO billing.invoice_lines (id, workspace_id, invoice_id, position, product_id, description, quantity, unit_price, tax_rate, amount, tax)
       SELECT line.id, $1, $2, line.position, line.product_id, line.description, line.quantity, line.unit_price, line.tax_rate, line.amount, line.tax
       FROM unnest($3::uuid[], $4::int[], $5::uuid[], $6::text[], $7::numeric[], $8::bigint[], $9::int[], $10::bigint[], $11::bigint[])
         AS line(id, position, product_id, description, quantity, unit_price, tax_rate, amount, tax)`,
      [
        workspaceId,
        invoiceId,
        lines.map((line) => line.id),
        lines.map((_line, index) => index),
        lines.map((line) => line.productId),
        lines.map((line) => line.description),
        lines.map((line) => line.quantity.toFixed(4)),
        lines.map((line) => String(line.unitPrice)),
        lines.map((line) => line.taxRate),
        lines.map((line) => String(line.amount)),
        lines.map((line) => String(line.tax)),
      ],
    );
  }

  async delete(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(`DELETE FROM billing.invoices WHERE workspace_id = $1 AND id = $2 AND status = 'draft'`, [workspaceId, id]);
  }

  /** Moves the invoice to a new status with the columns that go with it (finalization: number and dates). */
  async transition(
    manager: EntityManager,
    workspaceId: string,
    id: string,
    changes: { status: InvoiceStatus; number?: string; issueDate?: string; dueDate?: string },
  ): Promise<InvoiceRow> {
    const [rows] = (await manager.query(
      `UPDATE billing.invoices SET status = $3, number = coalesce($4, number), issue_date = coalesce($5::date, issue_date), due_date = coalesce($6::date, due_date),
         finalized_at = CASE WHEN $3 = 'open' AND finalized_at IS NULL THEN now() ELSE finalized_at END,
         voided_at = CASE WHEN $3 = 'void' THEN now() ELSE voided_at END,
         marked_uncollectible_at = CASE WHEN $3 = 'uncollectible' THEN now() ELSE marked_uncollectible_at END,
         updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${INVOICE_COLUMNS}`,
      [workspaceId, id, changes.status, changes.number ?? null, changes.issueDate ?? null, changes.dueDate ?? null],
    )) as [InvoiceRow[], number];
    return rows[0]!;
  }

  private draftValues(draft: DraftToWrite): unknown[] {
    return [
      draft.customerContactId,
      draft.customerCompanyId,
      draft.customerName,
      draft.billingEmail,
      draft.currency,
      draft.issueDate,
      draft.dueDate,
      draft.paymentTerms,
      draft.notes,
      draft.subtotal,
      draft.tax,
      draft.total,
    ];
  }
}
