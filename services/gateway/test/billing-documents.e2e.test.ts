import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import {
  chargeRefunded,
  createTestEnvironment,
  paymentIntentSucceeded,
  startMailbox,
  startTestService,
  stripeSignature,
  type Mailbox,
  type TestEnvironment,
} from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { startGateway } from '../src/gateway.js';

/**
 * An invoice's documents through the public API: the PDF as a file download, sending it, which
 * crosses billing (file store, invoice.sent) and notifications (email with the PDF attached) to a
 * real SMTP server, and the receipt a payment emails (payment.received).
 */
const PASSWORD = 'amber-cobalt-violin-meadow-4';
const WEBHOOK_SECRET = 'whsec_kinship_documents';
// Only webhooks are exercised here, so Stripe's API base points nowhere.
const STRIPE_ENV = { STRIPE_SECRET_KEY: 'sk_test_kinship_documents', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: 'http://127.0.0.1:9' };

let environment: TestEnvironment;
let mailbox: Mailbox;
let services: RunningService[] = [];
let api: string;
let token: string;
let workspaceId: string;

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer; json: any }> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').includes('json') && bytes.length > 0 ? JSON.parse(bytes.toString()) : undefined;
  return { status: response.status, headers: response.headers, bytes, json };
}

async function pdfText(pdf: Buffer): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'invoice-pdf-'));
  try {
    await writeFile(join(folder, 'invoice.pdf'), pdf);
    return (await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', join(folder, 'invoice.pdf'), '-'])).stdout;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  environment = await createTestEnvironment('gateway-billing-documents');
  mailbox = await startMailbox();
  services = [
    await startTestService(authService, environment),
    await startTestService(crmService, environment),
    await startTestService(billingService, environment, STRIPE_ENV),
    await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl }),
    await startGateway(environment.env),
  ];
  api = `${services.at(-1)!.url}/api/v1`;
  const email = `docs-${randomBytes(4).toString('hex')}@example.com`;
  const registered = await fetch(`${api}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Owner', workspaceName: 'Documents' }),
  });
  ({
    accessToken: token,
    workspace: { id: workspaceId },
  } = (await registered.json()) as { accessToken: string; workspace: { id: string } });
  expect(
    (
      await call('PUT', '/billing-settings', {
        legalName: 'Ørsted Consulting ApS',
        address: 'Nørregade 7, København',
        taxId: 'DK12345678',
        paymentInstructions: 'Pay to IBAN DK50 0040 0440 1162 43',
      })
    ).status,
  ).toBe(200);
}, 120_000);

afterAll(async () => {
  for (const service of services.reverse()) await service.close();
  await mailbox?.close();
  await environment?.dispose();
});

async function openInvoice(customer: object): Promise<any> {
  const created = await call('POST', '/invoices', {
    customer,
    currency: 'EUR',
    lines: [{ description: 'Workshop', quantity: 2, unitPrice: 50_000, taxRate: 2500 }],
  });
  expect(created.status).toBe(201);
  const finalized = await call('POST', `/invoices/${created.json.id}/finalize`);
  expect(finalized.status).toBe(200);
  return finalized.json;
}

describe('invoice documents', () => {
  let invoice: any;
  const customerEmail = `søren-${randomBytes(3).toString('hex')}@example.com`;

  beforeAll(async () => {
    const contact = await call('POST', '/contacts', { firstName: 'Søren', lastName: 'Kierkegaard', email: customerEmail });
    expect(contact.status).toBe(201);
    invoice = await openInvoice({ contactId: contact.json.id });
  });

  it('GET /invoices/:id/pdf answers the PDF as a download', async () => {
    const pdf = await call('GET', `/invoices/${invoice.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="${invoice.number}.pdf"`);
    expect(Number(pdf.headers.get('content-length'))).toBe(pdf.bytes.length);
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Ørsted Consulting ApS');
    expect(text).toContain('Søren Kierkegaard');
    expect(text).toMatch(/Amount due\s+€1,250\.00/);
  });

  it('GET /invoices/:id/pdf answers 404 in the envelope for an unknown id, and is documented as a PDF', async () => {
    const missing = await call('GET', '/invoices/00000000-0000-4000-8000-000000000000/pdf');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
    const document = (await (await fetch(`${services.at(-1)!.url}/docs-json`)).json()) as any;
    expect(Object.keys(document.paths['/api/v1/invoices/{id}/pdf'].get.responses['200'].content)).toEqual(['application/pdf']);
  });

  it('POST /invoices/:id/send emails the customer with the PDF attached', async () => {
    const sent = await call('POST', `/invoices/${invoice.id}/send`);
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ invoiceId: invoice.id, number: invoice.number, to: customerEmail, fileName: `${invoice.number}.pdf` });
    const [mail] = await mailbox.waitForMessages(1, { to: customerEmail, timeoutMs: 30_000 });
    expect(mail!.subject).toBe(`Invoice ${invoice.number} from Ørsted Consulting ApS`);
    expect(mail!.text).toContain('€1,250.00');
    expect(mail!.attachments.map(({ filename, contentType }) => ({ filename, contentType }))).toEqual([
      { filename: `${invoice.number}.pdf`, contentType: 'application/pdf' },
    ]);
    const attached = await pdfText(mail!.attachments[0]!.content);
    expect(attached).toContain(`Invoice ${invoice.number}`);
    expect(attached).toContain('Søren Kierkegaard');
    expect(attached).toContain('Pay to IBAN DK50 0040 0440 1162 43');
  }, 60_000);

  it('refuses to send a draft (409) or an invoice without a billing email (422), and sends nothing', async () => {
    const contact = await call('POST', '/contacts', { firstName: 'Draft', email: `draft-${randomBytes(3).toString('hex')}@example.com` });
    const draft = await call('POST', '/invoices', {
      customer: { contactId: contact.json.id },
      currency: 'EUR',
      lines: [{ description: 'x', quantity: 1, unitPrice: 1 }],
    });
    const refused = await call('POST', `/invoices/${draft.json.id}/send`);
    expect({ status: refused.status, code: refused.json.error.code }).toEqual({ status: 409, code: 'invoice_not_sendable' });

    const company = await call('POST', '/companies', { name: 'Без почты' });
    const noEmail = await openInvoice({ companyId: company.json.id });
    const unaddressed = await call('POST', `/invoices/${noEmail.id}/send`);
    expect(unaddressed.status).toBe(422);
    expect(unaddressed.json.error.details.map((detail: { field: string }) => detail.field)).toEqual(['billingEmail']);
    const before = mailbox.messages().length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailbox.messages().length).toBe(before);
  });
});

describe('payment receipts', () => {
  it('POST /payments emails the customer a receipt with the amount, the paid date and what is left to pay', async () => {
    const customerEmail = `ada-${randomBytes(3).toString('hex')}@example.com`;
    const contact = await call('POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace', email: customerEmail });
    const invoice = await openInvoice({ contactId: contact.json.id });
    const paid = await call(
      'POST',
      '/payments',
      { invoiceId: invoice.id, amount: 50_000, method: 'bank_transfer', receivedAt: '2026-03-04T10:30:00.000Z' },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(paid.status).toBe(201);
    const [receipt] = await mailbox.waitForMessages(1, { to: customerEmail, timeoutMs: 30_000 });
    expect(receipt!.subject).toBe(`Payment received for ${invoice.number}`);
    expect(receipt!.text).toContain('Hello Ada Lovelace');
    expect(receipt!.text).toContain(`We received your payment of €500.00 for invoice ${invoice.number} on March 4, 2026`);
    expect(receipt!.text).toContain('Left to pay on this invoice: €750.00.');
    expect(receipt!.attachments).toEqual([]);

    const rest = await call(
      'POST',
      '/payments',
      { invoiceId: invoice.id, amount: 75_000, method: 'manual' },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(rest.status).toBe(201);
    const receipts = await mailbox.waitForMessages(2, { to: customerEmail, timeoutMs: 30_000 });
    const settling = receipts.find((message) => message.text.includes('We received your payment of €750.00'));
    expect(settling?.text).toContain('Left to pay on this invoice: €0.00.');
  }, 90_000);

  it('a refused payment (another currency) emails nothing', async () => {
    const customerEmail = `refused-${randomBytes(3).toString('hex')}@example.com`;
    const contact = await call('POST', '/contacts', { firstName: 'Refused', email: customerEmail });
    const invoice = await openInvoice({ contactId: contact.json.id });
    const refused = await call(
      'POST',
      '/payments',
      { invoiceId: invoice.id, amount: 100, currency: 'USD', method: 'manual' },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(refused.status).toBe(422);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailbox.messages().filter((message) => message.to.includes(customerEmail))).toEqual([]);
  });
});

describe('refund and credit note receipts', () => {
  it('POST /payments/:id/refund emails a refund receipt; a refund above what was paid is a 409 and emails nothing', async () => {
    const customerEmail = `grace-${randomBytes(3).toString('hex')}@example.com`;
    const contact = await call('POST', '/contacts', { firstName: 'Grace', lastName: 'Hopper', email: customerEmail });
    const invoice = await openInvoice({ contactId: contact.json.id });
    const paid = await call(
      'POST',
      '/payments',
      { invoiceId: invoice.id, amount: 50_000, method: 'manual' },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(paid.status).toBe(201);
    await mailbox.waitForMessages(1, { to: customerEmail, timeoutMs: 30_000 });

    const tooMuch = await call('POST', `/payments/${paid.json.id}/refund`, { amount: 50_001 }, { 'idempotency-key': randomBytes(8).toString('hex') });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.json.error.details).toEqual([expect.objectContaining({ field: 'amount' })]);
    const refunded = await call('POST', `/payments/${paid.json.id}/refund`, { amount: 20_000 }, { 'idempotency-key': randomBytes(8).toString('hex') });
    expect(refunded.status).toBe(201);
    const messages = await mailbox.waitForMessages(2, { to: customerEmail, timeoutMs: 30_000 });
    const receipt = messages.find((message) => message.subject.startsWith('Refund'));
    expect(receipt!.subject).toBe(`Refund for ${invoice.number}`);
    expect(receipt!.text).toContain('Hello Grace Hopper');
    expect(receipt!.text).toContain(`We refunded €200.00 of your payment for invoice ${invoice.number}`);
    expect(receipt!.text).toContain('It goes back the way you paid.');
    // The refused refund sent nothing: one receipt for the payment, one for the refund.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailbox.messages().filter((message) => message.to.includes(customerEmail))).toHaveLength(2);
  }, 90_000);

  it('a Stripe payment and a refund made in Stripe’s dashboard, both told by webhook, each email their receipt once', async () => {
    const customerEmail = `katherine-${randomBytes(3).toString('hex')}@example.com`;
    const contact = await call('POST', '/contacts', { firstName: 'Katherine', lastName: 'Johnson', email: customerEmail });
    const invoice = await openInvoice({ contactId: contact.json.id });
    /** Delivers a signed event twice, as Stripe may (it delivers at least once): the second delivery changes nothing. */
    const deliverTwice = async (event: object) => {
      const payload = JSON.stringify(event);
      const post = () =>
        fetch(`${api}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload, WEBHOOK_SECRET) },
          body: payload,
        });
      const first = await post();
      const again = await post();
      return [await first.json(), await again.json()];
    };
    const intentId = `pi_${randomBytes(8).toString('hex')}`;
    expect(await deliverTwice(paymentIntentSucceeded({ workspaceId, invoiceId: invoice.id, intentId, amount: 125_000 }))).toEqual([
      { received: true, applied: true },
      { received: true, applied: false },
    ]);
    const [receipt] = await mailbox.waitForMessages(1, { to: customerEmail, timeoutMs: 30_000 });
    expect(receipt!.subject).toBe(`Payment received for ${invoice.number}`);
    expect(receipt!.text).toContain(`We received your payment of €1,250.00 for invoice ${invoice.number}`);

    expect(await deliverTwice(chargeRefunded(intentId, 30_000))).toEqual([
      { received: true, applied: true },
      { received: true, applied: false },
    ]);
    const messages = await mailbox.waitForMessages(2, { to: customerEmail, timeoutMs: 30_000 });
    const refund = messages.find((message) => message.subject.startsWith('Refund'));
    expect(refund!.subject).toBe(`Refund for ${invoice.number}`);
    expect(refund!.text).toContain('Hello Katherine Johnson');
    expect(refund!.text).toContain(`We refunded €300.00 of your payment for invoice ${invoice.number}`);
    // Each webhook delivered twice, each receipt sent once.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailbox.messages().filter((message) => message.to.includes(customerEmail))).toHaveLength(2);
  }, 90_000);

  it('POST /invoices/:id/credit-notes emails one credit note receipt (not a second one for its refund); one above the total is a 409 and emails nothing', async () => {
    const customerEmail = `alan-${randomBytes(3).toString('hex')}@example.com`;
    const contact = await call('POST', '/contacts', { firstName: 'Alan', lastName: 'Turing', email: customerEmail });
    const invoice = await openInvoice({ contactId: contact.json.id });
    const paid = await call(
      'POST',
      '/payments',
      { invoiceId: invoice.id, amount: 125_000, method: 'manual' },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(paid.status).toBe(201);
    await mailbox.waitForMessages(1, { to: customerEmail, timeoutMs: 30_000 });

    const tooMuch = await call('POST', `/invoices/${invoice.id}/credit-notes`, { amount: 125_001, refund: 'original', reason: 'Too much' });
    expect(tooMuch.status).toBe(409);
    const credited = await call('POST', `/invoices/${invoice.id}/credit-notes`, { amount: 25_000, refund: 'original', reason: 'One hour less' });
    expect(credited.status).toBe(201);
    const messages = await mailbox.waitForMessages(2, { to: customerEmail, timeoutMs: 30_000 });
    const receipt = messages.find((message) => message.subject.startsWith('Credit note'));
    expect(receipt!.subject).toBe(`Credit note ${credited.json.number} for ${invoice.number}`);
    expect(receipt!.text).toContain('Hello Alan Turing');
    expect(receipt!.text).toContain(`We issued credit note ${credited.json.number} of €250.00 for invoice ${invoice.number}`);
    expect(receipt!.text).toContain('Taken off what was due: €0.00. Refunded: €250.00. Added to your balance with us: €0.00.');
    expect(receipt!.text).toContain('Left to pay on this invoice: €0.00.');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailbox.messages().filter((message) => message.to.includes(customerEmail))).toHaveLength(2);
  }, 90_000);
});

describe('POST /invoices from a deal', () => {
  it('makes the draft from the deal through the API', async () => {
    const company = await call('POST', '/companies', { name: 'Deal GmbH' });
    const pipeline = await call('POST', '/pipelines', {
      name: 'Sales',
      stages: [
        { name: 'Open', probability: 50, kind: 'open' },
        { name: 'Won', probability: 100, kind: 'won' },
        { name: 'Lost', probability: 0, kind: 'lost' },
      ],
    });
    const deal = await call('POST', '/deals', { name: 'Rollout', amount: 420_000, currency: 'CHF', companyId: company.json.id, pipelineId: pipeline.json.id });
    expect(deal.status).toBe(201);
    const draft = await call('POST', '/invoices', { dealId: deal.json.id, fromDeal: true });
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ dealId: deal.json.id, currency: 'CHF', total: 420_000, customer: { companyId: company.json.id, name: 'Deal GmbH' } });

    // The deal's invoices, as its page lists them; another deal has none.
    const ofDeal = await call('GET', `/invoices?dealId=${deal.json.id}`);
    expect(ofDeal.json.data.map((invoice: { id: string }) => invoice.id)).toEqual([draft.json.id]);
    expect((await call('GET', `/invoices?dealId=${company.json.id}`)).json.data).toEqual([]);
    const refused = await call('GET', '/invoices?dealId=rollout');
    expect({
      status: refused.status,
      code: refused.json.error.code,
      fields: refused.json.error.details.map((detail: { field: string }) => detail.field),
    }).toEqual({
      status: 400,
      code: 'invalid_parameter',
      fields: ['dealId'],
    });
  });

  it('answers 422 naming the field for a body that mixes or misses what the deal gives', async () => {
    const dealId = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[object, string]> = [
      [{ fromDeal: true }, 'dealId'],
      [{ dealId, fromDeal: true, currency: 'EUR' }, 'currency'],
      [{ dealId, fromDeal: true, lines: [{ description: 'x', quantity: 1, unitPrice: 1 }] }, 'lines'],
      [{ dealId, currency: 'EUR', lines: [{ description: 'x', quantity: 1, unitPrice: 1 }] }, 'customer'],
      [{ dealId, fromDeal: true }, 'dealId'],
    ];
    for (const [body, field] of cases) {
      const refused = await call('POST', '/invoices', body);
      expect({ body, status: refused.status, fields: refused.json.error.details.map((detail: { field: string }) => detail.field) }).toEqual({
        body,
        status: 422,
        fields: [field],
      });
    }
    expect((await call('GET', '/invoices?limit=500')).json.data.filter((invoice: { dealId: string | null }) => invoice.dealId === dealId)).toEqual([]);
  });
});
