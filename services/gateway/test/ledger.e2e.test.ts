import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, stripeEvent, stripeSignature, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { startGateway } from '../src/gateway.js';

/**
 * Payments, refunds, wallets, credit notes and the ledger through the public API: the required
 * Idempotency-Key, issue 12's bad input answered in the error envelope with nothing moved, scopes,
 * another workspace's ids, the OpenAPI description. The rules are tested in services/billing/test/ledger.test.ts.
 */
const PASSWORD = 'amber-cobalt-violin-meadow-4';
const WEBHOOK_SECRET = 'whsec_kinship_e2e';
// Only webhooks are exercised here, so Stripe's API base points nowhere.
const STRIPE_ENV = { STRIPE_SECRET_KEY: 'sk_test_kinship_e2e', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: 'http://127.0.0.1:9' };

let environment: TestEnvironment;
let services: RunningService[] = [];
let api: string;

interface Response {
  status: number;
  body: any;
}

interface Client {
  workspaceId: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

function client(workspaceId: string, headers: Record<string, string>): Client {
  return {
    workspaceId,
    async request(method, path, body, extraHeaders = {}) {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { ...headers, ...extraHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

async function register(label: string): Promise<Client> {
  const email = `${label}-${randomBytes(4).toString('hex')}@example.com`;
  const registered = await client('', {}).request('POST', '/auth/register', { email, password: PASSWORD, name: 'Owner', workspaceName: label });
  expect(registered.status).toBe(201);
  return client(registered.body.workspace.id, { authorization: `Bearer ${registered.body.accessToken}` });
}

function expectError(response: Response, status: number, field?: string): void {
  expect({ status: response.status, envelope: Object.keys(response.body?.error ?? {}).sort() }).toEqual({
    status,
    envelope: ['code', 'details', 'message', 'requestId', 'status'],
  });
  if (field) expect(response.body.error.details.map((detail: { field?: string }) => detail.field)).toContain(field);
}

const key = () => ({ 'idempotency-key': randomUUID() });

beforeAll(async () => {
  environment = await createTestEnvironment('gateway-ledger');
  services = [
    await startTestService(authService, environment),
    await startTestService(crmService, environment),
    await startTestService(billingService, environment, STRIPE_ENV),
    await startGateway(environment.env),
  ];
  api = `${services.at(-1)!.url}/api/v1`;
});

afterAll(async () => {
  for (const service of services.reverse()) await service.close();
  await environment?.dispose();
});

describe('payments, wallets, credit notes and the ledger over HTTP', () => {
  let owner: Client;
  let contactId: string;

  beforeAll(async () => {
    owner = await register('ledger');
    contactId = (await owner.request('POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' })).body.id;
  });

  async function openInvoice(client: Client = owner, customer: string = contactId): Promise<string> {
    const draft = await client.request('POST', '/invoices', {
      customer: { contactId: customer },
      currency: 'EUR',
      lines: [{ description: 'Consulting', quantity: 1, unitPrice: 10_000, taxRate: 2000 }],
    });
    expect(draft.status).toBe(201);
    expect((await client.request('POST', `/invoices/${draft.body.id}/finalize`)).status).toBe(200);
    return draft.body.id;
  }

  it('pays an invoice once per Idempotency-Key, refuses a payment without one (400 naming the header), and refunds', async () => {
    const invoiceId = await openInvoice();
    const body = { invoiceId, amount: 12_500, method: 'bank_transfer', reference: 'SEPA 42' };
    const missing = await owner.request('POST', '/payments', body);
    expectError(missing, 400, 'Idempotency-Key');
    expect(missing.body.error.code).toBe('idempotency_key_required');
    expect((await owner.request('GET', `/payments?invoiceId=${invoiceId}`)).body.data).toEqual([]);

    const headers = key();
    const paid = await owner.request('POST', '/payments', body, headers);
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ invoiceId, amount: 12_500, applied: 12_000, toWallet: 500, currency: 'EUR', method: 'bank_transfer' });
    const retried = await owner.request('POST', '/payments', body, headers);
    expect({ status: retried.status, body: retried.body }).toEqual({ status: 201, body: paid.body });
    expect((await owner.request('GET', `/payments?invoiceId=${invoiceId}`)).body.data).toHaveLength(1);
    expect((await owner.request('GET', `/invoices/${invoiceId}`)).body).toMatchObject({ status: 'paid', amountPaid: 12_000, amountDue: 0 });
    expect((await owner.request('GET', `/wallets/${contactId}`)).body.balances).toEqual([{ currency: 'EUR', amount: 500 }]);

    expectError(await owner.request('POST', `/payments/${paid.body.id}/refund`, { amount: 1_000 }), 400, 'Idempotency-Key');
    const refund = await owner.request('POST', `/payments/${paid.body.id}/refund`, { amount: 1_000 }, key());
    expect(refund.status).toBe(201);
    expect((await owner.request('GET', `/invoices/${invoiceId}`)).body).toMatchObject({ status: 'open', amountPaid: 11_000, amountDue: 1_000 });
    expectError(await owner.request('POST', `/payments/${paid.body.id}/refund`, { amount: 11_001 }, key()), 409, 'amount');
  });

  it('answers concurrent requests with one Idempotency-Key with the first payment, moving the money once', async () => {
    const invoiceId = await openInvoice();
    const body = { invoiceId, amount: 5_000, method: 'manual' };
    const headers = key();
    const answers = await Promise.all(Array.from({ length: 8 }, () => owner.request('POST', '/payments', body, headers)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
    expect((await owner.request('GET', `/payments?invoiceId=${invoiceId}`)).body.data).toEqual([answers[0]!.body]);
    expect((await owner.request('GET', `/invoices/${invoiceId}`)).body).toMatchObject({ status: 'open', amountPaid: 5_000, amountDue: 7_000 });
    const cash = await owner.request('GET', `/ledger?account=receivable:${contactId}`);
    expect(cash.body.data.filter((entry: { amount: number }) => entry.amount === -5_000)).toHaveLength(1);

    const other = await owner.request('POST', '/payments', { ...body, amount: 4_000 }, headers);
    expectError(other, 409, 'Idempotency-Key');
    expect((await owner.request('GET', `/invoices/${invoiceId}`)).body.amountPaid).toBe(5_000);
  });

  it('records no key for a refused payment: the key pays once the request is right', async () => {
    const invoiceId = await openInvoice();
    const headers = key();
    expectError(await owner.request('POST', '/payments', { invoiceId: randomUUID(), amount: 100, method: 'manual' }, headers), 404);
    const paid = await owner.request('POST', '/payments', { invoiceId, amount: 100, method: 'manual' }, headers);
    expect(paid.status).toBe(201);
    expect((await owner.request('GET', `/invoices/${invoiceId}`)).body.amountPaid).toBe(100);
  });

  it.each([
    ['a zero amount', { amount: 0 }, 'amount'],
    ['a negative amount', { amount: -5 }, 'amount'],
    ['an amount beyond 2^53 − 1', { amount: 2 ** 53 }, 'amount'],
    ['a fractional amount', { amount: 10.5 }, 'amount'],
    ['an unknown method', { method: 'cheque' }, 'method'],
    ['an unknown currency', { currency: 'EUX' }, 'currency'],
    ['a malformed receivedAt', { receivedAt: 'yesterday' }, 'receivedAt'],
  ])('refuses a payment with %s (422 naming the field) and moves nothing', async (_case, change, field) => {
    const invoiceId = await openInvoice();
    expectError(await owner.request('POST', '/payments', { invoiceId, amount: 100, method: 'manual', ...change }, key()), 422, field);
    expect((await owner.request('GET', `/invoices/${invoiceId}`)).body.amountPaid).toBe(0);
  });

  it('refuses paying a void invoice, another currency, a wallet debit past zero, and a credit note above what is left', async () => {
    const voided = await openInvoice();
    await owner.request('POST', `/invoices/${voided}/void`);
    expectError(await owner.request('POST', '/payments', { invoiceId: voided, amount: 100, method: 'manual' }, key()), 409, 'invoiceId');
    const open = await openInvoice();
    expectError(await owner.request('POST', '/payments', { invoiceId: open, amount: 100, method: 'manual', currency: 'USD' }, key()), 422, 'currency');
    const stranger = (await owner.request('POST', '/contacts', { firstName: 'Grace' })).body.id;
    const theirs = await openInvoice(owner, stranger);
    const debit = await owner.request('POST', '/payments', { invoiceId: theirs, amount: 1, method: 'wallet' }, key());
    expectError(debit, 409, 'amount');
    expect(debit.body.error.code).toBe('insufficient_wallet_balance');
    const note = await owner.request('POST', `/invoices/${open}/credit-notes`, { amount: 2_000, reason: 'Discount' });
    expect(note.status).toBe(201);
    expect(note.body.number).toMatch(/^CN-\d{4}-\d{6}$/);
    expectError(await owner.request('POST', `/invoices/${open}/credit-notes`, { amount: 10_001, refund: 'wallet' }), 409, 'amount');
    expectError(
      await owner.request('POST', `/invoices/${open}/credit-notes`, { amount: 10, lines: [{ description: 'x', quantity: 1, unitPrice: 10 }] }),
      422,
      'amount',
    );
    expect((await owner.request('GET', `/invoices/${open}`)).body).toMatchObject({ amountPaid: 0, amountCredited: 2_000, amountDue: 10_000 });
    expect((await owner.request('GET', `/invoices/${open}/credit-notes`)).body.data.map((item: { id: string }) => item.id)).toEqual([note.body.id]);
    expect((await owner.request('GET', `/wallets/${stranger}`)).body.balances).toEqual([]);
  });

  it('credits a wallet, lists ledger entries by account and transaction, and keeps other workspaces out', async () => {
    const credited = await owner.request('POST', `/wallets/${contactId}/credit`, { amount: 700, currency: 'GBP', reason: 'Prepaid' }, key());
    expect(credited.status).toBe(201);
    expect(credited.body.balances).toEqual(expect.arrayContaining([{ currency: 'GBP', amount: 700 }]));
    const entries = await owner.request('GET', `/ledger?account=wallet:${contactId}`);
    expect(entries.status).toBe(200);
    const gbp = entries.body.data.filter((entry: { currency: string }) => entry.currency === 'GBP');
    expect(gbp.map((entry: { amount: number }) => entry.amount)).toEqual([-700]);
    const transaction = await owner.request('GET', `/ledger?transactionId=${gbp[0].transactionId}`);
    expect(transaction.body.data.map((entry: { account: string; amount: number }) => [entry.account, entry.amount])).toEqual([
      ['cash', 700],
      [`wallet:${contactId}`, -700],
    ]);
    expectError(await owner.request('GET', '/ledger?account=petty-cash'), 400, 'account');
    expectError(await owner.request('POST', `/wallets/${randomUUID()}/credit`, { amount: 1, currency: 'EUR' }, key()), 422, 'customerId');

    const other = await register('ledger-other');
    expect((await other.request('GET', `/ledger?transactionId=${gbp[0].transactionId}`)).body.data).toEqual([]);
    expect((await other.request('GET', `/wallets/${contactId}`)).body.balances).toEqual([]);
    const payments = (await owner.request('GET', '/payments')).body.data;
    expectError(await other.request('POST', `/payments/${payments[0].id}/refund`, { amount: 1 }, key()), 404);
    expect((await other.request('GET', '/billing/reconciliation')).body).toMatchObject({ findings: [] });
  });

  it('lets an API key with billing:read read the ledger but not pay (403)', async () => {
    const created = await owner.request('POST', '/api-keys', { name: 'reader', scopes: ['billing:read'] });
    const reader = client(owner.workspaceId, { 'x-api-key': created.body.key });
    expect((await reader.request('GET', '/ledger')).status).toBe(200);
    expectError(await reader.request('POST', '/payments', { invoiceId: randomUUID(), amount: 1, method: 'manual' }, key()), 403);
  });

  it('answers POST /invoices/:id/payment-intent with 503 when Stripe cannot be reached, and 404 for another workspace’s invoice', async () => {
    const invoiceId = await openInvoice();
    expectError(await owner.request('POST', `/invoices/${invoiceId}/payment-intent`), 503);
    const other = await register('ledger-stranger');
    expectError(await other.request('POST', `/invoices/${invoiceId}/payment-intent`), 404);
  });

  it('documents the required Idempotency-Key in the OpenAPI description', async () => {
    const document = (await (await fetch(`${services.at(-1)!.url}/docs-json`)).json()) as { paths: Record<string, Record<string, any>> };
    for (const [path, method] of [
      ['/api/v1/payments', 'post'],
      ['/api/v1/payments/{id}/refund', 'post'],
      ['/api/v1/wallets/{customerId}/credit', 'post'],
    ] as const) {
      const operation = document.paths[path]![method];
      expect(operation.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]));
      expect(Object.keys(operation.responses)).toContain('400');
    }
  });

  describe('POST /webhooks/stripe (public)', () => {
    async function deliver(payload: string, signature: string | undefined): Promise<Response> {
      const response = await fetch(`${api}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
        body: payload,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    }

    function succeededEvent(invoiceId: string): string {
      // Spacing and a non-ASCII reference as Stripe may send them: the signature covers these exact bytes.
      return JSON.stringify(
        stripeEvent('payment_intent.succeeded', {
          id: `pi_${randomUUID()}`,
          object: 'payment_intent',
          amount: 12_000,
          amount_received: 12_000,
          currency: 'eur',
          description: 'Zahlung für Müller',
          metadata: { workspaceId: owner.workspaceId, invoiceId },
        }),
        null,
        2,
      );
    }

    const sign = (payload: string, age = 0, secret = WEBHOOK_SECRET) => stripeSignature(payload, secret, age);

    it('verifies the signature over the raw body and records the payment once', async () => {
      const invoiceId = await openInvoice();
      const payload = succeededEvent(invoiceId);
      const signature = sign(payload);
      const first = await deliver(payload, signature);
      expect({ status: first.status, body: first.body }).toEqual({ status: 200, body: { received: true, applied: true } });
      expect((await deliver(payload, signature)).body).toEqual({ received: true, applied: false });
      expect((await owner.request('GET', `/invoices/${invoiceId}`)).body).toMatchObject({ status: 'paid', amountPaid: 12_000 });
      expect((await owner.request('GET', `/payments?invoiceId=${invoiceId}`)).body.data.map((payment: { method: string }) => payment.method)).toEqual([
        'stripe',
      ]);
    });

    it('answers 400 in the envelope for a missing, wrong or stale signature and a malformed body, and changes nothing', async () => {
      const invoiceId = await openInvoice();
      const payload = succeededEvent(invoiceId);
      expectError(await deliver(payload, undefined), 400, 'Stripe-Signature');
      expectError(await deliver(payload, sign(payload, 0, 'whsec_someone_else')), 400, 'Stripe-Signature');
      expectError(await deliver(payload, sign(payload, 301)), 400, 'Stripe-Signature');
      expectError(await deliver(payload.replace('12000', '1'), sign(payload)), 400, 'Stripe-Signature');
      expectError(await deliver('{"id": ', sign('{"id": ')), 400);
      expect((await owner.request('GET', `/invoices/${invoiceId}`)).body).toMatchObject({ status: 'open', amountPaid: 0 });
    });
  });
});
