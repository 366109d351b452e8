import { Injectable } from '@nestjs/common';
import type { BillingEvents } from '@kinship/contracts';
import type { InvoiceStatus } from '@kinship/contracts/billing';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import { divideRoundingHalfAwayFromZero } from '../invoices/money.js';
import type { Statement } from './idempotency-keys.js';
import { ACCOUNTS, Ledger } from './ledger.js';

/** The columns of an invoice that its money needs. */
export interface InvoiceMoney {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  currency: string;
  customer_contact_id: string | null;
  customer_company_id: string | null;
  subtotal: string;
  tax: string;
  total: string;
  amount_paid: string;
  amount_credited: string;
  customer_name: string;
  billing_email: string | null;
}

const MONEY_COLUMNS =
  'id, number, status, currency, customer_contact_id, customer_company_id, customer_name, billing_email, subtotal, tax, total, amount_paid, amount_credited';

/** An invoice locked until the transaction ends, with the transaction's timestamp (what now() answers in it). */
export interface LockedInvoice extends InvoiceMoney {
  locked_at: Date;
}

/** The statement that locks an invoice (LockedInvoice rows; none when the workspace has none such). */
export function lockInvoice(workspaceId: string, id: string): Statement {
  return (first) => ({
    sql: `SELECT ${MONEY_COLUMNS}, now() AS locked_at FROM billing.invoices WHERE workspace_id = $${first} AND id = $${first + 1} FOR UPDATE`,
    parameters: [workspaceId, id],
  });
}

export function customerIdOf(invoice: InvoiceMoney): string {
  return (invoice.customer_contact_id ?? invoice.customer_company_id)!;
}

export function eventCustomerOf(invoice: InvoiceMoney): BillingEvents.Customer {
  return invoice.customer_contact_id ? { contactId: invoice.customer_contact_id } : { companyId: invoice.customer_company_id! };
}

export function amountDueOf(invoice: InvoiceMoney): bigint {
  return invoice.status === 'void' ? 0n : BigInt(invoice.total) - BigInt(invoice.amount_paid) - BigInt(invoice.amount_credited);
}

/** The tax inside an amount (tax included) in the invoice's proportion, rounded half away from zero; the rest is net. */
export function taxPartOf(invoice: InvoiceMoney, amount: bigint): bigint {
  const total = BigInt(invoice.total);
  return total === 0n ? 0n : divideRoundingHalfAwayFromZero(amount * BigInt(invoice.tax), total);
}

/** The invoice's status once it has these amounts paid and credited: paid when nothing is due any more, open again when a paid one owes again (a refund). */
export function settledStatus(invoice: InvoiceMoney, amountPaid: bigint, amountCredited: bigint): InvoiceStatus {
  const due = BigInt(invoice.total) - amountPaid - amountCredited;
  if (due === 0n && (invoice.status === 'open' || invoice.status === 'uncollectible')) return 'paid';
  if (due > 0n && invoice.status === 'paid') return 'open';
  return invoice.status;
}

export function invalidInvoiceStatus(status: InvoiceStatus, field = 'invoiceId'): RpcError {
  return new RpcError(409, 'invalid_status', `The invoice is ${status}.`, [{ field, issue: `is ${status}` }]);
}

/**
 * The invoice's side of the ledger. Finalizing books what the customer owes against revenue and
 * tax; voiding takes back what is still due. The invariant the reconciliation checks: the receivable
 * entries of an invoice's transactions sum to its amount due.
 */
@Injectable()
export class InvoicePostings {
  constructor(private readonly ledger: Ledger) {}

  /** The invoice locked until the transaction ends; undefined when the workspace has none such. */
  async lock(manager: EntityManager, workspaceId: string, id: string): Promise<LockedInvoice | undefined> {
    const { sql, parameters } = lockInvoice(workspaceId, id)(1);
    const rows = (await manager.query(sql, parameters)) as LockedInvoice[];
    return rows[0];
  }

  /**
   * Writes paid and credited amounts; the invoice is paid when nothing is due any more, and a paid
   * invoice that owes again (a refund) is open again. Answers the row as written.
   */
  async settle(
    manager: EntityManager,
    workspaceId: string,
    invoice: InvoiceMoney,
    amountPaid: bigint,
    amountCredited: bigint,
  ): Promise<{ invoice: InvoiceMoney; paidAt: Date | null }> {
    const status = settledStatus(invoice, amountPaid, amountCredited);
    const [rows] = (await manager.query(
      `UPDATE billing.invoices SET amount_paid = $3, amount_credited = $4, status = $5,
         paid_at = CASE WHEN $5 = 'paid' THEN coalesce(paid_at, now()) ELSE NULL END, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${MONEY_COLUMNS}, paid_at`,
      [workspaceId, invoice.id, String(amountPaid), String(amountCredited), status],
    )) as [Array<InvoiceMoney & { paid_at: Date | null }>, number];
    const written = rows[0]!;
    return { invoice: written, paidAt: invoice.status !== 'paid' && written.status === 'paid' ? written.paid_at : null };
  }

  async postFinalized(manager: EntityManager, workspaceId: string, invoice: InvoiceMoney): Promise<void> {
    const total = BigInt(invoice.total);
    if (total === 0n) return;
    await this.ledger.post(manager, workspaceId, {
      kind: 'invoice_finalized',
      invoiceId: invoice.id,
      currency: invoice.currency,
      postings: [
        { account: ACCOUNTS.receivable(customerIdOf(invoice)), amount: total },
        { account: ACCOUNTS.revenue, amount: -BigInt(invoice.subtotal) },
        { account: ACCOUNTS.taxPayable, amount: -BigInt(invoice.tax) },
      ],
    });
  }

  /** Voiding takes back what was still due (before the status changed), net and tax in the invoice's proportion. */
  async postVoided(manager: EntityManager, workspaceId: string, before: InvoiceMoney): Promise<void> {
    const due = amountDueOf(before);
    if (due === 0n) return;
    const tax = taxPartOf(before, due);
    await this.ledger.post(manager, workspaceId, {
      kind: 'invoice_voided',
      invoiceId: before.id,
      currency: before.currency,
      postings: [
        { account: ACCOUNTS.receivable(customerIdOf(before)), amount: -due },
        { account: ACCOUNTS.revenue, amount: due - tax },
        { account: ACCOUNTS.taxPayable, amount: tax },
      ],
    });
  }
}
