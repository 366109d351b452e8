import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { insertCompany, insertContact, insertDeal, insertStageChange } from './related-records.fixtures.js';
import { eventually, expectError, startCrmStack, type ApiResponse, type Caller, type CrmStack } from './support.js';

const HOUR = 3_600_000;

function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * HOUR).toISOString();
}

interface Entry {
  id: string;
  kind: string;
  occurredAt: string;
  actorId: string | null;
  subject: { type: string; id: string };
  data: Record<string, any>;
}

describe('timelines', () => {
  let stack: CrmStack;
  let nats: NatsConnection;
  let owner: Caller;
  let contactId: string;
  let companyId: string;
  let dealId: string;
  let stageIds: string[];
  const emailEventId = randomUUID();

  /** Publishes an envelope as another service's outbox relay would. */
  async function publish(service: string, type: string, occurredAt: string, data: Record<string, unknown>, id = randomUUID(), messageId = id): Promise<void> {
    const envelope = { id, type, version: 1, occurredAt, workspaceId: owner.workspaceId, actorId: null, aggregateId: randomUUID(), data };
    const natsHeaders = headers();
    natsHeaders.set('Nats-Msg-Id', messageId);
    await jetstream(nats).publish(`${stack.environment.natsNamespace}events.${service}.${type}`, JSON.stringify(envelope), { headers: natsHeaders });
  }

  async function timeline(caller: Caller, path: string): Promise<Entry[]> {
    const response: ApiResponse = await caller.get(`${path}?limit=500`);
    expect(response.status).toBe(200);
    return response.body.data;
  }

  beforeAll(async () => {
    stack = await startCrmStack('crm-timeline');
    nats = await connect({ servers: stack.environment.natsUrl });
    owner = await stack.signUp('timeline');
    companyId = await insertCompany(stack, owner.workspaceId);
    contactId = await insertContact(stack, owner.workspaceId, { companyId });
    ({ dealId, stageIds } = await insertDeal(stack, owner.workspaceId, { contactIds: [contactId], companyId }));
    await insertStageChange(stack, owner.workspaceId, dealId, null, stageIds[0]!, new Date(hoursAgo(5)), owner.userId);
    await insertStageChange(stack, owner.workspaceId, dealId, stageIds[0]!, stageIds[1]!, new Date(hoursAgo(4)), owner.userId);

    const note = await owner.post('/notes', { body: 'Asked for a quote', related: { type: 'contact', id: contactId } });
    expect(note.status).toBe(201);
    const deletedNote = await owner.post('/notes', { body: 'Typo', related: { type: 'contact', id: contactId } });
    await owner.delete(`/notes/${deletedNote.body.id}`);
    const task = await owner.post('/tasks', { title: 'Send the quote', related: { type: 'contact', id: contactId } });
    await owner.patch(`/tasks/${task.body.id}`, { status: 'done' });
    await owner.post('/notes', { body: 'Deal looks good', related: { type: 'deal', id: dealId } });

    await publish('notifications', 'email.sent', hoursAgo(2), { messageId: 'msg-1', contactId, campaignId: null, templateKey: 'campaign' }, emailEventId);
    // The same event again (a relay re-publishing after a crash, past JetStream's duplicate window).
    await publish(
      'notifications',
      'email.sent',
      hoursAgo(2),
      { messageId: 'msg-1', contactId, campaignId: null, templateKey: 'campaign' },
      emailEventId,
      randomUUID(),
    );
    await publish('billing', 'invoice.sent', hoursAgo(3), {
      invoiceId: randomUUID(),
      number: 'INV-2026-000001',
      customer: { companyId },
      currency: 'GBP',
      total: 120000,
      amountDue: 120000,
      dueDate: '2026-12-31',
    });
    await publish('billing', 'invoice.paid', hoursAgo(0.5), {
      invoiceId: randomUUID(),
      number: 'INV-2026-000002',
      customer: { contactId },
      dealId,
      currency: 'GBP',
      total: 500000,
      paidAt: hoursAgo(1),
    });
    await publish('billing', 'payment.received', hoursAgo(0.25), {
      paymentId: randomUUID(),
      invoiceId: randomUUID(),
      customer: { contactId },
      currency: 'GBP',
      amount: 250000,
      method: 'manual',
      receivedAt: hoursAgo(0.75),
    });
    await publish('billing', 'invoice.finalized', hoursAgo(0.1), {
      invoiceId: randomUUID(),
      number: 'INV-2026-000003',
      customer: { contactId },
      currency: 'GBP',
      total: 1,
      subtotal: 1,
      tax: 0,
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
    });
    await eventually(async () => {
      const rows: unknown[] = await stack.owner.query(`SELECT 1 FROM crm.timeline_entries WHERE workspace_id = $1`, [owner.workspaceId]);
      return rows.length >= 5;
    });
  }, 60_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.close();
  });

  it('shows a contact’s notes, tasks, its deals’ stage changes, emails and invoices, newest first', async () => {
    const entries = await timeline(owner, `/contacts/${contactId}/timeline`);
    expect(entries.map((entry) => entry.kind)).toEqual([
      'task_completed',
      'task_created',
      'note',
      'payment_received',
      'invoice_paid',
      'email_sent',
      'deal_stage_changed',
      'deal_stage_changed',
    ]);
    const times = entries.map((entry) => Date.parse(entry.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(entries[2]).toMatchObject({ actorId: owner.userId, subject: { type: 'contact', id: contactId }, data: { body: 'Asked for a quote' } });
    expect(entries[0]).toMatchObject({ data: { title: 'Send the quote', status: 'done' } });
    expect(entries[4]).toMatchObject({ subject: { type: 'contact', id: contactId }, data: { number: 'INV-2026-000002', total: 500000 } });
    expect(Date.parse(entries[4]!.occurredAt)).toBeLessThan(Date.now() - 0.9 * HOUR);
    expect(entries[5]).toMatchObject({ subject: { type: 'contact', id: contactId }, data: { messageId: 'msg-1', templateKey: 'campaign' } });
    expect(entries[6]).toMatchObject({
      actorId: owner.userId,
      subject: { type: 'deal', id: dealId },
      data: { dealName: 'Difference engine', fromStageName: 'Qualification', toStageName: 'Proposal', toStageId: stageIds[1] },
    });
  });

  it('keeps an event delivered twice once', async () => {
    const rows: unknown[] = await stack.owner.query(`SELECT 1 FROM crm.timeline_entries WHERE source_event_id = $1`, [emailEventId]);
    expect(rows).toHaveLength(1);
  });

  it('shows a deal’s own notes, stage changes and paid invoices', async () => {
    const entries = await timeline(owner, `/deals/${dealId}/timeline`);
    expect(entries.map((entry) => entry.kind)).toEqual(['note', 'invoice_paid', 'deal_stage_changed', 'deal_stage_changed']);
    expect(entries[3]).toMatchObject({ data: { fromStageId: null, toStageName: 'Qualification' } });
  });

  it('shows a company’s invoices and its deals’ stage changes', async () => {
    const entries = await timeline(owner, `/companies/${companyId}/timeline`);
    expect(entries.map((entry) => entry.kind)).toEqual(['invoice_sent', 'deal_stage_changed', 'deal_stage_changed']);
    expect(entries[0]).toMatchObject({ subject: { type: 'company', id: companyId }, data: { number: 'INV-2026-000001', amountDue: 120000 } });
  });

  it('pages newest first with a cursor, and refuses a tampered cursor or another record’s cursor with 400', async () => {
    const all = await timeline(owner, `/contacts/${contactId}/timeline`);
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse = await owner.get(`/contacts/${contactId}/timeline?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...response.body.data);
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const first = await owner.get(`/contacts/${contactId}/timeline?limit=2`);
    const next: string = first.body.nextCursor;
    const [body, mac] = next.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...payload, t: '2000-01-01 00:00:00+00' })).toString('base64url')}.${mac}`;
    expectError(await owner.get(`/contacts/${contactId}/timeline?cursor=${encodeURIComponent(forged)}`), 400, 'cursor');
    expectError(await owner.get(`/contacts/${contactId}/timeline?cursor=garbage`), 400, 'cursor');
    expectError(await owner.get(`/deals/${dealId}/timeline?cursor=${encodeURIComponent(next)}`), 400, 'cursor');
    expectError(await owner.get(`/contacts/${contactId}/timeline?limit=501`), 400, 'limit');
  });

  it('answers 404 for another workspace’s record, an unknown id and a non-UUID id', async () => {
    const other = await stack.signUp('timeline-other');
    const theirContact = await insertContact(stack, other.workspaceId);
    const theirCompany = await insertCompany(stack, other.workspaceId);
    const { dealId: theirDeal } = await insertDeal(stack, other.workspaceId);
    expectError(await owner.get(`/contacts/${theirContact}/timeline`), 404);
    expectError(await owner.get(`/companies/${theirCompany}/timeline`), 404);
    expectError(await owner.get(`/deals/${theirDeal}/timeline`), 404);
    expectError(await owner.get(`/contacts/${randomUUID()}/timeline`), 404);
    expectError(await owner.get('/contacts/not-an-id/timeline'), 404);
    expectError(await owner.get(`/contacts/${dealId}/timeline`), 404);
    expect(await timeline(other, `/contacts/${theirContact}/timeline`)).toEqual([]);
  });

  it('still shows the history of a deleted contact', async () => {
    const deleted = await insertContact(stack, owner.workspaceId);
    await owner.post('/notes', { body: 'Before it went', related: { type: 'contact', id: deleted } });
    await stack.owner.query(`UPDATE crm.contacts SET deleted_at = now() WHERE id = $1`, [deleted]);
    expect((await timeline(owner, `/contacts/${deleted}/timeline`)).map((entry) => entry.kind)).toEqual(['note']);
  });

  it('is readable by viewers and by API keys with the record’s read scope only', async () => {
    const viewer = await stack.as(owner, 'viewer');
    expect((await viewer.get(`/contacts/${contactId}/timeline`)).status).toBe(200);
    const contactsOnly = await stack.apiKey(owner, ['contacts:read']);
    expect((await contactsOnly.get(`/contacts/${contactId}/timeline`)).status).toBe(200);
    expectError(await contactsOnly.get(`/deals/${dealId}/timeline`), 403);
  });
});
