import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateInvoice,
  CreatePayment,
  CreatePaymentIntent,
  CreditWallet,
  FinalizeInvoice,
  GetInvoice,
  GetWallet,
  ListLedgerEntries,
  RefundPayment,
  VoidInvoice,
  type CreatePaymentBody,
  type Invoice,
} from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import { ServiceMetrics } from '@kinship/observability';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InvoicesService } from '../src/invoices/invoices.service.js';
import { LedgerReconciliation } from '../src/ledger/reconciliation.js';
import { WalletsService } from '../src/ledger/wallets.service.js';
import { PaymentsService } from '../src/payments/payments.service.js';
import { StripePaymentsService } from '../src/stripe/stripe-payments.service.js';
import { callerOf, createContact, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

describe('ledger, payments and wallets (service level)', () => {
  let stack: BillingStack;
  let invoices: InvoicesService;
  let payments: PaymentsService;
  let wallets: WalletsService;
  let owner: RequestContext;
  let contactId: string;

  beforeAll(async () => {
    stack = await startBillingStack('billing-ledger');
    invoices = stack.billing.app.get(InvoicesService);
    payments = stack.billing.app.get(PaymentsService);
    wallets = stack.billing.app.get(WalletsService);
    owner = userContext('owner');
    contactId = await createContact(stack, owner);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const keyed = (context: RequestContext = owner, key: string = randomUUID()): RequestContext => ({ ...context, idempotencyKey: key });

  /** An open invoice of 10,000 net + 20 % tax = 12,000 EUR (or as given). */
  async function openInvoice(context = owner, customer = contactId, unitPrice = 10_000, taxRate = 2000): Promise<Invoice> {
    const draft = await invoices.create(callerOf(context, CreateInvoice), {
      customer: { contactId: customer },
      currency: 'EUR',
      lines: [{ description: 'Consulting', quantity: 1, unitPrice, taxRate }],
    });
    return invoices.finalize(callerOf(context, FinalizeInvoice), draft.id);
  }

  const pay = (body: CreatePaymentBody, context = keyed()) => payments.create(callerOf(context, CreatePayment), body);
  const read = (id: string, context = owner) => invoices.get(callerOf(context, GetInvoice), id);

  async function entriesOf(invoiceId: string, context = owner): Promise<Array<{ account: string; amount: number }>> {
    const rows = (await stack.owner.query(
      `SELECT e.account, e.amount::float8 AS amount FROM billing.ledger_entries e JOIN billing.ledger_transactions t ON t.id = e.transaction_id
       WHERE t.workspace_id = $1 AND t.invoice_id = $2 ORDER BY e.id`,
      [context.workspaceId, invoiceId],
    )) as Array<{ account: string; amount: number }>;
    return rows;
  }

  async function outboxTypes(aggregateId: string): Promise<string[]> {
    const rows = (await stack.owner.query(`SELECT type FROM billing.outbox WHERE payload->>'aggregateId' = $1 ORDER BY position`, [aggregateId])) as Array<{
      type: string;
    }>;
    return rows.map((row) => row.type);
  }

  describe('payments', () => {
    it('books finalization, partial payments that add up, and an overpayment whose excess goes to the wallet', async () => {
      const invoice = await openInvoice();
      expect(await entriesOf(invoice.id)).toEqual([
        { account: `receivable:${contactId}`, amount: 12_000 },
        { account: 'revenue', amount: -10_000 },
        { account: 'tax_payable', amount: -2_000 },
      ]);
      const first = await pay({ invoiceId: invoice.id, amount: 5_000, method: 'bank_transfer', reference: 'SEPA 1' });
      expect(first).toMatchObject({
        amount: 5_000,
        applied: 5_000,
        toWallet: 0,
        currency: 'EUR',
        method: 'bank_transfer',
        reference: 'SEPA 1',
        customerId: contactId,
      });
      expect(await read(invoice.id)).toMatchObject({ status: 'open', amountPaid: 5_000, amountDue: 7_000 });
      const second = await pay({ invoiceId: invoice.id, amount: 8_000, method: 'manual' });
      expect(second).toMatchObject({ applied: 7_000, toWallet: 1_000 });
      expect(await read(invoice.id)).toMatchObject({ status: 'paid', amountPaid: 12_000, amountDue: 0 });
      expect((await entriesOf(invoice.id)).slice(-3)).toEqual([
        { account: 'cash', amount: 8_000 },
        { account: `receivable:${contactId}`, amount: -7_000 },
        { account: `wallet:${contactId}`, amount: -1_000 },
      ]);
      const wallet = await wallets.get(callerOf(owner, GetWallet), contactId);
      expect(wallet.balances).toEqual([{ currency: 'EUR', amount: 1_000 }]);
      expect(wallet.movements[0]).toMatchObject({ kind: 'payment', currency: 'EUR', amount: 1_000 });
      expect(await outboxTypes(invoice.id)).toEqual(['invoice.created', 'invoice.finalized', 'payment.received', 'payment.received', 'invoice.paid']);
      expect(await outboxTypes(contactId)).toContain('wallet.credited');
    });

    it('refuses a payment on a draft, a void or a paid invoice, or in another currency, and moves nothing', async () => {
      const draft = await invoices.create(callerOf(owner, CreateInvoice), {
        customer: { contactId },
        currency: 'EUR',
        lines: [{ description: 'x', quantity: 1, unitPrice: 100 }],
      });
      const refusedDraft = await expectRefused(pay({ invoiceId: draft.id, amount: 100, method: 'manual' }), 409, 'invoiceId');
      expect(refusedDraft.code).toBe('invalid_status');
      const voided = await invoices.void(callerOf(owner, VoidInvoice), (await openInvoice()).id);
      await expectRefused(pay({ invoiceId: voided.id, amount: 100, method: 'manual' }), 409, 'invoiceId');
      const open = await openInvoice();
      await expectRefused(pay({ invoiceId: open.id, amount: 100, method: 'manual', currency: 'USD' }), 422, 'currency');
      await expectRefused(pay({ invoiceId: randomUUID(), amount: 100, method: 'manual' }), 404);
      expect(await read(open.id)).toMatchObject({ amountPaid: 0, amountDue: 12_000 });
      const [row] = (await stack.owner.query('SELECT count(*)::int AS count FROM billing.payments WHERE invoice_id = ANY($1)', [
        [draft.id, voided.id, open.id],
      ])) as Array<{ count: number }>;
      expect(row!.count).toBe(0);
    });

    it('requires an Idempotency-Key, and the same key never pays twice', async () => {
      const invoice = await openInvoice();
      const missing = await expectRefused(pay({ invoiceId: invoice.id, amount: 1_000, method: 'manual' }, owner), 400, 'Idempotency-Key');
      expect(missing.code).toBe('idempotency_key_required');
      const context = keyed();
      const body: CreatePaymentBody = { invoiceId: invoice.id, amount: 1_000, method: 'manual' };
      const [a, b, c] = await Promise.all([pay(body, context), pay(body, context), pay(body, context)]);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(await read(invoice.id)).toMatchObject({ amountPaid: 1_000 });
      await expectRefused(pay({ ...body, amount: 2_000 }, context), 409, 'Idempotency-Key');
      expect(await read(invoice.id)).toMatchObject({ amountPaid: 1_000 });
    });

    it('refunds part of a payment, reopening a paid invoice, and never more than the payment settled', async () => {
      const invoice = await openInvoice();
      const payment = await pay({ invoiceId: invoice.id, amount: 12_000, method: 'bank_transfer' });
      expect((await read(invoice.id)).status).toBe('paid');
      const refund = await payments.refund(callerOf(keyed(), RefundPayment), payment.id, 2_000);
      expect(refund).toMatchObject({ paymentId: payment.id, invoiceId: invoice.id, amount: 2_000, currency: 'EUR', destination: 'original' });
      expect(await read(invoice.id)).toMatchObject({ status: 'open', amountPaid: 10_000, amountDue: 2_000 });
      expect((await entriesOf(invoice.id)).slice(-2)).toEqual([
        { account: `receivable:${contactId}`, amount: 2_000 },
        { account: 'bank', amount: -2_000 },
      ]);
      const tooMuch = await expectRefused(payments.refund(callerOf(keyed(), RefundPayment), payment.id, 10_001), 409, 'amount');
      expect(tooMuch.code).toBe('refund_exceeds_payment');
      await expectRefused(payments.refund(callerOf(owner, RefundPayment), payment.id, 1), 400, 'Idempotency-Key');
      expect(await read(invoice.id)).toMatchObject({ amountPaid: 10_000 });
      expect(await outboxTypes(invoice.id)).toContain('payment.refunded');
    });
  });

  describe('without Stripe keys', () => {
    it('answers card payments with 409 payments_not_configured, and the rest of billing works', async () => {
      const stripe = stack.billing.app.get(StripePaymentsService);
      const invoice = await openInvoice();
      const refused = await expectRefused(stripe.createPaymentIntent(callerOf(owner, CreatePaymentIntent), invoice.id), 409);
      expect(refused.code).toBe('payments_not_configured');
      expect((await expectRefused(stripe.receive({ payload: '{}', signature: 't=1,v1=00' }), 409)).code).toBe('payments_not_configured');
      expect((await pay({ invoiceId: invoice.id, amount: 12_000, method: 'manual' })).applied).toBe(12_000);
    });
  });

  describe('wallets', () => {
    it('credits a wallet once per key and refuses a customer crm does not know', async () => {
      const context = userContext('owner');
      const customer = await createContact(stack, context);
      const creditContext = keyed(context);
      const body = { amount: 500, currency: 'USD', reason: 'Prepayment' };
      await wallets.credit(callerOf(creditContext, CreditWallet), customer, body);
      const again = await wallets.credit(callerOf(creditContext, CreditWallet), customer, body);
      expect(again.balances).toEqual([{ currency: 'USD', amount: 500 }]);
      await expectRefused(wallets.credit(callerOf(keyed(context), CreditWallet), randomUUID(), body), 422, 'customerId');
      await expectRefused(wallets.credit(callerOf(keyed(userContext('owner')), CreditWallet), customer, body), 422, 'customerId');
      await expectRefused(wallets.credit(callerOf(context, CreditWallet), customer, body), 400, 'Idempotency-Key');
    });
  });

  describe('the ledger', () => {
    it('lists entries by account and transaction, signed debit positive, only the workspace’s', async () => {
      const context = userContext('owner');
      const customer = await createContact(stack, context);
      const invoice = await openInvoice(context, customer);
      const page = await wallets.entries(callerOf(context, ListLedgerEntries), { account: `receivable:${customer}` });
      expect(page.data.map((entry) => entry.amount)).toEqual([12_000]);
      const transaction = await wallets.entries(callerOf(context, ListLedgerEntries), { transactionId: page.data[0]!.transactionId });
      expect(transaction.data.map((entry) => [entry.account, entry.amount])).toEqual([
        [`receivable:${customer}`, 12_000],
        ['revenue', -10_000],
        ['tax_payable', -2_000],
      ]);
      expect((await wallets.entries(callerOf(owner, ListLedgerEntries), { transactionId: page.data[0]!.transactionId })).data).toEqual([]);
      expect(invoice.number).not.toBeNull();
    });

    it('keeps entries immutable and balanced: the service role cannot change them, a trigger refuses even the owner', async () => {
      const service = stack.billing.app.get<DataSource>(getDataSourceToken());
      const [entry] = (await stack.owner.query('SELECT id, workspace_id FROM billing.ledger_entries LIMIT 1')) as Array<{ id: string; workspace_id: string }>;
      const asService = (sql: string) =>
        service.transaction(async (manager) => {
          await manager.query(`SELECT set_config('app.workspace_id', $1, true)`, [entry!.workspace_id]);
          return manager.query(sql, [entry!.id]);
        });
      await expect(asService('UPDATE billing.ledger_entries SET amount = amount + 1 WHERE id = $1')).rejects.toThrow(/permission denied/);
      await expect(asService('DELETE FROM billing.ledger_entries WHERE id = $1')).rejects.toThrow(/permission denied/);
      await expect(stack.owner.query('UPDATE billing.ledger_entries SET amount = amount + 1 WHERE id = $1', [entry!.id])).rejects.toThrow(/immutable/);
      await expect(stack.owner.query('DELETE FROM billing.ledger_entries WHERE id = $1', [entry!.id])).rejects.toThrow(/immutable/);
      const transactionId = randomUUID();
      await expect(
        stack.owner.transaction(async (manager) => {
          await manager.query(`INSERT INTO billing.ledger_transactions (id, workspace_id, kind) VALUES ($1, $2, 'wallet_credit')`, [
            transactionId,
            entry!.workspace_id,
          ]);
          await manager.query(
            `INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount) VALUES ($1, $3, $2, 'cash', 'EUR', 5), ($4, $3, $2, 'revenue', 'EUR', -4)`,
            [randomUUID(), transactionId, entry!.workspace_id, randomUUID()],
          );
        }),
      ).rejects.toThrow(/does not balance/);
    });

    it('checks a posting’s balance from its own entries, not by reading the rest of the workspace’s ledger', async () => {
      const service = stack.billing.app.get<DataSource>(getDataSourceToken());
      const workspaceId = randomUUID();
      // Statistics taken before the workspace's ledger grew, as between two autovacuum runs.
      await stack.owner.query(`ALTER TABLE billing.ledger_entries SET (autovacuum_enabled = false)`);
      await stack.owner.query(
        `WITH posted AS (
           INSERT INTO billing.ledger_transactions (id, workspace_id, kind) SELECT gen_random_uuid(), $1, 'wallet_credit' FROM generate_series(1, 1000) RETURNING id
         )
         INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount)
         SELECT gen_random_uuid(), $1, posted.id, entry.account, 'EUR', entry.amount FROM posted, (VALUES ('cash', 7), ('revenue', -7)) AS entry(account, amount)`,
        [workspaceId],
      );
      try {
        const transactionId = randomUUID();
        const read = await service.transaction(async (manager) => {
          // Rows and index entries of the ledger read so far, by sequential, bitmap and index scans alike. PostgreSQL's "xact" counters
          // also hold what this connection's earlier transactions read until they are flushed (at most once a second): the posting's reads are the difference.
          const readSoFar = async () => {
            const [rows] = (await manager.query(
              `SELECT sum(pg_stat_get_xact_tuples_fetched(oid) + pg_stat_get_xact_tuples_returned(oid)) AS read FROM pg_class
               WHERE oid = 'billing.ledger_entries'::regclass OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'billing.ledger_entries'::regclass)`,
            )) as Array<{ read: string }>;
            return Number(rows!.read);
          };
          const before = await readSoFar();
          await manager.query(`SELECT set_config('app.workspace_id', $1, true)`, [workspaceId]);
          await manager.query(`INSERT INTO billing.ledger_transactions (id, workspace_id, kind) VALUES ($1, $2, 'wallet_credit')`, [
            transactionId,
            workspaceId,
          ]);
          await manager.query(
            `INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount) VALUES ($1, $3, $2, 'cash', 'EUR', 5), ($4, $3, $2, 'revenue', 'EUR', -5)`,
            [randomUUID(), transactionId, workspaceId, randomUUID()],
          );
          return (await readSoFar()) - before;
        });
        // The check reads the posting's entries through the transaction index (a few rows); it read all 2,000 of the workspace's before.
        expect(read).toBeLessThan(50);
        expect((await wallets.entries(callerOf(userContext('owner', workspaceId), ListLedgerEntries), { transactionId })).data).toHaveLength(2);
      } finally {
        await stack.owner.query(`ALTER TABLE billing.ledger_entries RESET (autovacuum_enabled)`);
      }
    });

    it('reconciles: clean books have no findings; a row corrupted as superuser is reported and counted in kinship_ledger_imbalances', async () => {
      const reconciliation = stack.billing.app.get(LedgerReconciliation);
      const metrics = stack.billing.app.get(ServiceMetrics);
      const clean = await reconciliation.run();
      expect(clean.imbalances).toBe(0);
      expect(clean.entries).toBeGreaterThan(0);
      expect(await metrics.scrape()).toMatch(/^kinship_ledger_imbalances\{[^}]*\} 0$/m);

      const context = userContext('owner');
      const customer = await createContact(stack, context);
      const invoice = await openInvoice(context, customer);
      await pay({ invoiceId: invoice.id, amount: 13_000, method: 'manual' }, keyed(context));
      const [cash] = (await stack.owner.query(
        `SELECT e.id, e.transaction_id FROM billing.ledger_entries e JOIN billing.ledger_transactions t ON t.id = e.transaction_id WHERE t.invoice_id = $1 AND e.account = 'cash'`,
        [invoice.id],
      )) as Array<{ id: string; transaction_id: string }>;
      // A superuser can switch triggers off for its session: what the check is there to catch.
      await stack.owner.transaction(async (manager) => {
        await manager.query(`SET LOCAL session_replication_role = replica`);
        await manager.query(`UPDATE billing.ledger_entries SET amount = amount + 1 WHERE id = $1`, [cash!.id]);
      });
      await stack.owner.query(`UPDATE billing.wallet_balances SET balance = balance + 5 WHERE workspace_id = $1`, [context.workspaceId]);
      await stack.owner.query(`UPDATE billing.invoices SET amount_paid = amount_paid - 7 WHERE id = $1`, [invoice.id]);

      const corrupt = await reconciliation.run();
      expect(corrupt.imbalances).toBe(4);
      const report = await reconciliation.last(context.workspaceId!);
      expect(report.findings).toEqual(
        expect.arrayContaining([
          { kind: 'transaction_unbalanced', subject: cash!.transaction_id, currency: 'EUR', expected: 0, actual: 1 },
          { kind: 'wallet_balance_mismatch', subject: customer, currency: 'EUR', expected: 1_000, actual: 1_005 },
          { kind: 'invoice_amount_due_mismatch', subject: invoice.id, currency: 'EUR', expected: 7, actual: 0 },
          { kind: 'payment_unposted', subject: expect.any(String), currency: 'EUR', expected: 13_000, actual: 13_001 },
        ]),
      );
      expect((await reconciliation.last(owner.workspaceId!)).findings).toEqual([]);
      expect(await metrics.scrape()).toMatch(/^kinship_ledger_imbalances\{[^}]*\} 4$/m);
    });
  });
});
