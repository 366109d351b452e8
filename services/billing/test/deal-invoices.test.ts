import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateInvoice, FinalizeInvoice } from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import { DealsService } from '../../crm/src/deals/deals.service.js';
import { PipelinesService } from '../../crm/src/pipelines/pipelines.service.js';
import { InvoicesService } from '../src/invoices/invoices.service.js';
import { callerOf, createCompany, createContact, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

describe('invoices from crm deals (service level)', () => {
  let stack: BillingStack;
  let invoices: InvoicesService;
  let owner: RequestContext;

  beforeAll(async () => {
    stack = await startBillingStack('billing-deal-invoices');
    invoices = stack.billing.app.get(InvoicesService);
    owner = userContext('owner');
  });

  afterAll(async () => {
    await stack?.close();
  });

  const pipelines = new Map<string, string>();

  async function createDeal(
    context: RequestContext,
    input: { name: string; amount: number; currency: string; companyId?: string; contactIds?: string[] },
  ): Promise<string> {
    const crmCaller = { workspaceId: context.workspaceId!, userId: context.userId, role: 'owner' as const, scopes: [] };
    if (!pipelines.has(crmCaller.workspaceId)) {
      const stages = [
        { name: 'Open', probability: 50, kind: 'open' as const },
        { name: 'Won', probability: 100, kind: 'won' as const },
        { name: 'Lost', probability: 0, kind: 'lost' as const },
      ];
      pipelines.set(crmCaller.workspaceId, (await stack.crm.app.get(PipelinesService).create(crmCaller, { name: 'Sales', stages })).id);
    }
    const deal = await stack.crm.app.get(DealsService).create(crmCaller, { ...input, pipelineId: pipelines.get(crmCaller.workspaceId), ownerId: null });
    return deal.id;
  }

  const create = (body: Parameters<InvoicesService['create']>[1], context = owner) => invoices.create(callerOf(context, CreateInvoice), body);

  it('makes a draft with one line for the deal’s amount and currency, billed to its company', async () => {
    const companyId = await createCompany(stack, owner, 'Ōkami Trading KK');
    const contactId = await createContact(stack, owner, 'Hana');
    const dealId = await createDeal(owner, { name: 'Annual licence', amount: 1_250_000, currency: 'JPY', companyId, contactIds: [contactId] });
    const draft = await create({ dealId, fromDeal: true });
    expect(draft).toMatchObject({
      status: 'draft',
      dealId,
      currency: 'JPY',
      customer: { companyId, contactId: null, name: 'Ōkami Trading KK' },
      subtotal: 1_250_000,
      tax: 0,
      total: 1_250_000,
    });
    expect(draft.lines.map(({ description, quantity, unitPrice, taxRate }) => ({ description, quantity, unitPrice, taxRate }))).toEqual([
      { description: 'Annual licence', quantity: 1, unitPrice: 1_250_000, taxRate: 0 },
    ]);
    const [stored] = (await stack.owner.query('SELECT deal_id FROM billing.invoices WHERE id = $1', [draft.id])) as Array<{ deal_id: string }>;
    expect(stored!.deal_id).toBe(dealId);
  });

  it('bills the deal’s first contact when it has no company, with the contact’s email, and the finalized event names the deal', async () => {
    const first = await createContact(stack, owner, 'First', 'first@example.com');
    const second = await createContact(stack, owner, 'Second', 'second@example.com');
    const dealId = await createDeal(owner, { name: 'Workshop', amount: 90_000, currency: 'EUR', contactIds: [second, first] });
    const draft = await create({ dealId, fromDeal: true });
    expect(draft.customer).toEqual({ contactId: first, companyId: null, name: 'First Lovelace' });
    expect(draft.billingEmail).toBe('first@example.com');
    await invoices.finalize(callerOf(owner, FinalizeInvoice), draft.id);
    const [event] = (await stack.owner.query(`SELECT payload FROM billing.outbox WHERE type = 'invoice.finalized' AND payload->>'aggregateId' = $1`, [
      draft.id,
    ])) as Array<{ payload: { data: { dealId: string } } }>;
    expect(event!.payload.data.dealId).toBe(dealId);
  });

  it('lets the body name the customer, and links a deal to an invoice written by hand', async () => {
    const contactId = await createContact(stack, owner, 'Override');
    const companyId = await createCompany(stack, owner, 'Deal Co');
    const dealId = await createDeal(owner, { name: 'Support', amount: 5000, currency: 'EUR', companyId });
    expect((await create({ dealId, fromDeal: true, customer: { contactId } })).customer.contactId).toBe(contactId);
    const manual = await create({ dealId, customer: { contactId }, currency: 'USD', lines: [{ description: 'Other', quantity: 2, unitPrice: 100 }] });
    expect({ dealId: manual.dealId, currency: manual.currency, total: manual.total }).toEqual({ dealId, currency: 'USD', total: 200 });
  });

  it('refuses another workspace’s deal, a deal with no one to bill, and stores nothing (422 naming dealId)', async () => {
    const stranger = userContext('owner');
    const foreignDeal = await createDeal(stranger, { name: 'Theirs', amount: 100, currency: 'EUR' });
    const orphan = await createDeal(owner, { name: 'Nobody', amount: 100, currency: 'EUR' });
    const [before] = (await stack.owner.query('SELECT count(*)::int AS count FROM billing.invoices WHERE workspace_id = $1', [owner.workspaceId])) as Array<{
      count: number;
    }>;
    await expectRefused(create({ dealId: foreignDeal, fromDeal: true }), 422, 'dealId');
    await expectRefused(create({ dealId: orphan, fromDeal: true }), 422, 'dealId');
    const contactId = await createContact(stack, owner);
    await expectRefused(
      create({ dealId: foreignDeal, customer: { contactId }, currency: 'EUR', lines: [{ description: 'x', quantity: 1, unitPrice: 1 }] }),
      422,
      'dealId',
    );
    const [after] = (await stack.owner.query('SELECT count(*)::int AS count FROM billing.invoices WHERE workspace_id = $1', [owner.workspaceId])) as Array<{
      count: number;
    }>;
    expect(after!.count).toBe(before!.count);
  });
});
