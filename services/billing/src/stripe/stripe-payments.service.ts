import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PaymentIntentReply, StripeWebhookInput, StripeWebhookReply } from '@kinship/contracts/billing';
import { RpcError } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type Stripe from 'stripe';
import type { DataSource, EntityManager } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { amountDueOf, InvoicePostings } from '../ledger/invoice-postings.js';
import { ACCOUNTS, emitWalletCredits, Ledger } from '../ledger/ledger.js';
import { PaymentsService, type PaymentRow } from '../payments/payments.service.js';
import { StripeClient } from './stripe-client.js';

const NOT_APPLIED: StripeWebhookReply = { received: true, applied: false };
const APPLIED: StripeWebhookReply = { received: true, applied: true };

/**
 * Card payments through Stripe: a PaymentIntent for the amount due, and the webhook events that
 * move money. Each Stripe event id takes effect once: it is recorded in the transaction of its
 * effect, so a redelivery (or a concurrent one, which waits on the record) changes nothing.
 */
@Injectable()
export class StripePaymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly stripe: StripeClient,
    private readonly ledger: Ledger,
    private readonly invoices: InvoicePostings,
    private readonly payments: PaymentsService,
  ) {}

  async createPaymentIntent(caller: BillingCaller, invoiceId: string): Promise<PaymentIntentReply> {
    const { workspaceId } = caller;
    const invoice = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const [row] = (await manager.query(
        `SELECT id, number, status, currency, customer_contact_id, customer_company_id, subtotal, tax, total, amount_paid, amount_credited FROM billing.invoices WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, invoiceId],
      )) as Array<Parameters<typeof amountDueOf>[0]>;
      return row;
    });
    if (!invoice) throw RpcError.notFound('Invoice');
    const due = amountDueOf(invoice);
    if ((invoice.status !== 'open' && invoice.status !== 'uncollectible') || due === 0n) {
      throw new RpcError(409, 'invalid_status', `The invoice is ${invoice.status} with ${due} due.`, [{ field: 'status', issue: `is ${invoice.status}` }]);
    }
    // One key per invoice and what is paid and credited on it: a retry gets the same intent, a later amount due a new one.
    const intent = await this.stripe.createPaymentIntent(
      { amount: Number(due), currency: invoice.currency.toLowerCase(), metadata: { workspaceId, invoiceId }, automatic_payment_methods: { enabled: true } },
      `kinship-invoice-${invoiceId}-${invoice.amount_paid}-${invoice.amount_credited}`,
    );
    return { paymentIntentId: intent.id, clientSecret: intent.client_secret ?? '', amount: intent.amount, currency: invoice.currency };
  }

  async receive(input: StripeWebhookInput): Promise<StripeWebhookReply> {
    const event = this.stripe.verifiedEvent(input.payload, input.signature);
    switch (event.type) {
      case 'payment_intent.succeeded':
        return this.succeeded(event, event.data.object);
      case 'payment_intent.payment_failed':
        return this.failed(event, event.data.object);
      case 'charge.refunded':
        return this.refunded(event, event.data.object);
      default:
        return NOT_APPLIED;
    }
  }

  /** Records the payment on the invoice its metadata names; money for an invoice already settled goes to the customer's wallet. */
  private async succeeded(event: Stripe.Event, intent: Stripe.PaymentIntent): Promise<StripeWebhookReply> {
    const { workspaceId, invoiceId } = intent.metadata;
    if (!isUuid(workspaceId) || !isUuid(invoiceId)) return NOT_APPLIED;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      if (!(await this.claim(manager, workspaceId, event))) return NOT_APPLIED;
      const invoice = await this.invoices.lock(manager, workspaceId, invoiceId);
      const [recorded] = (await manager.query(`SELECT id FROM billing.payments WHERE workspace_id = $1 AND stripe_payment_intent_id = $2`, [
        workspaceId,
        intent.id,
      ])) as unknown[];
      const currency = intent.currency.toUpperCase();
      if (!invoice || recorded || currency !== invoice.currency) return NOT_APPLIED;
      const amount = intent.amount_received || intent.amount;
      if (invoice.status === 'open' || invoice.status === 'uncollectible') {
        await this.payments.record(manager, emit, workspaceId, null, invoice, {
          invoiceId,
          amount,
          method: 'stripe',
          reference: intent.id,
          receivedAt: new Date(event.created * 1000),
          stripePaymentIntentId: intent.id,
        });
        return APPLIED;
      }
      await this.toWallet(manager, emit, workspaceId, (invoice.customer_contact_id ?? invoice.customer_company_id)!, currency, BigInt(amount));
      return APPLIED;
    });
  }

  private async failed(event: Stripe.Event, intent: Stripe.PaymentIntent): Promise<StripeWebhookReply> {
    const { workspaceId } = intent.metadata;
    if (!isUuid(workspaceId)) return NOT_APPLIED;
    // Nothing moves; the event is recorded so its redeliveries are known.
    return this.events.transaction(workspaceId, async (manager) => ((await this.claim(manager, workspaceId, event)) ? APPLIED : NOT_APPLIED));
  }

  /**
   * Stripe says how much of the charge is refunded in all; what is new since the last event it
   * applied is given back on the payment. An event about a payment not recorded yet (it arrived
   * before payment_intent.succeeded) is a 409, which Stripe retries later.
   */
  private async refunded(event: Stripe.Event, charge: Stripe.Charge): Promise<StripeWebhookReply> {
    const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    if (!intentId) return NOT_APPLIED;
    const [found] = (await this.dataSource.query('SELECT billing.workspace_of_stripe_payment($1) AS workspace_id', [intentId])) as Array<{
      workspace_id: string | null;
    }>;
    const workspaceId = found?.workspace_id;
    if (!workspaceId)
      throw RpcError.conflict('No payment is recorded for this PaymentIntent yet; deliver the event again later.', [
        { field: 'payment_intent', issue: 'has no payment yet' },
      ]);
    return this.events.transaction(workspaceId, async (manager, emit) => {
      if (!(await this.claim(manager, workspaceId, event))) return NOT_APPLIED;
      const [located] = (await manager.query(`SELECT invoice_id FROM billing.payments WHERE workspace_id = $1 AND stripe_payment_intent_id = $2`, [
        workspaceId,
        intentId,
      ])) as Array<{
        invoice_id: string;
      }>;
      const invoice = (await this.invoices.lock(manager, workspaceId, located!.invoice_id))!;
      const [payment] = (await manager.query(`SELECT * FROM billing.payments WHERE workspace_id = $1 AND stripe_payment_intent_id = $2 FOR UPDATE`, [
        workspaceId,
        intentId,
      ])) as PaymentRow[];
      const news = BigInt(charge.amount_refunded) - BigInt(payment!.stripe_refunded);
      if (news <= 0n || invoice.status === 'void') return NOT_APPLIED;
      const refundable = BigInt(payment!.applied) - BigInt(payment!.refunded);
      const give = news < refundable ? news : refundable;
      await manager.query(`UPDATE billing.payments SET stripe_refunded = $3 WHERE workspace_id = $1 AND id = $2`, [
        workspaceId,
        payment!.id,
        String(charge.amount_refunded),
      ]);
      if (give === 0n) return APPLIED;
      await this.payments.giveBack(manager, emit, workspaceId, null, invoice, payment!, give, 'original', null, 'refunded at stripe');
      await this.invoices.settle(manager, workspaceId, invoice, BigInt(invoice.amount_paid) - give, BigInt(invoice.amount_credited));
      return APPLIED;
    });
  }

  /** Records the event id in this transaction; false when it took effect before. */
  private async claim(manager: EntityManager, workspaceId: string, event: Stripe.Event): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO billing.stripe_events (event_id, workspace_id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
      [event.id, workspaceId, event.type],
    )) as unknown[];
    return rows.length > 0;
  }

  private async toWallet(manager: EntityManager, emit: Emit, workspaceId: string, customerId: string, currency: string, amount: bigint): Promise<void> {
    const posted = await this.ledger.post(manager, workspaceId, {
      kind: 'wallet_credit',
      currency,
      postings: [
        { account: ACCOUNTS.stripeClearing, amount },
        { account: ACCOUNTS.wallet(customerId), amount: -amount },
      ],
    });
    await emitWalletCredits(emit, workspaceId, null, posted.id, 'payment', posted.walletCredits);
  }
}
