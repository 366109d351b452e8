import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { startGateway } from '../src/gateway.js';

/**
 * Billing through the public API: what only HTTP shows (routes bound to the contracts, the
 * validation of their classes, the error envelope, permissions and scopes, another workspace's
 * ids). The rules themselves are tested where they live: services/billing/test.
 */
const PASSWORD = 'amber-cobalt-violin-meadow-4';

let environment: TestEnvironment;
let services: RunningService[] = [];
let api: string;

interface Response {
  status: number;
  body: any;
}

/** A caller of the API: a registered owner (token) or an API key. */
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
  const anonymous = client('', {});
  const registered = await anonymous.request('POST', '/auth/register', { email, password: PASSWORD, name: 'Owner', workspaceName: label });
  expect(registered.status).toBe(201);
  return client(registered.body.workspace.id, { authorization: `Bearer ${registered.body.accessToken}` });
}

async function apiKey(owner: Client, scopes: string[]): Promise<Client> {
  const created = await owner.request('POST', '/api-keys', { name: `key ${randomBytes(3).toString('hex')}`, scopes });
  expect(created.status).toBe(201);
  return client(owner.workspaceId, { 'x-api-key': created.body.key });
}

/** The shared error envelope with this status, naming `field` when given. */
function expectError(response: Response, status: number, field?: string): void {
  expect({ status: response.status, envelope: Object.keys(response.body?.error ?? {}).sort() }).toEqual({
    status,
    envelope: ['code', 'details', 'message', 'requestId', 'status'],
  });
  if (field) expect(response.body.error.details.map((detail: { field?: string }) => detail.field)).toContain(field);
}

beforeAll(async () => {
  environment = await createTestEnvironment('gateway-billing');
  services = [
    await startTestService(authService, environment),
    await startTestService(crmService, environment),
    await startTestService(billingService, environment),
    await startGateway(environment.env),
  ];
  api = `${services.at(-1)!.url}/api/v1`;
});

afterAll(async () => {
  for (const service of services.reverse()) await service.close();
  await environment?.dispose();
});

describe('products', () => {
  let owner: Client;

  beforeAll(async () => {
    owner = await register('products');
  });

  it('creates, reads, lists, changes, deletes and restores a product', async () => {
    const created = await owner.request('POST', '/products', { name: 'Consulting hour', sku: 'CONSULT-H', unitPrice: 12_000, currency: 'EUR', taxRate: 2000 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Consulting hour',
      sku: 'CONSULT-H',
      unitPrice: 12_000,
      currency: 'EUR',
      taxRate: 2000,
      active: true,
      deletedAt: null,
    });
    const { id } = created.body;
    expect((await owner.request('GET', `/products/${id}`)).body).toEqual(created.body);
    const changed = await owner.request('PATCH', `/products/${id}`, { unitPrice: 15_000, active: false });
    expect({ status: changed.status, unitPrice: changed.body.unitPrice, active: changed.body.active, sku: changed.body.sku }).toEqual({
      status: 200,
      unitPrice: 15_000,
      active: false,
      sku: 'CONSULT-H',
    });
    expect((await owner.request('GET', '/products?active=false')).body.data.map((product: { id: string }) => product.id)).toEqual([id]);
    expect((await owner.request('DELETE', `/products/${id}`)).status).toBe(204);
    expect((await owner.request('GET', '/products')).body).toEqual({ data: [], nextCursor: null });
    expect((await owner.request('GET', '/products?deleted=true')).body.data.map((product: { id: string }) => product.id)).toEqual([id]);
    const restored = await owner.request('POST', `/products/${id}/restore`);
    expect({ status: restored.status, deletedAt: restored.body.deletedAt }).toEqual({ status: 200, deletedAt: null });
  });

  it('answers 409 naming the live product that holds a sku, and frees the sku of a deleted one', async () => {
    const first = await owner.request('POST', '/products', { name: 'Support plan', sku: 'SUPPORT', unitPrice: 5000, currency: 'EUR' });
    const second = await owner.request('POST', '/products', { name: 'Support plan again', sku: 'SUPPORT', unitPrice: 6000, currency: 'EUR' });
    expectError(second, 409, 'sku');
    expect(second.body.error.details[0].existingId).toBe(first.body.id);
    await owner.request('DELETE', `/products/${first.body.id}`);
    const taker = await owner.request('POST', '/products', { name: 'New support plan', sku: 'SUPPORT', unitPrice: 7000, currency: 'EUR' });
    expect(taker.status).toBe(201);
    const restore = await owner.request('POST', `/products/${first.body.id}/restore`);
    expectError(restore, 409, 'sku');
    expect(restore.body.error.details[0].existingId).toBe(taker.body.id);
  });

  it.each([
    ['a negative price', { unitPrice: -1 }, 'unitPrice'],
    ['a price beyond 2^53 − 1', { unitPrice: 2 ** 53 }, 'unitPrice'],
    ['a fractional price', { unitPrice: 10.5 }, 'unitPrice'],
    ['a tax rate over 100 %', { taxRate: 10_001 }, 'taxRate'],
    ['a negative tax rate', { taxRate: -1 }, 'taxRate'],
    ['an unknown currency', { currency: 'EUX' }, 'currency'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['an unknown field', { discount: 5 }, 'discount'],
    ['a name with a NUL character', { name: 'Wid\u0000get' }, 'name'],
  ])('refuses %s with 422 naming the field, creating nothing', async (_case, change, field) => {
    const workspace = await register('bad-products');
    expectError(await workspace.request('POST', '/products', { name: 'Widget', sku: 'W-1', unitPrice: 100, currency: 'EUR', ...change }), 422, field);
    expect((await workspace.request('GET', '/products')).body.data).toEqual([]);
  });
});

describe('invoices', () => {
  let owner: Client;
  let contactId: string;

  beforeAll(async () => {
    owner = await register('invoices');
    const contact = await owner.request('POST', '/contacts', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
    expect(contact.status).toBe(201);
    contactId = contact.body.id;
  });

  const draft = (lines: unknown[] = [{ description: 'Consulting', quantity: 1.5, unitPrice: 10_000, taxRate: 2000 }]) => ({
    customer: { contactId },
    currency: 'EUR',
    lines,
  });

  async function listed(client: Client): Promise<unknown[]> {
    const page = await client.request('GET', '/invoices');
    expect(page.status).toBe(200);
    return page.body.data;
  }

  it('creates a draft with server-computed totals, finalizes it with a number, and then refuses to change or delete it', async () => {
    const created = await owner.request('POST', '/invoices', draft());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      number: null,
      subtotal: 15_000,
      tax: 3000,
      total: 18_000,
      amountPaid: 0,
      amountDue: 18_000,
      billingEmail: 'ada@example.com',
    });
    expect(created.body.customer).toEqual({ contactId, companyId: null, name: 'Ada Lovelace' });
    const { id } = created.body;

    const edited = await owner.request('PATCH', `/invoices/${id}`, { lines: [{ description: 'Two hours', quantity: 2, unitPrice: 10_000 }] });
    expect({ status: edited.status, total: edited.body.total }).toEqual({ status: 200, total: 20_000 });

    const finalized = await owner.request('POST', `/invoices/${id}/finalize`);
    expect(finalized.status).toBe(200);
    expect(finalized.body.status).toBe('open');
    expect(finalized.body.number).toMatch(/^INV-\d{4}-000001$/);

    const change = await owner.request('PATCH', `/invoices/${id}`, { notes: 'too late' });
    expectError(change, 409, 'status');
    expect(change.body.error.code).toBe('invoice_not_draft');
    expectError(await owner.request('DELETE', `/invoices/${id}`), 409, 'status');
    expect((await owner.request('GET', `/invoices/${id}`)).body).toEqual(finalized.body);

    const voided = await owner.request('POST', `/invoices/${id}/void`);
    expect({ status: voided.status, invoice: voided.body.status, amountDue: voided.body.amountDue }).toEqual({ status: 200, invoice: 'void', amountDue: 0 });
  });

  it('reads and writes the billing settings, whose prefix numbers the next invoices', async () => {
    const workspace = await register('settings');
    const contact = await workspace.request('POST', '/contacts', { firstName: 'Grace' });
    expect((await workspace.request('GET', '/billing-settings')).body).toEqual({
      legalName: null,
      address: null,
      taxId: null,
      invoicePrefix: 'INV',
      paymentInstructions: null,
    });
    const settings = { legalName: 'Kinship Ltd', address: '1 Main St', taxId: 'GB123', invoicePrefix: 'KIN', paymentInstructions: 'IBAN …' };
    expect((await workspace.request('PUT', '/billing-settings', settings)).body).toEqual(settings);
    expectError(await workspace.request('PUT', '/billing-settings', { invoicePrefix: 'bad prefix' }), 422, 'invoicePrefix');
    const invoice = await workspace.request('POST', '/invoices', {
      customer: { contactId: contact.body.id },
      currency: 'GBP',
      issueDate: '2026-02-01',
      lines: [{ description: 'Audit', quantity: 1, unitPrice: 1 }],
    });
    expect((await workspace.request('POST', `/invoices/${invoice.body.id}/finalize`)).body.number).toBe('KIN-2026-000001');
  });

  it.each([
    ['a zero quantity', { quantity: 0 }, 'lines.0.quantity'],
    ['a negative quantity', { quantity: -1 }, 'lines.0.quantity'],
    ['a quantity with 5 decimal places', { quantity: 1.00001 }, 'lines.0.quantity'],
    ['a negative price', { unitPrice: -100 }, 'lines.0.unitPrice'],
    ['a price beyond 2^53 − 1', { unitPrice: 9_007_199_254_740_993 }, 'lines.0.unitPrice'],
    ['a line amount beyond 2^53 − 1', { quantity: 3, unitPrice: 2 ** 52 }, 'lines.0'],
    ['a tax rate over 100 %', { taxRate: 10_001 }, 'lines.0.taxRate'],
    ['a line without description or product', { description: undefined }, 'lines.0.description'],
    ['a description with a NUL character', { description: 'Consult\u0000ing' }, 'lines.0.description'],
  ])('refuses %s with 422 naming the field, and creates nothing', async (_case, change, field) => {
    const before = await listed(owner);
    const line = { description: 'Consulting', quantity: 1, unitPrice: 100, ...change };
    expectError(await owner.request('POST', '/invoices', draft([line])), 422, field);
    expect(await listed(owner)).toEqual(before);
  });

  it('refuses an unknown currency, no lines, and a bad customer with 422 naming the field', async () => {
    const before = await listed(owner);
    expectError(await owner.request('POST', '/invoices', { ...draft(), currency: 'ABC' }), 422, 'currency');
    expectError(await owner.request('POST', '/invoices', draft([])), 422, 'lines');
    expectError(await owner.request('POST', '/invoices', { ...draft(), customer: {} }), 422, 'customer.contactId');
    expectError(await owner.request('POST', '/invoices', { ...draft(), customer: { contactId, companyId: randomUUID() } }), 422, 'customer.companyId');
    expectError(await owner.request('POST', '/invoices', { ...draft(), customer: { contactId: randomUUID() } }), 422, 'customer.contactId');
    expect(await listed(owner)).toEqual(before);
  });

  it('refuses an invoice for another workspace’s contact, and hides each workspace’s invoices from the other (404)', async () => {
    const other = await register('other');
    const strangersContact = await other.request('POST', '/contacts', { firstName: 'Mallory' });
    const before = await listed(owner);
    expectError(await owner.request('POST', '/invoices', { ...draft(), customer: { contactId: strangersContact.body.id } }), 422, 'customer.contactId');
    expect(await listed(owner)).toEqual(before);

    const mine = await owner.request('POST', '/invoices', draft());
    for (const [method, path] of [
      ['GET', `/invoices/${mine.body.id}`],
      ['PATCH', `/invoices/${mine.body.id}`],
      ['DELETE', `/invoices/${mine.body.id}`],
      ['POST', `/invoices/${mine.body.id}/finalize`],
    ] as const) {
      expectError(await other.request(method, path, method === 'PATCH' ? { notes: 'mine now' } : undefined), 404);
    }
    expect((await owner.request('GET', `/invoices/${mine.body.id}`)).body).toEqual(mine.body);
    expect(await listed(other)).toEqual([]);
  });

  it('creates one invoice for a POST retried with the same Idempotency-Key', async () => {
    const before = await listed(owner);
    const key = `invoice-${randomUUID()}`;
    const first = await owner.request('POST', '/invoices', draft(), { 'idempotency-key': key });
    const retry = await owner.request('POST', '/invoices', draft(), { 'idempotency-key': key });
    expect({ first: first.status, retry: retry.status, sameInvoice: retry.body.id === first.body.id }).toEqual({ first: 201, retry: 201, sameInvoice: true });
    expect(await listed(owner)).toHaveLength(before.length + 1);
  });

  it('answers 400 for a malformed id or query parameter', async () => {
    expectError(await owner.request('GET', '/invoices/not-an-id'), 400, 'id');
    expectError(await owner.request('GET', '/invoices?status=paidish'), 400, 'status');
    expectError(await owner.request('GET', '/invoices?limit=501'), 400, 'limit');
  });

  it('lets an API key with billing:read read but not write (403 naming the permission)', async () => {
    const reader = await apiKey(owner, ['billing:read']);
    expect((await reader.request('GET', '/invoices')).status).toBe(200);
    const refused = await reader.request('POST', '/invoices', draft());
    expectError(refused, 403);
    expect(refused.body.error.details).toEqual([{ issue: 'missing_permission', permission: 'billing:write' }]);
    const writer = await apiKey(owner, ['billing:write']);
    expect(
      (await writer.request('POST', '/products', { name: 'Key-made', sku: `K-${randomBytes(2).toString('hex')}`, unitPrice: 1, currency: 'EUR' })).status,
    ).toBe(201);
  });
});

describe('OpenAPI', () => {
  it('describes each billing route from its contract: operation id, summary, response schema and error statuses', async () => {
    const document = (await (await fetch(`${services.at(-1)!.url}/docs-json`)).json()) as { paths: Record<string, Record<string, any>> };
    const finalize = document.paths['/api/v1/invoices/{id}/finalize']!.post;
    expect(finalize.operationId).toBe('billing.invoices.finalize');
    expect(finalize.summary).toBe('Finalize a draft invoice');
    expect(finalize['x-kinship-permission']).toBe('billing:write');
    expect(finalize.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Invoice' });
    expect(Object.keys(finalize.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '422']);
    expect(finalize.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`)).toEqual(['path:id']);
    const create = document.paths['/api/v1/invoices']!.post;
    expect(create.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateInvoiceBody' });
    const list = document.paths['/api/v1/invoices']!.get;
    expect(list.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`).sort()).toEqual([
      'query:cursor',
      'query:customerId',
      'query:dealId',
      'query:limit',
      'query:status',
    ]);
  });
});
