import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { SlaMonitor } from '../src/tickets/sla-monitor.js';
import { insertCompany, insertContact } from './related-records.fixtures.js';
import { eventually, expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

const MINUTE = 60_000;

describe('ticket SLA, auto-assignment and overdue-invoice escalation', () => {
  let stack: CrmStack;
  let nats: NatsConnection;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-tickets-sla');
    nats = await connect({ servers: stack.environment.natsUrl });
    owner = await stack.signUp('sla');
  }, 60_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.close();
  });

  async function openTicket(caller: Caller, body: Record<string, unknown>): Promise<any> {
    const response = await caller.post('/tickets', body);
    expect(response.status).toBe(201);
    return response.body;
  }

  /** Publishes a billing event as billing's outbox relay would. */
  async function publishBilling(workspaceId: string, type: string, data: Record<string, unknown>): Promise<void> {
    const id = randomUUID();
    const envelope = { id, type, version: 1, occurredAt: new Date().toISOString(), workspaceId, actorId: null, aggregateId: data.invoiceId, data };
    const natsHeaders = headers();
    natsHeaders.set('Nats-Msg-Id', id);
    await jetstream(nats).publish(`${stack.environment.natsNamespace}events.billing.${type}`, JSON.stringify(envelope), { headers: natsHeaders });
  }

  describe('policies and business hours', () => {
    it('sets, lists and removes a policy per priority, refusing bad targets', async () => {
      const put = await owner.put('/sla-policies/urgent', { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 120 });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ priority: 'urgent', firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 120 });
      expect((await owner.get('/sla-policies')).body.data.map((policy: { priority: string }) => policy.priority)).toEqual(['urgent']);
      expectError(await owner.put('/sla-policies/urgent', { firstResponseMinutes: 0, resolutionMinutes: 120 }), 422, 'firstResponseMinutes');
      expectError(await owner.put('/sla-policies/urgent', { firstResponseMinutes: 1.5, resolutionMinutes: 120 }), 422, 'firstResponseMinutes');
      expectError(await owner.put('/sla-policies/critical', { firstResponseMinutes: 15, resolutionMinutes: 120 }), 400, 'priority');
      expect((await owner.get('/sla-policies')).body.data[0].firstResponseMinutes).toBe(15);
      expect((await owner.delete('/sla-policies/urgent')).status).toBe(204);
      expectError(await owner.delete('/sla-policies/urgent'), 404);
      const member = await stack.as(owner, 'member');
      expectError(await member.put('/sla-policies/low', { firstResponseMinutes: 15, resolutionMinutes: 120 }), 403);
    });

    it('keeps business hours, every hour of every day until set, and refuses a calendar that cannot be', async () => {
      const workspace = await stack.signUp('sla-hours');
      const initial = (await workspace.get('/business-hours')).body;
      expect(initial).toMatchObject({ timezone: 'UTC', holidays: [], updatedAt: null });
      expect(initial.days).toHaveLength(7);
      expectError(
        await workspace.put('/business-hours', { timezone: 'Mars/Olympus', days: [{ day: 'monday', start: '09:00', end: '17:00' }] }),
        422,
        'timezone',
      );
      expectError(await workspace.put('/business-hours', { timezone: 'UTC', days: [{ day: 'monday', start: '17:00', end: '09:00' }] }), 422, 'days.0.end');
      expectError(await workspace.put('/business-hours', { timezone: 'UTC', days: [{ day: 'monday', start: '9', end: '17:00' }] }), 422, 'days.0.start');
      expectError(await workspace.put('/business-hours', { timezone: 'UTC', days: [] }), 422, 'days');
      expectError(
        await workspace.put('/business-hours', {
          timezone: 'UTC',
          days: [
            { day: 'monday', start: '09:00', end: '12:00' },
            { day: 'monday', start: '13:00', end: '17:00' },
          ],
        }),
        422,
        'days',
      );
      expectError(
        await workspace.put('/business-hours', { timezone: 'UTC', days: [{ day: 'monday', start: '09:00', end: '17:00' }], holidays: ['2026-02-30'] }),
        422,
        'holidays',
      );
      expect((await workspace.get('/business-hours')).body).toEqual(initial);

      const office = {
        timezone: 'Europe/Berlin',
        days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({ day, start: '09:00', end: '17:00' })),
        holidays: ['2026-12-25', '2026-12-24'],
      };
      const put = await workspace.put('/business-hours', office);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ ...office, holidays: ['2026-12-24', '2026-12-25'], updatedAt: expect.any(String) });

      await workspace.put('/sla-policies/normal', { firstResponseMinutes: 30, resolutionMinutes: 600 });
      const ticket = await openTicket(workspace, { subject: 'Counted in office hours' });
      // Whenever the test runs, the deadline falls inside the office's hours on a working day.
      const due = new Date(ticket.firstResponseDueAt);
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(due);
      const [weekday, clock] = local.split(' ');
      expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(weekday!.replace(',', ''));
      expect(clock! >= '09:00' && clock! <= '17:00').toBe(true);
      expect(due.getTime()).toBeGreaterThanOrEqual(Date.parse(ticket.createdAt) + 30 * MINUTE);
    });
  });

  describe('deadlines on reads', () => {
    beforeAll(async () => {
      expect((await owner.put('/sla-policies/normal', { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 240 })).status).toBe(200);
      expect((await owner.put('/sla-policies/high', { firstResponseMinutes: 20, resolutionMinutes: 120 })).status).toBe(200);
    });

    it('sets the deadlines from the priority’s policy and moves them with a new priority', async () => {
      const ticket = await openTicket(owner, { subject: 'Deadlines' });
      const opened = Date.parse(ticket.createdAt);
      expect(Date.parse(ticket.firstResponseDueAt)).toBe(opened + 60 * MINUTE);
      expect(Date.parse(ticket.resolutionDueAt)).toBe(opened + 240 * MINUTE);
      expect(ticket.breached).toBe(false);
      const raised = (await owner.patch(`/tickets/${ticket.id}`, { priority: 'high' })).body;
      expect(Date.parse(raised.firstResponseDueAt)).toBe(opened + 20 * MINUTE);
      expect(Date.parse(raised.resolutionDueAt)).toBe(opened + 120 * MINUTE);
      const low = (await owner.patch(`/tickets/${ticket.id}`, { priority: 'low' })).body;
      expect([low.firstResponseDueAt, low.resolutionDueAt]).toEqual([null, null]);
    });

    it('pauses the resolution clock while pending and resumes it on the customer’s reply, awaiting the next response', async () => {
      const ticket = await openTicket(owner, { subject: 'Pause me' });
      await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Can you send a screenshot?' });
      const pending = (await owner.patch(`/tickets/${ticket.id}`, { status: 'pending' })).body;
      expect(pending).toMatchObject({ status: 'pending', resolutionDueAt: null });
      const reply = await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Here it is', author: 'customer', internal: true });
      expect(reply.body).toMatchObject({ author: 'customer', internal: false });
      const resumed = (await owner.get(`/tickets/${ticket.id}`)).body;
      expect(resumed.status).toBe('open');
      expect(Date.parse(resumed.resolutionDueAt)).toBeGreaterThanOrEqual(Date.parse(ticket.resolutionDueAt));
      expect(Date.parse(resumed.nextResponseDueAt)).toBe(Date.parse(reply.body.createdAt) + 30 * MINUTE);
      await owner.post(`/tickets/${ticket.id}/comments`, { body: 'Fixed.' });
      expect((await owner.get(`/tickets/${ticket.id}`)).body.nextResponseDueAt).toBeNull();
    });

    it('warns before a deadline and tells its breach once, which reads and the breached filter then show', async () => {
      const agent = await stack.member(owner, 'member');
      const ticket = await openTicket(owner, { subject: 'Nobody answers', assigneeId: agent.userId });
      const monitor = stack.crm.app.get(SlaMonitor, { strict: false });
      const opened = Date.parse(ticket.createdAt);
      await monitor.check(new Date(opened + 10 * MINUTE));
      expect(await outboxEvents(stack, 'ticket.sla_warning', ticket.id)).toEqual([]);
      await monitor.check(new Date(opened + 31 * MINUTE));
      await monitor.check(new Date(opened + 32 * MINUTE));
      expect(await outboxEvents(stack, 'ticket.sla_warning', ticket.id)).toMatchObject([
        { actorId: null, data: { metric: 'first_response', dueAt: ticket.firstResponseDueAt, ticket: { id: ticket.id, assigneeId: agent.userId } } },
      ]);
      await monitor.check(new Date(opened + 61 * MINUTE));
      await monitor.check(new Date(opened + 62 * MINUTE));
      expect(await outboxEvents(stack, 'ticket.sla_breached', ticket.id)).toMatchObject([
        { data: { metric: 'first_response', dueAt: ticket.firstResponseDueAt } },
      ]);
      expect((await owner.get(`/tickets/${ticket.id}`)).body.breached).toBe(true);
      const breached = (await owner.get('/tickets?breached=true')).body.data.map((row: { id: string }) => row.id);
      expect(breached).toEqual([ticket.id]);
      // A pending ticket's clock does not run: nothing is told of it.
      const paused = await openTicket(owner, { subject: 'Waiting on the customer', status: 'pending' });
      await monitor.check(new Date(opened + 1000 * MINUTE));
      expect(await outboxEvents(stack, 'ticket.sla_breached', paused.id)).toEqual([]);
    });
  });

  describe('auto-assignment', () => {
    let workspace: Caller;
    let first: Caller;
    let second: Caller;

    beforeAll(async () => {
      workspace = await stack.signUp('sla-assign');
      first = await stack.member(workspace, 'member');
      second = await stack.member(workspace, 'member');
    });

    it('refuses assignees who are not active users, and a mode without assignees', async () => {
      expectError(await workspace.put('/ticket-settings', { assignment: 'round_robin', assignees: [randomUUID()] }), 422, 'assignees.0');
      expectError(await workspace.put('/ticket-settings', { assignment: 'least_open', assignees: [] }), 422, 'assignees');
      expectError(await workspace.put('/ticket-settings', { assignment: 'everyone', assignees: [] }), 422, 'assignment');
      expect((await workspace.get('/ticket-settings')).body).toEqual({
        assignment: 'none',
        assignees: [],
        warningMinutes: 30,
        escalateOverdueInvoices: true,
        updatedAt: null,
      });
    });

    it('takes the assignees in turn with round robin, unless the ticket names one (or null)', async () => {
      expect((await workspace.put('/ticket-settings', { assignment: 'round_robin', assignees: [first.userId, second.userId] })).status).toBe(200);
      const assignees = [];
      for (const subject of ['One', 'Two', 'Three']) assignees.push((await openTicket(workspace, { subject })).assigneeId);
      expect(assignees).toEqual([first.userId, second.userId, first.userId]);
      expect((await openTicket(workspace, { subject: 'Unassigned', assigneeId: null })).assigneeId).toBeNull();
      expect((await openTicket(workspace, { subject: 'Named', assigneeId: workspace.userId })).assigneeId).toBe(workspace.userId);
      const automatic = await openTicket(workspace, { subject: 'Four' });
      expect(automatic.assigneeId).toBe(second.userId);
      expect(await outboxEvents(stack, 'ticket.assigned', automatic.id)).toMatchObject([{ data: { automatic: true, ticket: { assigneeId: second.userId } } }]);
    });

    it('gives the ticket to whoever holds the fewest open tickets with least open', async () => {
      expect((await workspace.put('/ticket-settings', { assignment: 'least_open', assignees: [first.userId, second.userId] })).status).toBe(200);
      // Each holds two open tickets: first (listed first) gets the next, then second holds fewer.
      expect((await openTicket(workspace, { subject: 'Five' })).assigneeId).toBe(first.userId);
      expect((await openTicket(workspace, { subject: 'Six' })).assigneeId).toBe(second.userId);
      // A solved ticket no longer counts.
      const [five] = (await workspace.get(`/tickets?assigneeId=${first.userId}&q=Five`)).body.data;
      await workspace.patch(`/tickets/${five.id}`, { status: 'resolved' });
      expect((await openTicket(workspace, { subject: 'Seven' })).assigneeId).toBe(first.userId);
    });
  });

  describe('overdue invoices', () => {
    let workspace: Caller;
    let companyId: string;
    let contactId: string;

    beforeAll(async () => {
      workspace = await stack.signUp('sla-overdue');
      companyId = await insertCompany(stack, workspace.workspaceId);
      contactId = await insertContact(stack, workspace.workspaceId, { companyId });
    });

    it('raises the open tickets of a customer with an overdue invoice one level, saying why, and new ones while it stays unpaid', async () => {
      const before = await openTicket(workspace, { subject: 'Opened before', contactId, priority: 'low' });
      const invoiceId = randomUUID();
      await publishBilling(workspace.workspaceId, 'invoice.overdue', {
        invoiceId,
        number: 'INV-2026-000042',
        customer: { companyId },
        currency: 'EUR',
        amountDue: 12000,
        dueDate: '2026-11-30',
      });
      const raised = await eventually(async () => {
        const ticket = (await workspace.get(`/tickets/${before.id}`)).body;
        return ticket.priority === 'normal' && ticket;
      });
      expect(raised.priorityReason).toBe("Raised from low to normal: the customer's invoice INV-2026-000042 is overdue (due 2026-11-30).");
      expect(await outboxEvents(stack, 'ticket.updated', before.id)).toMatchObject([
        { actorId: null, data: { changedFields: ['priority', 'priorityReason'] } },
      ]);

      const opened = await openTicket(workspace, { subject: 'Opened after', contactId, priority: 'urgent' });
      expect(opened).toMatchObject({ priority: 'urgent', priorityReason: null });
      const normal = await openTicket(workspace, { subject: 'Opened after, normal', companyId });
      expect(normal).toMatchObject({
        priority: 'high',
        priorityReason: "Raised from normal to high: the customer's invoice INV-2026-000042 is overdue (due 2026-11-30).",
      });
      // A person's priority replaces crm's.
      expect((await workspace.patch(`/tickets/${normal.id}`, { priority: 'high' })).body).toMatchObject({ priority: 'high', priorityReason: null });

      await publishBilling(workspace.workspaceId, 'invoice.paid', {
        invoiceId,
        number: 'INV-2026-000042',
        customer: { companyId },
        currency: 'EUR',
        total: 12000,
        paidAt: new Date().toISOString(),
      });
      await eventually(async () => {
        const rows: unknown[] = await stack.owner.query('SELECT 1 FROM crm.overdue_invoices WHERE invoice_id = $1', [invoiceId]);
        return rows.length === 0;
      });
      expect((await openTicket(workspace, { subject: 'Paid up', contactId })).priority).toBe('normal');
    });

    it('applies a burst of billing events in their order: an invoice paid after its overdue notice is forgotten, one paid on time changes nothing', async () => {
      const customer = { contactId: await insertContact(stack, workspace.workspaceId) };
      const [paidLate, stillOverdue, paidOnTime, last] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const overdue = (invoiceId: string) => ({ invoiceId, number: `INV-${invoiceId}`, customer, currency: 'EUR', amountDue: 500, dueDate: '2026-11-30' });
      const paid = (invoiceId: string) => ({ invoiceId, number: `INV-${invoiceId}`, customer, currency: 'EUR', total: 500, paidAt: new Date().toISOString() });
      await publishBilling(workspace.workspaceId, 'invoice.overdue', overdue(paidLate));
      await publishBilling(workspace.workspaceId, 'invoice.overdue', overdue(stillOverdue));
      await publishBilling(workspace.workspaceId, 'invoice.paid', paid(paidLate));
      await publishBilling(workspace.workspaceId, 'invoice.paid', paid(paidOnTime));
      await publishBilling(workspace.workspaceId, 'invoice.overdue', overdue(last));
      const kept = await eventually(async () => {
        const rows: Array<{ invoice_id: string }> = await stack.owner.query('SELECT invoice_id FROM crm.overdue_invoices WHERE invoice_id = ANY($1::uuid[])', [
          [paidLate, stillOverdue, paidOnTime, last],
        ]);
        return rows.some((row) => row.invoice_id === last) && rows.map((row) => row.invoice_id);
      });
      expect(kept.sort()).toEqual([stillOverdue, last].sort());
    });
  });
});
