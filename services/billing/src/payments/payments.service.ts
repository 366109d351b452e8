import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BillingEvents } from '@kinship/contracts';
import {
  CreatePayment,
  RefundPayment,
  type CreatePaymentBody,
  type ListPaymentsQuery,
  type Payment,
  type PaymentMethod,
  type PaymentPage,
  type Refund,
} from '@kinship/contracts/billing';
import { pagePosition, RpcError, toPage } from '@kinship/messaging';
import { newId, preparedQuery, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { IdempotencyKeys, type ClaimedKey } from '../ledger/idempotency-keys.js';
import {
  amountDueOf,
  customerIdOf,
  eventCustomerOf,
  invalidInvoiceStatus,
  InvoicePostings,
  lockInvoice,
  settledStatus,
  type InvoiceMoney,
  type LockedInvoice,
} from '../ledger/invoice-postings.js';
import { ACCOUNTS, emitWalletCredits, Ledger, type CreditedRow } from '../ledger/ledger.js';
import { StripeClient } from '../stripe/stripe-client.js';

export interface PaymentRow {
  id: string;
  invoice_id: string;
  customer_id: string;
  currency: string;
  amount: string;
  applied: string;
  to_wallet: string;
  refunded: string;
  method: PaymentMethod;
  reference: string | null;
  received_at: Date;
  created_at: Date;
  stripe_payment_intent_id: string | null;
  /** What Stripe has refunded of the charge, as far as billing booked it (cumulative). */
  stripe_refunded: string;
}

const PAYMENT_COLUMNS =
  'id, invoice_id, customer_id, currency, amount, applied, to_wallet, refunded, method, reference, received_at, created_at, stripe_payment_intent_id, stripe_refunded';

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    invoiceId: row.invoice_id,
    customerId: row.customer_id,
    amount: Number(row.amount),
    currency: row.currency,
    method: row.method,
    reference: row.reference,
    receivedAt: row.received_at.toISOString(),
    applied: Number(row.applied),
    toWallet: Number(row.to_wallet),
    refunded: Number(row.refunded),
    createdAt: row.created_at.toISOString(),
  };
}

/** The account money comes in through (and goes back out through on a refund). */
export function sourceAccount(method: PaymentMethod, customerId: string): string {
  switch (method) {
    case 'manual':
      return ACCOUNTS.cash;
    case 'bank_transfer':
      return ACCOUNTS.bank;
    case 'stripe':
      return ACCOUNTS.stripeClearing;
    case 'wallet':
      return ACCOUNTS.wallet(customerId);
  }
}

/** What a payment needs written: the caller's choices, and a Stripe PaymentIntent for Stripe's. */
export interface PaymentToRecord {
  invoiceId: string;
  amount: number;
  method: PaymentMethod;
  reference: string | null;
  receivedAt: Date;
  stripePaymentIntentId?: string;
}

/**
 * Payments on invoices and their refunds. A payment is one ledger transaction: the money in
 * (cash, bank, Stripe clearing, or out of the wallet) against the customer's receivable, and any
 * excess to the wallet. The invoice is locked first, so payments, refunds and credit notes of one
 * invoice queue and each sees the amounts the last one wrote.
 */
@Injectable()
export class PaymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly ledger: Ledger,
    private readonly invoices: InvoicePostings,
    private readonly keys: IdempotencyKeys,
    private readonly stripe: StripeClient,
  ) {}

  /**
   * Three round trips (billing's connections pipeline): the transaction's start with the
   * Idempotency-Key's claim and the invoice's lock; the payment with its ledger transaction, the
   * invoice's amounts and the key's response; the outbox rows with the commit.
   */
  async create(caller: BillingCaller, input: CreatePaymentBody): Promise<Payment> {
    return this.events.transaction(caller.workspaceId, async (manager, emit) => {
      const claim = await this.keys.claim<LockedInvoice>(manager, caller, CreatePayment, input, lockInvoice(caller.workspaceId, input.invoiceId));
      if (claim.kind === 'answered') return claim.response as Payment;
      const [invoice] = claim.rows;
      if (!invoice) throw RpcError.notFound('Invoice');
      if (input.currency !== undefined && input.currency !== invoice.currency) {
        throw RpcError.validation([{ field: 'currency', issue: `must be the invoice’s currency, ${invoice.currency}` }]);
      }
      const payment = {
        invoiceId: invoice.id,
        amount: input.amount,
        method: input.method,
        reference: input.reference ?? null,
        receivedAt: input.receivedAt ? new Date(input.receivedAt) : invoice.locked_at,
      };
      return this.record(manager, emit, caller.workspaceId, caller.userId, invoice, payment, claim.key);
    });
  }

  /**
   * Records a payment on a locked invoice (manual payments and Stripe's both come here), and the
   * response of a claimed Idempotency-Key in the same statement.
   */
  async record(
    manager: EntityManager,
    emit: Emit,
    workspaceId: string,
    actorId: string | null,
    invoice: LockedInvoice,
    payment: PaymentToRecord,
    key?: ClaimedKey,
  ): Promise<Payment> {
    if (invoice.status !== 'open' && invoice.status !== 'uncollectible') throw invalidInvoiceStatus(invoice.status);
    const amount = BigInt(payment.amount);
    const due = amountDueOf(invoice);
    const applied = amount < due ? amount : due;
    const toWallet = amount - applied;
    if (payment.method === 'wallet' && toWallet > 0n) {
      throw RpcError.conflict('A wallet payment cannot exceed the amount due.', [{ field: 'amount', issue: `exceeds the amount due, ${due}` }]);
    }
    const customerId = customerIdOf(invoice);
    const amountPaid = BigInt(invoice.amount_paid) + applied;
    const status = settledStatus(invoice, amountPaid, BigInt(invoice.amount_credited));
    // The row as written, known before it is: the response is recorded with it.
    const written: PaymentRow = {
      id: newId(),
      invoice_id: invoice.id,
      customer_id: customerId,
      currency: invoice.currency,
      amount: String(amount),
      applied: String(applied),
      to_wallet: String(toWallet),
      refunded: '0',
      method: payment.method,
      reference: payment.reference,
      received_at: payment.receivedAt,
      created_at: invoice.locked_at,
      stripe_payment_intent_id: payment.stripePaymentIntentId ?? null,
      stripe_refunded: '0',
    };
    const response = toPayment(written);
    const paymentParameters = [
      written.id,
      workspaceId,
      invoice.id,
      customerId,
      written.currency,
      written.amount,
      written.applied,
      written.to_wallet,
      written.method,
      written.reference,
      written.received_at,
      written.stripe_payment_intent_id,
      written.created_at,
      String(amountPaid),
      status,
    ];
    const ledger = await this.ledger.prepare(
      manager,
      workspaceId,
      {
        kind: 'payment',
        invoiceId: invoice.id,
        paymentId: written.id,
        currency: invoice.currency,
        postings: [
          { account: sourceAccount(payment.method, customerId), amount },
          { account: ACCOUNTS.receivable(customerId), amount: -applied },
          { account: ACCOUNTS.wallet(customerId), amount: -toWallet },
        ],
      },
      paymentParameters.length + 1,
    );
    const answered = key?.recordCte(response, paymentParameters.length + ledger.parameters.length + 1);
    // The payment row, its ledger transaction, the invoice's new amounts and the key's response in one
    // round trip: all are known once the invoice is locked. (A wallet payment's debit went first, in prepare.)
    // Prepared: parsed once per connection, not on every payment.
    const [row] = await preparedQuery<{ invoice_paid_at: Date | null; credited: CreditedRow[] }>(
      manager,
      `WITH payment AS (
         INSERT INTO billing.payments (id, workspace_id, invoice_id, customer_id, currency, amount, applied, to_wallet, method, reference, received_at, stripe_payment_intent_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ), settled AS (
         UPDATE billing.invoices SET amount_paid = $14, status = $15, paid_at = CASE WHEN $15 = 'paid' THEN coalesce(paid_at, now()) ELSE NULL END, updated_at = now()
         WHERE workspace_id = $2 AND id = $3 RETURNING paid_at
       ), ${ledger.ctes}${answered ? `, ${answered.ctes}` : ''}
       SELECT settled.paid_at AS invoice_paid_at,
         (SELECT coalesce(json_agg(json_build_object('customer_id', customer_id, 'balance', balance::text)), '[]') FROM credited) AS credited
       FROM settled`,
      [...paymentParameters, ...ledger.parameters, ...(answered?.parameters ?? [])],
    );
    const posted = ledger.posted(row!.credited);
    // The invoice was open or uncollectible (checked above): paid now means it became paid by this payment.
    const paidAt = status === 'paid' ? row!.invoice_paid_at : null;
    const customer = eventCustomerOf(invoice);
    await emit<BillingEvents.PaymentReceived>({
      type: 'payment.received',
      workspaceId,
      actorId,
      aggregateId: invoice.id,
      data: {
        paymentId: written.id,
        invoiceId: invoice.id,
        customer,
        currency: invoice.currency,
        amount: payment.amount,
        method: payment.method,
        ...(payment.reference ? { reference: payment.reference } : {}),
        receivedAt: response.receivedAt,
        number: invoice.number!,
        customerName: invoice.customer_name,
        ...(invoice.billing_email ? { email: invoice.billing_email } : {}),
        amountDue: Number(amountDueOf({ ...invoice, amount_paid: String(amountPaid), status })),
      },
    });
    if (paidAt) {
      await emit<BillingEvents.InvoicePaid>({
        type: 'invoice.paid',
        workspaceId,
        actorId,
        aggregateId: invoice.id,
        data: {
          invoiceId: invoice.id,
          number: invoice.number!,
          customer,
          currency: invoice.currency,
          total: Number(invoice.total),
          paidAt: paidAt.toISOString(),
        },
      });
    }
    await emitWalletCredits(emit, workspaceId, actorId, posted.id, 'payment', posted.walletCredits);
    return response;
  }

  async list(caller: BillingCaller, query: ListPaymentsQuery): Promise<PaymentPage> {
    const position = pagePosition(query);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const rows = (await manager.query(
        `SELECT ${PAYMENT_COLUMNS} FROM billing.payments WHERE workspace_id = $1 AND ($2::uuid IS NULL OR invoice_id = $2) AND ($3::uuid IS NULL OR id > $3) ORDER BY id LIMIT $4`,
        [caller.workspaceId, query.invoiceId ?? null, position.afterId, position.limit + 1],
      )) as PaymentRow[];
      return toPage(rows, position, toPayment);
    });
  }

  async refund(caller: BillingCaller, paymentId: string, amount: number): Promise<Refund> {
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, (manager, emit) =>
      this.keys.once(manager, caller, RefundPayment, { paymentId, amount }, async () => {
        const [found] = (await manager.query(`SELECT invoice_id FROM billing.payments WHERE workspace_id = $1 AND id = $2`, [
          workspaceId,
          paymentId,
        ])) as Array<{ invoice_id: string }>;
        if (!found) throw RpcError.notFound('Payment');
        // The invoice first, as payments and credit notes lock it, so the three never deadlock.
        const invoice = (await this.invoices.lock(manager, workspaceId, found.invoice_id))!;
        if (invoice.status === 'void') throw invalidInvoiceStatus(invoice.status, 'id');
        const [payment] = (await manager.query(`SELECT ${PAYMENT_COLUMNS} FROM billing.payments WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [
          workspaceId,
          paymentId,
        ])) as PaymentRow[];
        const refunded = await this.giveBack(
          manager,
          emit,
          workspaceId,
          caller.userId,
          invoice,
          payment!,
          BigInt(amount),
          'original',
          null,
          'refund at stripe',
        );
        await this.invoices.settle(manager, workspaceId, invoice, BigInt(invoice.amount_paid) - BigInt(amount), BigInt(invoice.amount_credited));
        return refunded;
      }),
    );
  }

  /**
   * Gives back part of what a payment settled: the receivable grows again, the money leaves the
   * way it came (a wallet payment goes back to the wallet) or, for a credit note, to the wallet.
   * The caller settles the invoice. A Stripe payment given back the way it came is refunded
   * through Stripe first ('refund at stripe'), unless Stripe already did it ('refunded at stripe':
   * its charge.refunded webhook).
   */
  async giveBack(
    manager: EntityManager,
    emit: Emit,
    workspaceId: string,
    actorId: string | null,
    invoice: InvoiceMoney,
    payment: PaymentRow,
    amount: bigint,
    destination: 'original' | 'wallet',
    creditNoteId: string | null,
    stripe: 'refund at stripe' | 'refunded at stripe',
  ): Promise<Refund> {
    const refundable = BigInt(payment.applied) - BigInt(payment.refunded);
    if (amount > refundable) {
      throw new RpcError(409, 'refund_exceeds_payment', `At most ${refundable} of this payment is left to refund.`, [
        { field: 'amount', issue: `exceeds the refundable ${refundable}` },
      ]);
    }
    if (stripe === 'refund at stripe' && destination === 'original' && payment.method === 'stripe')
      await this.refundAtStripe(manager, workspaceId, invoice, payment, amount);
    const customerId = customerIdOf(invoice);
    const to = destination === 'wallet' ? ACCOUNTS.wallet(customerId) : sourceAccount(payment.method, customerId);
    const posted = await this.ledger.post(manager, workspaceId, {
      kind: creditNoteId ? 'credit_note' : 'refund',
      invoiceId: invoice.id,
      paymentId: payment.id,
      ...(creditNoteId ? { creditNoteId } : {}),
      currency: invoice.currency,
      postings: [
        { account: ACCOUNTS.receivable(customerId), amount },
        { account: to, amount: -amount },
      ],
    });
    await manager.query(`UPDATE billing.payments SET refunded = refunded + $3 WHERE workspace_id = $1 AND id = $2`, [workspaceId, payment.id, String(amount)]);
    const id = newId();
    const [row] = (await manager.query(
      `INSERT INTO billing.payment_refunds (id, workspace_id, payment_id, amount, destination, credit_note_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`,
      [id, workspaceId, payment.id, String(amount), destination, creditNoteId],
    )) as Array<{ created_at: Date }>;
    const refund: Refund = {
      id,
      paymentId: payment.id,
      invoiceId: invoice.id,
      amount: Number(amount),
      currency: invoice.currency,
      destination,
      createdAt: row!.created_at.toISOString(),
    };
    await emit<BillingEvents.PaymentRefunded>({
      type: 'payment.refunded',
      workspaceId,
      actorId,
      aggregateId: invoice.id,
      data: {
        refundId: id,
        paymentId: payment.id,
        invoiceId: invoice.id,
        customer: eventCustomerOf(invoice),
        currency: invoice.currency,
        amount: Number(amount),
        destination,
        ...(creditNoteId ? { creditNoteId } : {}),
        refundedAt: refund.createdAt,
        number: invoice.number!,
        customerName: invoice.customer_name,
        // A credit note's refund is in its credit_note.created receipt: no second email.
        ...(invoice.billing_email && !creditNoteId ? { email: invoice.billing_email } : {}),
        method: payment.method,
      },
    });
    await emitWalletCredits(emit, workspaceId, actorId, posted.id, creditNoteId ? 'credit_note' : 'refund', posted.walletCredits);
    return refund;
  }

  /**
   * Refunds through Stripe's Refunds API, in the transaction that books it (the payment row is
   * locked). The Stripe idempotency key names the payment, what billing has booked as refunded at
   * Stripe so far and the amount: a retry from the same state (the SDK's own, or this request run
   * again after its transaction rolled back) gets the same Stripe refund, never a second one. The
   * refund is recorded in stripe_refunded, so Stripe's charge.refunded webhook for it finds nothing
   * new; if this transaction rolls back after Stripe refunded, that webhook books it.
   */
  private async refundAtStripe(manager: EntityManager, workspaceId: string, invoice: InvoiceMoney, payment: PaymentRow, amount: bigint): Promise<void> {
    await this.stripe.createRefund(
      { payment_intent: payment.stripe_payment_intent_id!, amount: Number(amount), metadata: { workspaceId, invoiceId: invoice.id, paymentId: payment.id } },
      `kinship-refund-${payment.id}-${payment.stripe_refunded}-${amount}`,
    );
    await manager.query(`UPDATE billing.payments SET stripe_refunded = stripe_refunded + $3 WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      payment.id,
      String(amount),
    ]);
  }

  /** The invoice's payments with something left to refund, newest first and locked: credit notes give back from them. */
  async refundablePayments(manager: EntityManager, workspaceId: string, invoiceId: string): Promise<PaymentRow[]> {
    return manager.query(
      `SELECT ${PAYMENT_COLUMNS} FROM billing.payments WHERE workspace_id = $1 AND invoice_id = $2 AND refunded < applied ORDER BY id DESC FOR UPDATE`,
      [workspaceId, invoiceId],
    ) as Promise<PaymentRow[]>;
  }
}
