import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  CreateInvoiceSchedule,
  CreateProduct,
  DeleteProduct,
  DeleteInvoiceSchedule,
  GetInvoiceSchedule,
  ListInvoiceSchedules,
  UpdateInvoiceSchedule,
  type CreateInvoiceScheduleBody,
} from '@kinship/contracts/billing';
import type { RequestContext } from '@kinship/observability';
import type { RunningService } from '@kinship/platform';
import { startTestService } from '@kinship/testing';
import { billingService } from '../src/billing.service.js';
import { InvoiceScheduler } from '../src/invoice-schedules/invoice-scheduler.js';
import { InvoiceSchedulesService } from '../src/invoice-schedules/invoice-schedules.service.js';
import { ProductsService } from '../src/products/products.service.js';
import { callerOf, createContact, expectRefused, startBillingStack, userContext, type BillingStack } from './support.js';

describe('recurring invoices (service level)', () => {
  let stack: BillingStack;
  /** A second billing replica against the same database, NATS and Redis. */
  let replica: RunningService;
  let schedules: InvoiceSchedulesService;
  let scheduler: InvoiceScheduler;

  beforeAll(async () => {
    stack = await startBillingStack('billing-invoice-schedules');
    replica = await startTestService(billingService, stack.environment);
    schedules = stack.billing.app.get(InvoiceSchedulesService);
    scheduler = stack.billing.app.get(InvoiceScheduler);
  });

  afterAll(async () => {
    await replica?.close();
    await stack?.close();
  });

  async function newCustomer(): Promise<{ owner: RequestContext; contactId: string }> {
    const owner = userContext('owner');
    return { owner, contactId: await createContact(stack, owner, 'Ada', `ada-${owner.workspaceId}@example.com`) };
  }

  function scheduleOf(contactId: string, overrides: Partial<CreateInvoiceScheduleBody> = {}): CreateInvoiceScheduleBody {
    return {
      customer: { contactId },
      currency: 'EUR',
      lines: [{ description: 'Hosting', quantity: 1, unitPrice: 4900, taxRate: 2000 }],
      interval: 'month',
      startDate: '2026-01-31',
      ...overrides,
    };
  }

  async function invoicesOf(workspaceId: string): Promise<Array<{ id: string; issue_date: string; status: string; number: string | null; total: string }>> {
    return stack.owner.query(
      'SELECT id, issue_date::text AS issue_date, status, number, total FROM billing.invoices WHERE workspace_id = $1 ORDER BY issue_date',
      [workspaceId],
    );
  }

  async function sentEvents(workspaceId: string): Promise<number> {
    const [row] = (await stack.owner.query(`SELECT count(*)::int AS count FROM billing.outbox WHERE type = 'invoice.sent' AND payload->>'workspaceId' = $1`, [
      workspaceId,
    ])) as Array<{ count: number }>;
    return row!.count;
  }

  it('creates, reads, lists, changes and stops a schedule', async () => {
    const { owner, contactId } = await newCustomer();
    const created = await schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId, { endDate: '2026-12-31', autoFinalize: true }));
    expect(created).toMatchObject({
      interval: 'month',
      startDate: '2026-01-31',
      endDate: '2026-12-31',
      autoFinalize: true,
      autoSend: false,
      nextPeriodStart: '2026-01-31',
      periodsInvoiced: 0,
      customer: { contactId, name: 'Ada Lovelace' },
    });
    expect(await schedules.get(callerOf(owner, GetInvoiceSchedule), created.id)).toEqual(created);
    expect((await schedules.list(callerOf(owner, ListInvoiceSchedules), {})).data.map((schedule) => schedule.id)).toEqual([created.id]);
    const changed = await schedules.update(callerOf(owner, UpdateInvoiceSchedule), created.id, {
      endDate: null,
      autoSend: true,
      lines: [{ description: 'Support', quantity: 2, unitPrice: 100 }],
    });
    expect(changed).toMatchObject({
      endDate: null,
      autoSend: true,
      autoFinalize: true,
      nextPeriodStart: '2026-01-31',
      lines: [{ description: 'Support', quantity: 2, unitPrice: 100, productId: null, taxRate: null }],
    });
    await expectRefused(schedules.update(callerOf(owner, UpdateInvoiceSchedule), created.id, { endDate: '2026-01-30' }), 422, 'endDate');
    await schedules.delete(callerOf(owner, DeleteInvoiceSchedule), created.id);
    expect((await schedules.list(callerOf(owner, ListInvoiceSchedules), {})).data).toEqual([]);
  });

  it('keeps a line description with a lone surrogate, as invoices do (found by the fuzzer: a 500 when lines were jsonb)', async () => {
    const { owner, contactId } = await newCustomer();
    const created = await schedules.create(
      callerOf(owner, CreateInvoiceSchedule),
      scheduleOf(contactId, { lines: [{ description: 'Hosting \ud800', quantity: 1, unitPrice: 100 }] }),
    );
    expect((await schedules.get(callerOf(owner, GetInvoiceSchedule), created.id)).lines[0]!.description).toBe('Hosting \ud800');
  });

  it('refuses an end before the start, another workspace’s customer or schedule, and stores nothing', async () => {
    const { owner, contactId } = await newCustomer();
    await expectRefused(schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId, { endDate: '2026-01-30' })), 422, 'endDate');
    const stranger = await newCustomer();
    await expectRefused(schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(stranger.contactId)), 422, 'customer.contactId');
    expect((await schedules.list(callerOf(owner, ListInvoiceSchedules), {})).data).toEqual([]);
    const theirs = await schedules.create(callerOf(stranger.owner, CreateInvoiceSchedule), scheduleOf(stranger.contactId));
    await expectRefused(schedules.get(callerOf(owner, GetInvoiceSchedule), theirs.id), 404);
    await expectRefused(schedules.delete(callerOf(owner, DeleteInvoiceSchedule), theirs.id), 404);
  });

  it('refuses a line whose product is inactive, deleted, in another currency or another workspace’s with a 422 naming lines.N.productId, and stores nothing', async () => {
    const { owner, contactId } = await newCustomer();
    const stranger = await newCustomer();
    const products = stack.billing.app.get(ProductsService);
    const product = (context: RequestContext, sku: string, overrides: { currency?: string; active?: boolean } = {}) =>
      products.create(callerOf(context, CreateProduct), {
        name: sku,
        sku,
        unitPrice: 4900,
        currency: overrides.currency ?? 'EUR',
        active: overrides.active ?? true,
      });
    const live = await product(owner, 'LIVE');
    const inactive = await product(owner, 'INACTIVE', { active: false });
    const dollars = await product(owner, 'USD', { currency: 'USD' });
    const deleted = await product(owner, 'DELETED');
    await products.delete(callerOf(owner, DeleteProduct), deleted.id);
    const theirs = await product(stranger.owner, 'THEIRS');
    const lineOf = (productId: string) => ({ productId, quantity: 1 });

    for (const [index, refused] of [inactive, dollars, deleted, theirs].entries()) {
      const lines = [lineOf(live.id), ...Array.from({ length: index }, () => lineOf(live.id)), lineOf(refused.id)];
      await expectRefused(schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId, { lines })), 422, `lines.${index + 1}.productId`);
    }
    expect((await schedules.list(callerOf(owner, ListInvoiceSchedules), {})).data).toEqual([]);

    // On a change too: new lines, or a new currency the stored lines' products are not priced in.
    const schedule = await schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId, { lines: [lineOf(live.id)] }));
    await expectRefused(schedules.update(callerOf(owner, UpdateInvoiceSchedule), schedule.id, { lines: [lineOf(inactive.id)] }), 422, 'lines.0.productId');
    await expectRefused(schedules.update(callerOf(owner, UpdateInvoiceSchedule), schedule.id, { currency: 'USD' }), 422, 'lines.0.productId');
    expect(await schedules.get(callerOf(owner, GetInvoiceSchedule), schedule.id)).toEqual(schedule);
  });

  it('makes one invoice per period that has started, issued on its first day, and nothing more on a second pass', async () => {
    const { owner, contactId } = await newCustomer();
    const schedule = await schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId, { endDate: '2026-06-30' }));
    await scheduler.runDue('2026-03-31');
    await scheduler.runDue('2026-03-31');
    const made = await invoicesOf(owner.workspaceId!);
    expect(made.map(({ issue_date, status, total }) => ({ issue_date, status, total }))).toEqual([
      { issue_date: '2026-01-31', status: 'draft', total: '5880' },
      { issue_date: '2026-02-28', status: 'draft', total: '5880' },
      { issue_date: '2026-03-31', status: 'draft', total: '5880' },
    ]);
    expect(await schedules.get(callerOf(owner, GetInvoiceSchedule), schedule.id)).toMatchObject({ nextPeriodStart: '2026-04-30', periodsInvoiced: 3 });
    await scheduler.runDue('2027-01-01');
    expect((await invoicesOf(owner.workspaceId!)).map((invoice) => invoice.issue_date)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
    ]);
    expect((await schedules.get(callerOf(owner, GetInvoiceSchedule), schedule.id)).nextPeriodStart).toBeNull();
  });

  it('makes each period’s invoice once when two replicas run the scheduler at the same time', async () => {
    const { owner, contactId } = await newCustomer();
    for (const startDate of ['2026-01-01', '2026-01-10', '2026-02-01']) {
      await schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId, { startDate, autoFinalize: true, autoSend: true }));
    }
    const other = replica.app.get(InvoiceScheduler);
    await Promise.all([scheduler.runDue('2026-06-15'), other.runDue('2026-06-15'), scheduler.runDue('2026-06-15'), other.runDue('2026-06-15')]);
    const made = await invoicesOf(owner.workspaceId!);
    // 6 + 6 + 5 periods have started by 2026-06-15.
    expect(made).toHaveLength(17);
    expect(made.every((invoice) => invoice.status === 'open')).toBe(true);
    expect(new Set(made.map((invoice) => invoice.number)).size).toBe(17);
    expect(await sentEvents(owner.workspaceId!)).toBe(17);
    const [runs] = (await stack.owner.query(
      'SELECT count(*)::int AS count, count(completed_at)::int AS completed FROM billing.invoice_schedule_runs WHERE workspace_id = $1',
      [owner.workspaceId],
    )) as Array<{ count: number; completed: number }>;
    expect(runs).toEqual({ count: 17, completed: 17 });
  }, 120_000);

  it('finishes a run that crashed between making the invoice and marking the period, without a second invoice or email', async () => {
    const { owner, contactId } = await newCustomer();
    const schedule = await schedules.create(
      callerOf(owner, CreateInvoiceSchedule),
      scheduleOf(contactId, { startDate: '2026-05-01', interval: 'quarter', autoFinalize: true, autoSend: true }),
    );
    // The process dies after the invoice is made, finalized and sent, before the period is marked.
    const crash = jest.spyOn(scheduler, 'complete').mockRejectedValueOnce(new Error('killed'));
    await scheduler.runDue('2026-05-02');
    expect(crash).toHaveBeenCalledTimes(1);
    crash.mockRestore();
    const afterCrash = await invoicesOf(owner.workspaceId!);
    expect(afterCrash.map((invoice) => invoice.status)).toEqual(['open']);
    expect((await schedules.get(callerOf(owner, GetInvoiceSchedule), schedule.id)).periodsInvoiced).toBe(0);

    // The next pass (this replica or the other) finishes the period with the same invoice.
    await replica.app.get(InvoiceScheduler).runDue('2026-05-02');
    const after = await invoicesOf(owner.workspaceId!);
    expect(after.map(({ id, number }) => ({ id, number }))).toEqual(afterCrash.map(({ id, number }) => ({ id, number })));
    expect(await sentEvents(owner.workspaceId!)).toBe(1);
    expect(await schedules.get(callerOf(owner, GetInvoiceSchedule), schedule.id)).toMatchObject({ periodsInvoiced: 1, nextPeriodStart: '2026-08-01' });
  });

  it('stops invoicing a deleted schedule', async () => {
    const { owner, contactId } = await newCustomer();
    const schedule = await schedules.create(callerOf(owner, CreateInvoiceSchedule), scheduleOf(contactId));
    await schedules.delete(callerOf(owner, DeleteInvoiceSchedule), schedule.id);
    await scheduler.runDue('2026-03-01');
    expect(await invoicesOf(owner.workspaceId!)).toEqual([]);
    await expectRefused(schedules.get(callerOf(owner, GetInvoiceSchedule), schedule.id), 404);
  });
});
