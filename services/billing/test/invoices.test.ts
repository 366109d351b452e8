import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateInvoice,
  CreateProduct,
  DeleteInvoice,
  FinalizeInvoice,
  GetInvoice,
  ListInvoices,
  MarkInvoiceUncollectible,
  UpdateBillingSettings,
  UpdateInvoice,
  UpdateProduct,
  VoidInvoice,
  type CreateInvoiceBody,
  type Invoice,
} from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import { getQueueToken } from '@nestjs/bull';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { ContactsService } from '../../crm/src/contacts/contacts.service.js';
import { InvoicesService } from '../src/invoices/invoices.service.js';
import { OVERDUE_QUEUE, OVERDUE_SCHEDULE, OverdueInvoices } from '../src/invoices/overdue-invoices.js';
import { ProductsService } from '../src/products/products.service.js';
import { BillingSettingsService } from '../src/settings/billing-settings.service.js';
import { callerOf, createCompany, createContact, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

const TODAY = new Date().toISOString().slice(0, 10);
const YEAR = TODAY.slice(0, 4);

describe('invoices (service level)', () => {
  let stack: BillingStack;
  let invoices: InvoicesService;
  let owner: RequestContext;
  let contactId: string;

  beforeAll(async () => {
    stack = await startBillingStack('billing-invoices');
    invoices = stack.billing.app.get(InvoicesService);
    owner = userContext('owner');
    contactId = await createContact(stack, owner, 'Ada', 'ada@example.com');
  });

  afterAll(async () => {
    await stack?.close();
  });

  function draftOf(overrides: Partial<CreateInvoiceBody> = {}): CreateInvoiceBody {
    return { customer: { contactId }, currency: 'EUR', lines: [{ description: 'Consulting', quantity: 1, unitPrice: 10_000, taxRate: 2000 }], ...overrides };
  }

  const create = (body: CreateInvoiceBody, context = owner) => invoices.create(callerOf(context, CreateInvoice), body);
  const finalize = (id: string, context = owner) => invoices.finalize(callerOf(context, FinalizeInvoice), id);

  async function storedInvoices(workspaceId: string): Promise<number> {
    const [row] = (await stack.owner.query('SELECT count(*)::int AS count FROM billing.invoices WHERE workspace_id = $1', [workspaceId])) as Array<{
      count: number;
    }>;
    return row!.count;
  }

  async function outboxTypes(invoiceId: string): Promise<string[]> {
    const rows = (await stack.owner.query(`SELECT type FROM billing.outbox WHERE payload->>'aggregateId' = $1 ORDER BY position`, [invoiceId])) as Array<{
      type: string;
    }>;
    return rows.map((row) => row.type);
  }

  describe('customer', () => {
    it('takes a contact of the workspace with its name, and its email as the billing email', async () => {
      const invoice = await create(draftOf());
      expect(invoice.customer).toEqual({ contactId, companyId: null, name: 'Ada Lovelace' });
      expect(invoice.billingEmail).toBe('ada@example.com');
    });

    it('takes a company of the workspace', async () => {
      const companyId = await createCompany(stack, owner, 'Difference Engines');
      const invoice = await create(draftOf({ customer: { companyId }, billingEmail: 'ap@engines.example' }));
      expect(invoice.customer).toEqual({ contactId: null, companyId, name: 'Difference Engines' });
      expect(invoice.billingEmail).toBe('ap@engines.example');
    });

    it('refuses another workspace’s contact, and an id crm does not know, with a 422 naming the field, storing nothing', async () => {
      const stranger = userContext('owner');
      const strangersContact = await createContact(stack, stranger);
      const context = userContext('owner');
      await expectRefused(create(draftOf({ customer: { contactId: strangersContact } }), context), 422, 'customer.contactId');
      await expectRefused(create(draftOf({ customer: { companyId: strangersContact } }), context), 422, 'customer.companyId');
      expect(await storedInvoices(context.workspaceId!)).toBe(0);
      expect(await storedInvoices(stranger.workspaceId!)).toBe(0);
    });

    it('refuses a contact deleted in crm, on a new invoice and on a draft that names it', async () => {
      const context = userContext('owner');
      const customer = await createContact(stack, context);
      const invoice = await create(draftOf({ customer: { contactId: customer } }), context);
      await stack.crm.app.get(ContactsService).delete({ workspaceId: context.workspaceId!, userId: context.userId, role: 'owner', scopes: [] }, customer);
      await expectRefused(create(draftOf({ customer: { contactId: customer } }), context), 422, 'customer.contactId');
      await expectRefused(invoices.update(callerOf(context, UpdateInvoice), invoice.id, { notes: 'still there?' }), 422, 'customer.contactId');
      expect((await invoices.get(callerOf(context, GetInvoice), invoice.id)).notes).toBeNull();
    });
  });

  describe('products on lines', () => {
    it('fills what a line omits from its product, and refuses a product in another currency or of another workspace', async () => {
      const products = stack.billing.app.get(ProductsService);
      const hour = await products.create(callerOf(owner, CreateProduct), {
        name: 'Consulting hour',
        sku: `H-${Date.now()}`,
        unitPrice: 12_000,
        currency: 'EUR',
        taxRate: 2000,
      });
      const invoice = await create(draftOf({ lines: [{ productId: hour.id, quantity: 2.5 }] }));
      expect(invoice.lines[0]).toMatchObject({
        productId: hour.id,
        description: 'Consulting hour',
        unitPrice: 12_000,
        taxRate: 2000,
        amount: 30_000,
        tax: 6000,
      });
      await expectRefused(create(draftOf({ currency: 'USD', lines: [{ productId: hour.id, quantity: 1 }] })), 422, 'lines.0.productId');

      // A draft keeps its lines when other fields change, even once their product is inactive; a new currency needs new lines.
      await products.update(callerOf(owner, UpdateProduct), hour.id, { active: false });
      const edited = await invoices.update(callerOf(owner, UpdateInvoice), invoice.id, { notes: 'Kept' });
      expect({ notes: edited.notes, lines: edited.lines, total: edited.total }).toEqual({ notes: 'Kept', lines: invoice.lines, total: invoice.total });
      await expectRefused(invoices.update(callerOf(owner, UpdateInvoice), invoice.id, { currency: 'USD' }), 422, 'lines');
      await expectRefused(
        invoices.update(callerOf(owner, UpdateInvoice), invoice.id, { lines: [{ productId: hour.id, quantity: 1 }] }),
        422,
        'lines.0.productId',
      );
      expect(await invoices.get(callerOf(owner, GetInvoice), invoice.id)).toEqual(edited);
      const stranger = userContext('owner');
      await expectRefused(
        create({ customer: { contactId: await createContact(stack, stranger) }, currency: 'EUR', lines: [{ productId: hour.id, quantity: 1 }] }, stranger),
        422,
        'lines.0.productId',
      );
    });
  });

  describe('lifecycle', () => {
    it('edits a draft, finalizes it with dates and a number, then refuses edits and deletion with 409', async () => {
      const draft = await create(draftOf({ paymentTerms: 'net_15' }));
      expect({ status: draft.status, number: draft.number, issueDate: draft.issueDate, dueDate: draft.dueDate }).toEqual({
        status: 'draft',
        number: null,
        issueDate: null,
        dueDate: null,
      });
      const edited = await invoices.update(callerOf(owner, UpdateInvoice), draft.id, {
        lines: [{ description: 'Two hours', quantity: 2, unitPrice: 10_000 }],
        notes: 'Thanks',
      });
      expect({ total: edited.total, notes: edited.notes, lines: edited.lines.length }).toEqual({ total: 20_000, notes: 'Thanks', lines: 1 });

      const open = await finalize(draft.id);
      const dueDate = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 15 * 86_400_000).toISOString().slice(0, 10);
      expect({ status: open.status, issueDate: open.issueDate, dueDate: open.dueDate, overdue: open.overdue }).toEqual({
        status: 'open',
        issueDate: TODAY,
        dueDate,
        overdue: false,
      });
      expect(open.number).toMatch(new RegExp(`^INV-${YEAR}-\\d{6}$`));

      const notDraft = await expectRefused(invoices.update(callerOf(owner, UpdateInvoice), draft.id, { notes: 'Changed' }), 409);
      expect(notDraft.code).toBe('invoice_not_draft');
      await expectRefused(invoices.delete(callerOf(owner, DeleteInvoice), draft.id), 409);
      await expectRefused(finalize(draft.id), 409, 'status');
      expect(await invoices.get(callerOf(owner, GetInvoice), draft.id)).toEqual(open);
      // The draft edit emitted invoice.updated; the refused edits after finalizing emitted nothing.
      expect(await outboxTypes(draft.id)).toEqual(['invoice.created', 'invoice.updated', 'invoice.finalized']);
      const [updated] = (await stack.owner.query(
        `SELECT payload->'data' AS data FROM billing.outbox WHERE type = 'invoice.updated' AND payload->>'aggregateId' = $1`,
        [draft.id],
      )) as Array<{ data: unknown }>;
      expect(updated!.data).toEqual({
        invoiceId: draft.id,
        customer: { contactId },
        currency: 'EUR',
        subtotal: 20_000,
        tax: 0,
        total: 20_000,
        changedFields: ['lines', 'notes'],
      });
    });

    it('moves open → uncollectible → void, and refuses every other move with 409 naming the status', async () => {
      const draft = await create(draftOf());
      await expectRefused(invoices.void(callerOf(owner, VoidInvoice), draft.id), 409, 'status');
      await expectRefused(invoices.markUncollectible(callerOf(owner, MarkInvoiceUncollectible), draft.id), 409, 'status');
      const open = await finalize(draft.id);
      const uncollectible = await invoices.markUncollectible(callerOf(owner, MarkInvoiceUncollectible), draft.id);
      expect({ status: uncollectible.status, amountDue: uncollectible.amountDue }).toEqual({ status: 'uncollectible', amountDue: open.total });
      await expectRefused(invoices.markUncollectible(callerOf(owner, MarkInvoiceUncollectible), draft.id), 409);
      const voided = await invoices.void(callerOf(owner, VoidInvoice), draft.id);
      expect({ status: voided.status, number: voided.number, amountDue: voided.amountDue }).toEqual({ status: 'void', number: open.number, amountDue: 0 });
      await expectRefused(invoices.void(callerOf(owner, VoidInvoice), draft.id), 409);
      expect(await outboxTypes(draft.id)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.marked_uncollectible', 'invoice.voided']);
    });

    it('deletes a draft with its lines', async () => {
      const draft = await create(draftOf());
      await invoices.delete(callerOf(owner, DeleteInvoice), draft.id);
      await expectRefused(invoices.get(callerOf(owner, GetInvoice), draft.id), 404);
      const lines = (await stack.owner.query('SELECT count(*)::int AS count FROM billing.invoice_lines WHERE invoice_id = $1', [draft.id])) as Array<{
        count: number;
      }>;
      expect(lines[0]!.count).toBe(0);
      expect(await outboxTypes(draft.id)).toEqual(['invoice.created', 'invoice.deleted']);
    });

    it('keeps a given due date, and refuses one before the issue date', async () => {
      const draft = await create(draftOf({ issueDate: '2026-03-01', paymentTerms: 'net_7' }));
      expect(draft.dueDate).toBe(null);
      const open = await finalize(draft.id);
      expect({ issueDate: open.issueDate, dueDate: open.dueDate, number: open.number?.slice(0, 8) }).toEqual({
        issueDate: '2026-03-01',
        dueDate: '2026-03-08',
        number: 'INV-2026',
      });
      await expectRefused(create(draftOf({ issueDate: '2026-03-01', dueDate: '2026-02-28' })), 422, 'dueDate');
    });

    it('marks an open invoice past its due date overdue on reads', async () => {
      const open = await finalize((await create(draftOf({ issueDate: '2020-01-01', dueDate: '2020-01-31' }))).id);
      expect(open.overdue).toBe(true);
    });
  });

  describe('workspaces', () => {
    it('answers 404 for another workspace’s invoice, whatever the operation, and changes nothing', async () => {
      const invoice = await create(draftOf());
      const stranger = userContext('owner');
      await expectRefused(invoices.get(callerOf(stranger, GetInvoice), invoice.id), 404);
      await expectRefused(invoices.update(callerOf(stranger, UpdateInvoice), invoice.id, { notes: 'mine now' }), 404);
      await expectRefused(finalize(invoice.id, stranger), 404);
      await expectRefused(invoices.delete(callerOf(stranger, DeleteInvoice), invoice.id), 404);
      expect(await invoices.get(callerOf(owner, GetInvoice), invoice.id)).toEqual(invoice);
      expect((await invoices.list(callerOf(stranger, ListInvoices), {})).data).toEqual([]);
    });

    it('confines the service’s own database role to the workspace of the transaction (row-level security)', async () => {
      await create(draftOf());
      const service = stack.billing.app.get<DataSource>(getDataSourceToken());
      for (const table of ['invoices', 'invoice_lines', 'products', 'settings', 'invoice_number_sequences']) {
        const [row] = (await service.query(`SELECT count(*)::int AS count FROM billing.${table}`)) as Array<{ count: number }>;
        expect({ table, visible: row!.count }).toEqual({ table, visible: 0 });
      }
    });

    it('refuses a caller without billing:write (a viewer) with 403', async () => {
      const viewer = userContext('viewer', owner.workspaceId!);
      expect(() => callerOf(viewer, CreateInvoice)).toThrow('billing:write');
      expect(callerOf(viewer, GetInvoice).workspaceId).toBe(owner.workspaceId);
    });
  });

  describe('overdue check', () => {
    it('marks each open invoice past its due date once, in every workspace, however often it runs', async () => {
      const other = userContext('owner');
      const othersCustomer = await createContact(stack, other);
      const pastDue = { issueDate: '2020-01-01', dueDate: '2020-01-31' };
      const open = await finalize((await create(draftOf(pastDue))).id);
      const othersOpen = await finalize((await create({ ...draftOf(pastDue), customer: { contactId: othersCustomer } }, other)).id, other);
      const notDue = await finalize((await create(draftOf({ paymentTerms: 'net_30' }))).id);
      const voided = await invoices.void(callerOf(owner, VoidInvoice), (await finalize((await create(draftOf(pastDue))).id)).id);
      const draft = await create(draftOf(pastDue));

      const overdue = stack.billing.app.get(OverdueInvoices);
      await Promise.all([overdue.mark(), overdue.mark(), overdue.mark()]);
      expect(await overdue.mark()).toBe(0);
      const events = (await stack.owner.query(
        `SELECT payload->>'aggregateId' AS id, payload->'data' AS data FROM billing.outbox WHERE type = 'invoice.overdue'`,
      )) as Array<{ id: string; data: Record<string, unknown> }>;
      const marked = (id: string) => events.filter((event) => event.id === id);
      expect(marked(open.id).map((event) => event.data)).toEqual([
        { invoiceId: open.id, number: open.number, customer: { contactId }, currency: 'EUR', amountDue: open.amountDue, dueDate: '2020-01-31' },
      ]);
      expect(marked(othersOpen.id)).toHaveLength(1);
      expect([notDue, voided, draft].flatMap((invoice) => marked(invoice.id))).toEqual([]);
    });

    it('is scheduled as one daily repeatable job in Redis', async () => {
      const queue = stack.billing.app.get<Queue>(getQueueToken(OVERDUE_QUEUE));
      expect((await queue.getRepeatableJobs()).map((job) => ({ cron: job.cron, tz: job.tz }))).toEqual([{ cron: OVERDUE_SCHEDULE, tz: 'UTC' }]);
    });
  });

  describe('numbering', () => {
    it('gives 200 concurrent finalizations in one workspace 200 distinct consecutive numbers, with the workspace’s prefix', async () => {
      const context = userContext('owner');
      const customer = await createContact(stack, context);
      await stack.billing.app.get(BillingSettingsService).replace(callerOf(context, UpdateBillingSettings), { invoicePrefix: 'ACME' });
      const drafts: Invoice[] = [];
      for (let index = 0; index < 200; index += 1) {
        drafts.push(
          await create(
            {
              customer: { contactId: customer },
              currency: 'EUR',
              issueDate: '2026-06-01',
              lines: [{ description: `Line ${index}`, quantity: 1, unitPrice: 100 }],
            },
            context,
          ),
        );
      }
      const finalized = await Promise.all(drafts.map((draft) => finalize(draft.id, context)));
      const numbers = finalized.map((invoice) => invoice.number!).sort();
      expect(numbers).toEqual(Array.from({ length: 200 }, (_unused, index) => `ACME-2026-${String(index + 1).padStart(6, '0')}`));

      // Another workspace counts on its own, and so does another year.
      const other = userContext('owner');
      const otherCustomer = await createContact(stack, other);
      const finalizeOne = async (issueDate: string) =>
        (
          await finalize(
            (
              await create(
                { customer: { contactId: otherCustomer }, currency: 'EUR', issueDate, lines: [{ description: 'One', quantity: 1, unitPrice: 1 }] },
                other,
              )
            ).id,
            other,
          )
        ).number;
      expect([await finalizeOne('2026-06-01'), await finalizeOne('2027-01-04'), await finalizeOne('2026-12-31')]).toEqual([
        'INV-2026-000001',
        'INV-2027-000001',
        'INV-2026-000002',
      ]);
    });
  });
});
