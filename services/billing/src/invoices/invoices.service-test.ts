import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateInvoice, type CreateInvoiceBody } from '@kinship/contracts/billing';
import { CreateContact } from '@kinship/contracts/crm';
import { callOperation, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import { crmService } from '../../../crm/src/crm.service.js';
import { billingService } from '../billing.service.js';
import { billingCaller } from '../common/billing-caller.js';
import { InvoicesService } from './invoices.service.js';

function ownerContext(): RequestContext {
  return { workspaceId: randomUUID(), userId: randomUUID(), role: 'owner', scopes: [], requestId: randomUUID() };
}

describe('invoices (service tier): money', () => {
  let billing: ServiceTest;
  let invoices: InvoicesService;

  /** A contact of the context's workspace, created in crm (a peer answering billing's requests). */
  async function customer(context: RequestContext): Promise<string> {
    const contact = await callOperation(billing.get(ServiceClient), CreateContact, { firstName: 'Ada', email: `${randomUUID()}@example.com` }, context);
    return contact.id;
  }

  const create = (body: CreateInvoiceBody, context: RequestContext) => invoices.create(billingCaller(context, CreateInvoice), body);

  async function storedInvoices(workspaceId: string): Promise<number> {
    const [row] = (await billing.owner.query('SELECT count(*)::int AS count FROM billing.invoices WHERE workspace_id = $1', [workspaceId])) as Array<{
      count: number;
    }>;
    return row!.count;
  }

  beforeAll(async () => {
    billing = await startServiceTest(billingService, { peers: [crmService] });
    invoices = billing.get(InvoicesService);
  });

  afterAll(async () => {
    await billing?.close();
  });

  it('computes each line and the totals in integers, rounding halves away from zero per line', async () => {
    const context = ownerContext();
    const invoice = await create(
      {
        customer: { contactId: await customer(context) },
        currency: 'EUR',
        lines: [
          // 1.005 × 1000 is 1004.999… in floats, exactly 1005 here; tax 1005 × 19 % = 190.95 → 191.
          { description: 'Float trap', quantity: 1.005, unitPrice: 1000, taxRate: 1900 },
          // 0.5 × 3 = 1.5 → 2; tax 2 × 25 % = 0.5 → 1.
          { description: 'Half', quantity: 0.5, unitPrice: 3, taxRate: 2500 },
          // 1.5 × 333 = 499.5 → 500; tax 0.
          { description: 'Untaxed', quantity: 1.5, unitPrice: 333 },
        ],
      },
      context,
    );
    expect(invoice.lines.map(({ quantity, unitPrice, taxRate, amount, tax }) => ({ quantity, unitPrice, taxRate, amount, tax }))).toEqual([
      { quantity: 1.005, unitPrice: 1000, taxRate: 1900, amount: 1005, tax: 191 },
      { quantity: 0.5, unitPrice: 3, taxRate: 2500, amount: 2, tax: 1 },
      { quantity: 1.5, unitPrice: 333, taxRate: 0, amount: 500, tax: 0 },
    ]);
    expect({ subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total, amountDue: invoice.amountDue }).toEqual({
      subtotal: 1507,
      tax: 192,
      total: 1699,
      amountDue: 1699,
    });
    const [stored] = (await billing.owner.query('SELECT subtotal, tax, total FROM billing.invoices WHERE id = $1', [invoice.id])) as Array<
      Record<string, string>
    >;
    expect(stored).toEqual({ subtotal: '1507', tax: '192', total: '1699' });
    expect((await billing.events(context.workspaceId!)).map((event) => event.type)).toEqual(['invoice.created']);
  });

  it('refuses a line or a total beyond 2^53 − 1 with a 422 naming it, and stores and emits nothing', async () => {
    const context = ownerContext();
    const contactId = await customer(context);
    const line = { description: 'Huge', quantity: 2, unitPrice: 2 ** 52 };
    expect(await refusal(create({ customer: { contactId }, currency: 'EUR', lines: [line] }, context))).toMatchObject({
      status: 422,
      code: 'validation_failed',
      details: [{ field: 'lines.0' }],
    });
    // Each line fits; together they come to 2^53.
    const half = { description: 'Half of it', quantity: 1, unitPrice: 2 ** 52 };
    expect(await refusal(create({ customer: { contactId }, currency: 'EUR', lines: [half, half] }, context))).toMatchObject({
      status: 422,
      details: [{ field: 'lines' }],
    });
    expect(await storedInvoices(context.workspaceId!)).toBe(0);
    expect(await billing.events(context.workspaceId!)).toEqual([]);
  });
});
