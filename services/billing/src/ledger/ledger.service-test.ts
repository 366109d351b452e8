import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCreditNote,
  CreateInvoice,
  CreatePayment,
  CreditWallet,
  FinalizeInvoice,
  GetInvoice,
  GetWallet,
  type CreateCreditNoteBody,
  type CreatePaymentBody,
  type Invoice,
} from '@kinship/contracts/billing';
import { CreateContact } from '@kinship/contracts/crm';
import { callOperation, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import { crmService } from '../../../crm/src/crm.service.js';
import { billingService } from '../billing.service.js';
import { billingCaller } from '../common/billing-caller.js';
import { CreditNotesService } from '../credit-notes/credit-notes.service.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { PaymentsService } from '../payments/payments.service.js';
import { WalletsService } from './wallets.service.js';

const YEAR = new Date().toISOString().slice(0, 4);

function ownerContext(): RequestContext {
  return { workspaceId: randomUUID(), userId: randomUUID(), role: 'owner', scopes: [], requestId: randomUUID() };
}

/** The context of a request that carries an Idempotency-Key (a fresh one unless given). */
function keyed(context: RequestContext, key: string = randomUUID()): RequestContext {
  return { ...context, idempotencyKey: key };
}

describe('wallets and credit notes (service tier): balances never negative, credits never beyond the invoice', () => {
  let billing: ServiceTest;
  let invoices: InvoicesService;
  let wallets: WalletsService;

  /** A contact of the context's workspace, created in crm (a peer answering billing's requests). */
  async function customer(context: RequestContext): Promise<string> {
    const contact = await callOperation(billing.get(ServiceClient), CreateContact, { firstName: 'Ada', email: `${randomUUID()}@example.com` }, context);
    return contact.id;
  }

  /** An open invoice of `unitPrice` net + `taxRate` tax (basis points), in EUR. */
  async function openInvoice(context: RequestContext, contactId: string, unitPrice = 10_000, taxRate = 2000): Promise<Invoice> {
    const draft = await invoices.create(billingCaller(context, CreateInvoice), {
      customer: { contactId },
      currency: 'EUR',
      lines: [{ description: 'Consulting', quantity: 1, unitPrice, taxRate }],
    });
    return invoices.finalize(billingCaller(context, FinalizeInvoice), draft.id);
  }

  const pay = (body: CreatePaymentBody, context: RequestContext) => billing.get(PaymentsService).create(billingCaller(context, CreatePayment), body);
  const credit = (invoiceId: string, body: CreateCreditNoteBody, context: RequestContext) =>
    billing.get(CreditNotesService).create(billingCaller(context, CreateCreditNote), invoiceId, body);
  const read = (id: string, context: RequestContext) => invoices.get(billingCaller(context, GetInvoice), id);

  beforeAll(async () => {
    billing = await startServiceTest(billingService, { peers: [crmService] });
    invoices = billing.get(InvoicesService);
    wallets = billing.get(WalletsService);
  });

  afterAll(async () => {
    await billing?.close();
  });

  it('never goes negative: 50 concurrent wallet payments of 1 on a wallet of 20 → exactly 20 succeed', async () => {
    const context = ownerContext();
    const contactId = await customer(context);
    await wallets.credit(billingCaller(keyed(context), CreditWallet), contactId, { amount: 20, currency: 'EUR' });
    const open = await Promise.all(Array.from({ length: 50 }, () => openInvoice(context, contactId, 1, 0)));
    const outcomes = await Promise.allSettled(open.map((invoice) => pay({ invoiceId: invoice.id, amount: 1, method: 'wallet' }, keyed(context))));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(20);
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code: string }).code] : []));
    expect(refused).toEqual(Array.from({ length: 30 }, () => 'insufficient_wallet_balance'));
    expect((await wallets.get(billingCaller(context, GetWallet), contactId)).balances).toEqual([{ currency: 'EUR', amount: 0 }]);
  });

  it('reduces the amount due first, sends the rest to the wallet, numbers gaplessly and never exceeds the total', async () => {
    const context = ownerContext();
    const contactId = await customer(context);
    const invoice = await openInvoice(context, contactId);
    await pay({ invoiceId: invoice.id, amount: 9_000, method: 'manual' }, keyed(context));
    const first = await credit(invoice.id, { amount: 6_000, refund: 'wallet', reason: 'Damaged' }, context);
    expect(first).toMatchObject({ number: `CN-${YEAR}-000001`, amount: 6_000, subtotal: 5_000, tax: 1_000, appliedToDue: 3_000, toWallet: 3_000, refunded: 0 });
    expect(await read(invoice.id, context)).toMatchObject({ status: 'paid', amountPaid: 6_000, amountCredited: 6_000, amountDue: 0 });
    expect((await wallets.get(billingCaller(context, GetWallet), contactId)).balances).toEqual([{ currency: 'EUR', amount: 3_000 }]);
    const second = await credit(
      invoice.id,
      { lines: [{ description: 'Goodwill', quantity: 2, unitPrice: 1_000, taxRate: 2000 }], refund: 'original' },
      context,
    );
    expect(second).toMatchObject({ number: `CN-${YEAR}-000002`, amount: 2_400, appliedToDue: 0, refunded: 2_400 });
    expect(await refusal(credit(invoice.id, { amount: 3_601, refund: 'wallet' }, context))).toMatchObject({
      status: 409,
      code: 'credit_exceeds_invoice',
      details: expect.arrayContaining([expect.objectContaining({ field: 'amount' })]),
    });
    expect(await refusal(credit(invoice.id, { amount: 100 }, context))).toMatchObject({
      status: 409,
      details: expect.arrayContaining([expect.objectContaining({ field: 'refund' })]),
    });
    expect(await read(invoice.id, context)).toMatchObject({ amountPaid: 3_600, amountCredited: 8_400, amountDue: 0 });
    const types = (await billing.events(context.workspaceId!)).filter((event) => event.aggregateId === invoice.id).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['credit_note.created', 'payment.refunded']));
    const draft = await invoices.create(billingCaller(context, CreateInvoice), {
      customer: { contactId },
      currency: 'EUR',
      lines: [{ description: 'x', quantity: 1, unitPrice: 100 }],
    });
    expect(await refusal(credit(draft.id, { amount: 1 }, context))).toMatchObject({
      status: 409,
      details: expect.arrayContaining([expect.objectContaining({ field: 'status' })]),
    });
  });
});
