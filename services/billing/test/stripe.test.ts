import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCreditNote,
  CreateInvoice,
  CreatePayment,
  CreatePaymentIntent,
  FinalizeInvoice,
  GetInvoice,
  ListPayments,
  RefundPayment,
  type Invoice,
} from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import { chargeRefunded, paymentIntentSucceeded, stripeSignature } from '@kinship/testing';
import { CreditNotesService } from '../src/credit-notes/credit-notes.service.js';
import { InvoicesService } from '../src/invoices/invoices.service.js';
import { PaymentsService } from '../src/payments/payments.service.js';
import { StripePaymentsService } from '../src/stripe/stripe-payments.service.js';
import { callerOf, createContact, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

const WEBHOOK_SECRET = 'whsec_kinship_test';

/** What the SDK sent to the stand-in Stripe API. */
interface StripeCall {
  path: string;
  idempotencyKey: string | undefined;
  form: URLSearchParams;
}

/** Refunds of this amount are refused, as Stripe refuses one above what is left on the charge. */
const REFUSED_REFUND_AMOUNT = '4321';

/**
 * A small HTTP server answering the Stripe endpoints billing calls (POST /v1/payment_intents and
 * /v1/refunds), as Stripe would: a refund's idempotency key seen before answers the same refund.
 */
async function startStripeStandIn(calls: StripeCall[]): Promise<Server> {
  const refundsByKey = new Map<string, object>();
  const read = async (request: IncomingMessage): Promise<string> => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    return body;
  };
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      const form = new URLSearchParams(body);
      calls.push({ path: request.url ?? '', idempotencyKey: request.headers['idempotency-key'] as string | undefined, form });
      if (request.method === 'POST' && request.url === '/v1/refunds') {
        const key = request.headers['idempotency-key'] as string;
        if (form.get('amount') === REFUSED_REFUND_AMOUNT) {
          response
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Refund amount is greater than unrefunded amount on charge' } }));
          return;
        }
        const refund = refundsByKey.get(key) ?? {
          id: `re_${randomUUID().replaceAll('-', '')}`,
          object: 'refund',
          amount: Number(form.get('amount')),
          currency: 'eur',
          payment_intent: form.get('payment_intent'),
          status: 'succeeded',
          metadata: Object.fromEntries([...form].filter(([name]) => name.startsWith('metadata[')).map(([name, value]) => [name.slice(9, -1), value])),
        };
        refundsByKey.set(key, refund);
        response.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_refund' }).end(JSON.stringify(refund));
        return;
      }
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }));
        return;
      }
      const id = `pi_${randomUUID().replaceAll('-', '')}`;
      response.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${id}` }).end(
        JSON.stringify({
          id,
          object: 'payment_intent',
          amount: Number(form.get('amount')),
          currency: form.get('currency'),
          client_secret: `${id}_secret_test`,
          status: 'requires_payment_method',
          metadata: { workspaceId: form.get('metadata[workspaceId]'), invoiceId: form.get('metadata[invoiceId]') },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('Stripe payments (service level, the real SDK against a local Stripe)', () => {
  let stack: BillingStack;
  let stripeServer: Server;
  const calls: StripeCall[] = [];
  let invoices: InvoicesService;
  let stripe: StripePaymentsService;
  let payments: PaymentsService;
  let creditNotes: CreditNotesService;
  let owner: RequestContext;
  let contactId: string;

  beforeAll(async () => {
    stripeServer = await startStripeStandIn(calls);
    const { port } = stripeServer.address() as AddressInfo;
    stack = await startBillingStack('billing-stripe', {
      STRIPE_SECRET_KEY: 'sk_test_kinship',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: `http://127.0.0.1:${port}`,
    });
    invoices = stack.billing.app.get(InvoicesService);
    stripe = stack.billing.app.get(StripePaymentsService);
    payments = stack.billing.app.get(PaymentsService);
    creditNotes = stack.billing.app.get(CreditNotesService);
    owner = userContext('owner');
    contactId = await createContact(stack, owner);
  });

  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => stripeServer?.close(resolve));
  });

  async function openInvoice(): Promise<Invoice> {
    const draft = await invoices.create(callerOf(owner, CreateInvoice), {
      customer: { contactId },
      currency: 'EUR',
      lines: [{ description: 'Licence', quantity: 1, unitPrice: 10_000, taxRate: 2000 }],
    });
    return invoices.finalize(callerOf(owner, FinalizeInvoice), draft.id);
  }

  /** A webhook delivery as Stripe signs it; `age` seconds in the past. */
  function delivery(event: object, age = 0, secret = WEBHOOK_SECRET): { payload: string; signature: string } {
    const payload = JSON.stringify(event);
    return { payload, signature: stripeSignature(payload, secret, age) };
  }

  const succeeded = (invoiceId: string, intentId: string, amount: number) =>
    paymentIntentSucceeded({ workspaceId: owner.workspaceId!, invoiceId, intentId, amount });

  const read = (id: string) => invoices.get(callerOf(owner, GetInvoice), id);
  const paymentsOf = async (invoiceId: string) => (await payments.list(callerOf(owner, ListPayments), { invoiceId })).data;

  it('creates a PaymentIntent for the amount due with the invoice in its metadata and a Stripe idempotency key', async () => {
    const invoice = await openInvoice();
    const intent = await stripe.createPaymentIntent(callerOf(owner, CreatePaymentIntent), invoice.id);
    expect(intent).toEqual({
      paymentIntentId: expect.stringMatching(/^pi_/),
      clientSecret: `${intent.paymentIntentId}_secret_test`,
      amount: 12_000,
      currency: 'EUR',
    });
    const call = calls.at(-1)!;
    expect({
      path: call.path,
      amount: call.form.get('amount'),
      currency: call.form.get('currency'),
      workspaceId: call.form.get('metadata[workspaceId]'),
      invoiceId: call.form.get('metadata[invoiceId]'),
    }).toEqual({
      path: '/v1/payment_intents',
      amount: '12000',
      currency: 'eur',
      workspaceId: owner.workspaceId,
      invoiceId: invoice.id,
    });
    expect(call.idempotencyKey).toBe(`kinship-invoice-${invoice.id}-0-0`);
    await expectRefused(stripe.createPaymentIntent(callerOf(owner, CreatePaymentIntent), randomUUID()), 404);
  });

  it('records payment_intent.succeeded once, however often and concurrently Stripe delivers it', async () => {
    const invoice = await openInvoice();
    const event = delivery(succeeded(invoice.id, `pi_${randomUUID()}`, 12_000));
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => stripe.receive(event)));
    expect(outcomes.filter((outcome) => outcome.applied)).toHaveLength(1);
    expect(await read(invoice.id)).toMatchObject({ status: 'paid', amountPaid: 12_000, amountDue: 0 });
    expect((await paymentsOf(invoice.id)).map((payment) => [payment.method, payment.amount])).toEqual([['stripe', 12_000]]);
    expect(await stripe.receive(event)).toEqual({ received: true, applied: false });
  });

  it('refuses a wrong, stale or missing signature and a body that is not an event with 400, and changes nothing', async () => {
    const invoice = await openInvoice();
    const event = succeeded(invoice.id, `pi_${randomUUID()}`, 12_000);
    const wrong = await expectRefused(stripe.receive(delivery(event, 0, 'whsec_someone_else')), 400, 'Stripe-Signature');
    expect(wrong.code).toBe('invalid_signature');
    await expectRefused(stripe.receive(delivery(event, 301)), 400, 'Stripe-Signature');
    const signed = delivery(event);
    await expectRefused(stripe.receive({ payload: signed.payload.replace('12000', '1'), signature: signed.signature }), 400, 'Stripe-Signature');
    await expectRefused(stripe.receive({ payload: signed.payload, signature: '' }), 400, 'Stripe-Signature');
    const notJson = 'not json';
    await expectRefused(stripe.receive({ payload: notJson, signature: stripeSignature(notJson, WEBHOOK_SECRET) }), 400, 'Stripe-Signature');
    expect(await read(invoice.id)).toMatchObject({ status: 'open', amountPaid: 0 });
    expect(await paymentsOf(invoice.id)).toEqual([]);
  });

  it('applies charge.refunded once and in any order: before the payment it is a 409 Stripe retries; an older total changes nothing', async () => {
    const invoice = await openInvoice();
    const intentId = `pi_${randomUUID()}`;
    const early = delivery(chargeRefunded(intentId, 2_000));
    const tooEarly = await expectRefused(stripe.receive(early), 409);
    expect(tooEarly.status).toBe(409);
    await stripe.receive(delivery(succeeded(invoice.id, intentId, 12_000)));
    expect(await stripe.receive(early)).toEqual({ received: true, applied: true });
    expect(await read(invoice.id)).toMatchObject({ status: 'open', amountPaid: 10_000, amountDue: 2_000 });
    expect(await stripe.receive(early)).toEqual({ received: true, applied: false });
    await stripe.receive(delivery(chargeRefunded(intentId, 5_000)));
    expect(await read(invoice.id)).toMatchObject({ amountPaid: 7_000 });
    expect(await stripe.receive(delivery(chargeRefunded(intentId, 3_000)))).toEqual({ received: true, applied: false });
    expect(await read(invoice.id)).toMatchObject({ amountPaid: 7_000 });
    expect((await paymentsOf(invoice.id))[0]).toMatchObject({ refunded: 5_000 });
  });

  it('puts money for an invoice already paid into the customer’s wallet', async () => {
    const invoice = await openInvoice();
    await stripe.receive(delivery(succeeded(invoice.id, `pi_${randomUUID()}`, 12_000)));
    await stripe.receive(delivery(succeeded(invoice.id, `pi_${randomUUID()}`, 12_000)));
    const [row] = (await stack.owner.query(`SELECT balance::int AS balance FROM billing.wallet_balances WHERE workspace_id = $1 AND customer_id = $2`, [
      owner.workspaceId,
      contactId,
    ])) as Array<{
      balance: number;
    }>;
    expect(row!.balance).toBe(12_000);
  });

  describe('refunds of Stripe payments go through Stripe’s Refunds API', () => {
    const keyed = (): RequestContext => ({ ...owner, idempotencyKey: randomUUID() });
    const refundCalls = () => calls.filter((call) => call.path === '/v1/refunds');

    async function paidByStripe(): Promise<{ invoice: Invoice; intentId: string; paymentId: string }> {
      const invoice = await openInvoice();
      const intentId = `pi_${randomUUID()}`;
      await stripe.receive(delivery(succeeded(invoice.id, intentId, 12_000)));
      return { invoice, intentId, paymentId: (await paymentsOf(invoice.id))[0]!.id };
    }

    async function stripeClearing(): Promise<number> {
      const [row] = (await stack.owner.query(
        `SELECT coalesce(sum(amount), 0)::int AS total FROM billing.ledger_entries WHERE workspace_id = $1 AND account = 'stripe_clearing'`,
        [owner.workspaceId],
      )) as Array<{
        total: number;
      }>;
      return row!.total;
    }

    it('POST /payments/:id/refund refunds at Stripe with an idempotency key, and its charge.refunded webhook books nothing more', async () => {
      const { invoice, intentId, paymentId } = await paidByStripe();
      const before = refundCalls().length;
      const refund = await payments.refund(callerOf(keyed(), RefundPayment), paymentId, 3_000);
      expect(refund).toMatchObject({ paymentId, amount: 3_000, destination: 'original' });
      expect(refundCalls()).toHaveLength(before + 1);
      const call = refundCalls().at(-1)!;
      expect({
        paymentIntent: call.form.get('payment_intent'),
        amount: call.form.get('amount'),
        paymentMetadata: call.form.get('metadata[paymentId]'),
        key: call.idempotencyKey,
      }).toEqual({
        paymentIntent: intentId,
        amount: '3000',
        paymentMetadata: paymentId,
        key: `kinship-refund-${paymentId}-0-3000`,
      });
      expect(await read(invoice.id)).toMatchObject({ status: 'open', amountPaid: 9_000, amountDue: 3_000 });

      // Stripe then tells of the refund billing asked for: nothing new, nothing moves twice.
      expect(await stripe.receive(delivery(chargeRefunded(intentId, 3_000)))).toEqual({ received: true, applied: false });
      expect(await read(invoice.id)).toMatchObject({ amountPaid: 9_000 });
      expect((await paymentsOf(invoice.id))[0]).toMatchObject({ refunded: 3_000 });

      // A second refund is a new Stripe refund (another key); a refund made in Stripe's dashboard on top is booked from the webhook.
      await payments.refund(callerOf(keyed(), RefundPayment), paymentId, 1_000);
      expect(refundCalls().at(-1)!.idempotencyKey).toBe(`kinship-refund-${paymentId}-3000-1000`);
      expect(await stripe.receive(delivery(chargeRefunded(intentId, 4_000)))).toEqual({ received: true, applied: false });
      expect(await stripe.receive(delivery(chargeRefunded(intentId, 6_000)))).toEqual({ received: true, applied: true });
      expect(await read(invoice.id)).toMatchObject({ amountPaid: 6_000, amountDue: 6_000 });
      expect((await paymentsOf(invoice.id))[0]).toMatchObject({ refunded: 6_000 });
    });

    it('a credit note with refund original refunds the paid part at Stripe once', async () => {
      const { invoice, intentId, paymentId } = await paidByStripe();
      const before = refundCalls().length;
      const note = await creditNotes.create(callerOf(owner, CreateCreditNote), invoice.id, { amount: 2_400, refund: 'original' });
      expect(note).toMatchObject({ amount: 2_400, appliedToDue: 0, refunded: 2_400 });
      expect(refundCalls()).toHaveLength(before + 1);
      expect({ amount: refundCalls().at(-1)!.form.get('amount'), key: refundCalls().at(-1)!.idempotencyKey }).toEqual({
        amount: '2400',
        key: `kinship-refund-${paymentId}-0-2400`,
      });
      expect(await stripe.receive(delivery(chargeRefunded(intentId, 2_400)))).toEqual({ received: true, applied: false });
      expect(await read(invoice.id)).toMatchObject({ status: 'paid', amountPaid: 9_600, amountCredited: 2_400, amountDue: 0 });
    });

    it('Stripe refusing the refund is a 409 and nothing is booked', async () => {
      const { invoice, paymentId } = await paidByStripe();
      const clearing = await stripeClearing();
      const refused = await expectRefused(payments.refund(callerOf(keyed(), RefundPayment), paymentId, Number(REFUSED_REFUND_AMOUNT)), 409, 'amount');
      expect(refused.code).toBe('stripe_refund_refused');
      expect(await read(invoice.id)).toMatchObject({ status: 'paid', amountPaid: 12_000 });
      expect((await paymentsOf(invoice.id))[0]).toMatchObject({ refunded: 0 });
      expect(await stripeClearing()).toBe(clearing);
    });

    it('a manual payment’s refund does not call Stripe', async () => {
      const invoice = await openInvoice();
      const payment = await payments.create(callerOf(keyed(), CreatePayment), { invoiceId: invoice.id, amount: 5_000, method: 'manual' });
      const before = refundCalls().length;
      await payments.refund(callerOf(keyed(), RefundPayment), payment.id, 5_000);
      expect(refundCalls()).toHaveLength(before);
    });
  });
});
