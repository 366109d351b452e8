import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BillingEvents } from '@kinship/contracts';
import type { CreateCreditNoteBody, CreditNote, CreditNoteList, CreditNoteRefund } from '@kinship/contracts/billing';
import { RpcError } from '@kinship/messaging';
import { newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { todayUtc } from '../invoices/invoices.repository.js';
import { invoiceTotals, lineAmounts, safeAmount } from '../invoices/money.js';
import { amountDueOf, customerIdOf, eventCustomerOf, invalidInvoiceStatus, InvoicePostings, taxPartOf, type InvoiceMoney } from '../ledger/invoice-postings.js';
import { ACCOUNTS, Ledger } from '../ledger/ledger.js';
import { PaymentsService } from '../payments/payments.service.js';

interface CreditNoteRow {
  id: string;
  number: string;
  invoice_id: string;
  currency: string;
  amount: string;
  subtotal: string;
  tax: string;
  reason: string | null;
  refund: CreditNoteRefund;
  applied_to_due: string;
  refunded: string;
  to_wallet: string;
  created_at: Date;
}

const COLUMNS = 'id, number, invoice_id, currency, amount, subtotal, tax, reason, refund, applied_to_due, refunded, to_wallet, created_at';

function toCreditNote(row: CreditNoteRow): CreditNote {
  return {
    id: row.id,
    number: row.number,
    invoiceId: row.invoice_id,
    currency: row.currency,
    amount: Number(row.amount),
    subtotal: Number(row.subtotal),
    tax: Number(row.tax),
    reason: row.reason,
    refund: row.refund,
    appliedToDue: Number(row.applied_to_due),
    refunded: Number(row.refunded),
    toWallet: Number(row.to_wallet),
    createdAt: row.created_at.toISOString(),
  };
}

/** The next CN-<year>-<6 digits> of the workspace: the counter row stays locked until commit, so numbers are gapless. */
async function nextCreditNoteNumber(manager: EntityManager, workspaceId: string, year: number): Promise<string> {
  const [row] = (await manager.query(
    `INSERT INTO billing.credit_note_number_sequences (workspace_id, year, last_number) VALUES ($1, $2, 1)
     ON CONFLICT (workspace_id, year) DO UPDATE SET last_number = billing.credit_note_number_sequences.last_number + 1 RETURNING last_number`,
    [workspaceId, year],
  )) as Array<{ last_number: number }>;
  return `CN-${year}-${String(row!.last_number).padStart(6, '0')}`;
}

/**
 * Credit notes in Stripe's model: on an open, uncollectible or paid invoice, a credit note first
 * reduces the amount due; the rest goes back through the invoice's payments (newest first) or to the
 * customer's wallet. All credit notes of an invoice never exceed its total.
 */
@Injectable()
export class CreditNotesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly ledger: Ledger,
    private readonly invoices: InvoicePostings,
    private readonly payments: PaymentsService,
  ) {}

  async create(caller: BillingCaller, invoiceId: string, input: CreateCreditNoteBody): Promise<CreditNote> {
    const { workspaceId } = caller;
    const refund = input.refund ?? 'none';
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const invoice = await this.invoices.lock(manager, workspaceId, invoiceId);
      if (!invoice) throw RpcError.notFound('Invoice');
      if (invoice.status === 'draft' || invoice.status === 'void') throw invalidInvoiceStatus(invoice.status, 'status');
      const { amount, tax } = this.amounts(invoice, input);
      const left = BigInt(invoice.total) - BigInt(invoice.amount_credited);
      if (amount > left) {
        throw new RpcError(409, 'credit_exceeds_invoice', `Credit notes may not exceed the invoice total; ${left} is left to credit.`, [
          { field: input.lines ? 'lines' : 'amount', issue: `exceeds the ${left} left to credit` },
        ]);
      }
      const due = amountDueOf(invoice);
      const appliedToDue = amount < due ? amount : due;
      const rest = amount - appliedToDue;
      if (rest > 0n && refund === 'none') {
        throw RpcError.conflict(`Only ${due} is due; the rest of the credit needs refund wallet or original.`, [
          { field: 'refund', issue: `must be wallet or original for an amount above the ${due} due` },
        ]);
      }
      const id = newId();
      const number = await nextCreditNoteNumber(manager, workspaceId, Number(todayUtc().slice(0, 4)));
      const customerId = customerIdOf(invoice);
      await this.ledger.post(manager, workspaceId, {
        kind: 'credit_note',
        invoiceId: invoice.id,
        creditNoteId: id,
        currency: invoice.currency,
        postings: [
          { account: ACCOUNTS.revenue, amount: amount - tax },
          { account: ACCOUNTS.taxPayable, amount: tax },
          { account: ACCOUNTS.receivable(customerId), amount: -amount },
        ],
      });
      const [row] = (await manager.query(
        `INSERT INTO billing.credit_notes (id, workspace_id, invoice_id, number, currency, amount, subtotal, tax, reason, refund, applied_to_due, refunded, to_wallet)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
        [
          id,
          workspaceId,
          invoice.id,
          number,
          invoice.currency,
          String(amount),
          String(amount - tax),
          String(tax),
          input.reason ?? null,
          refund,
          String(appliedToDue),
          String(refund === 'original' ? rest : 0n),
          String(refund === 'wallet' ? rest : 0n),
        ],
      )) as CreditNoteRow[];
      // The rest was paid: it goes back from the newest payments, to the wallet or the way it came.
      let toGive = rest;
      for (const payment of toGive > 0n ? await this.payments.refundablePayments(manager, workspaceId, invoice.id) : []) {
        if (toGive === 0n) break;
        const refundable = BigInt(payment.applied) - BigInt(payment.refunded);
        const part = toGive < refundable ? toGive : refundable;
        await this.payments.giveBack(
          manager,
          emit,
          workspaceId,
          caller.userId,
          invoice,
          payment,
          part,
          refund === 'wallet' ? 'wallet' : 'original',
          id,
          'refund at stripe',
        );
        toGive -= part;
      }
      const settled = await this.invoices.settle(manager, workspaceId, invoice, BigInt(invoice.amount_paid) - rest, BigInt(invoice.amount_credited) + amount);
      const customer = eventCustomerOf(invoice);
      const note = toCreditNote(row!);
      await emit<BillingEvents.CreditNoteCreated>({
        type: 'credit_note.created',
        workspaceId,
        actorId: caller.userId,
        aggregateId: invoice.id,
        data: {
          creditNoteId: id,
          number,
          invoiceId: invoice.id,
          customer,
          currency: invoice.currency,
          amount: note.amount,
          subtotal: note.subtotal,
          tax: note.tax,
          appliedToDue: note.appliedToDue,
          refunded: note.refunded,
          toWallet: note.toWallet,
          ...(note.reason ? { reason: note.reason } : {}),
          invoiceNumber: invoice.number!,
          customerName: invoice.customer_name,
          ...(invoice.billing_email ? { email: invoice.billing_email } : {}),
          amountDue: Number(amountDueOf(settled.invoice)),
        },
      });
      if (settled.paidAt) {
        await emit<BillingEvents.InvoicePaid>({
          type: 'invoice.paid',
          workspaceId,
          actorId: caller.userId,
          aggregateId: invoice.id,
          data: {
            invoiceId: invoice.id,
            number: invoice.number!,
            customer,
            currency: invoice.currency,
            total: Number(invoice.total),
            paidAt: settled.paidAt.toISOString(),
          },
        });
      }
      return note;
    });
  }

  async list(caller: BillingCaller, invoiceId: string): Promise<CreditNoteList> {
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const [invoice] = (await manager.query(`SELECT id FROM billing.invoices WHERE workspace_id = $1 AND id = $2`, [
        caller.workspaceId,
        invoiceId,
      ])) as unknown[];
      if (!invoice) throw RpcError.notFound('Invoice');
      const rows = (await manager.query(`SELECT ${COLUMNS} FROM billing.credit_notes WHERE workspace_id = $1 AND invoice_id = $2 ORDER BY created_at, id`, [
        caller.workspaceId,
        invoiceId,
      ])) as CreditNoteRow[];
      return { data: rows.map(toCreditNote) };
    });
  }

  /** The credit's amount (tax included) and its tax: from lines priced as invoice lines are, or split from an amount in the invoice's proportion. */
  private amounts(invoice: InvoiceMoney, input: CreateCreditNoteBody): { amount: bigint; tax: bigint } {
    if (input.lines) {
      const totals = invoiceTotals(input.lines.map((line) => lineAmounts({ quantity: line.quantity, unitPrice: line.unitPrice, taxRate: line.taxRate ?? 0 })));
      safeAmount(totals.total, 'lines');
      if (totals.total === 0n) throw RpcError.validation([{ field: 'lines', issue: 'must come to more than 0' }]);
      return { amount: totals.total, tax: totals.tax };
    }
    const amount = BigInt(input.amount!);
    return { amount, tax: taxPartOf(invoice, amount) };
  }
}
