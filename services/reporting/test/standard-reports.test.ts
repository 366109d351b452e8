import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { RunningService } from '@kinship/platform';
import { startTestService } from '@kinship/testing';
import { billingService } from '../../billing/src/billing.service.js';
import { eventually, expectError, type Caller } from '../../crm/test/support.js';
import { startReportingStack, type ReportingStack } from './support.js';

/**
 * Issue 13 items 2, 3, 4 and 7 for lead conversion, revenue, activity, acquisition and deal
 * velocity: on generated contacts, notes, tasks, deals, invoices (partly paid, refunded and
 * credited) made through the crm and billing APIs (emails published as notifications publishes
 * them), every report equals a computation written here from those APIs' data.
 */

const FUNNEL = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist'];
// Forward journeys only, some skipping stages, so `ordered` and `any` differ.
const JOURNEYS = [
  ['lead'],
  ['lead', 'marketing_qualified'],
  ['lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer'],
  ['lead', 'sales_qualified', 'customer'],
  ['subscriber', 'lead', 'marketing_qualified'],
  ['subscriber', 'customer', 'evangelist'],
  ['lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist'],
  ['marketing_qualified', 'sales_qualified'],
];
const CONTACTS = 36;
const SOURCES = ['web', 'referral', 'event', undefined];
const CUSTOMER_SINCE = ['2026-01-15', '2026-02-03', '2026-05-20', undefined];

interface Contact {
  id: string;
  ownerId: string | null;
  leadSource: string | null;
  customerSince: string | null;
  createdAt: string;
}

interface Filter {
  from?: string;
  to?: string;
  ownerId?: string;
  pipelineId?: string;
}

/** mulberry32: the same generated data on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function query(parameters: Record<string, string | undefined>): string {
  const entries = Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

function within(date: string, filter: Filter): boolean {
  return (!filter.from || date >= filter.from) && (!filter.to || date <= filter.to);
}

function period(date: string, interval: 'month' | 'quarter'): string {
  return interval === 'month' ? date.slice(0, 7) : `${date.slice(0, 4)}-Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;
}

function sorted<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function tally<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

async function all<T>(caller: Caller, path: string): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { data: T[]; nextCursor: string | null } } = await caller.get(
      `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    rows.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return rows;
}

function envelope(workspaceId: string, type: string, aggregateId: string, data: object) {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), workspaceId, actorId: null, aggregateId, data };
}

describe('lead conversion, revenue, activity, acquisition and deal velocity against the crm and billing APIs', () => {
  let stack: ReportingStack;
  let billing: RunningService;
  let owner: Caller;
  let members: Caller[];
  let users: Caller[];
  let journeys: Map<string, string[]>;
  let contacts: Contact[];
  const emails: Array<{ contactId: string }> = [];
  /** Refunds made through POST /payments/:id/refund, as billing answered them. */
  const refunds: Array<{ currency: string; amount: number; createdAt: string }> = [];

  /** A money-moving billing call: it needs an Idempotency-Key. */
  async function moveMoney(path: string, body: object): Promise<{ status: number; body: any }> {
    const response = await fetch(`${stack.api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
  /** Per deal, the stages it left (each a completed stay) in the order the test moved it. */
  const stays = new Map<string, string[]>();
  /** Each deal's owner as crm answered its creation. */
  const dealOwners = new Map<string, string | null>();

  async function metric(name: string, label: string): Promise<number> {
    const page = await (await fetch(`${stack.reporting.url}/metrics`)).text();
    const sample = page.split('\n').find((line) => line.startsWith(`${name}{`) && line.includes(label));
    return sample ? Number(sample.split(' ').at(-1)) : 0;
  }

  function expectedFunnel(kind: 'ordered' | 'any', firstStage: string, filter: Filter): unknown[] {
    const stages = FUNNEL.slice(FUNNEL.indexOf(firstStage));
    const included = contacts.filter((contact) => within(contact.createdAt.slice(0, 10), filter) && (!filter.ownerId || contact.ownerId === filter.ownerId));
    const counts = stages.map(
      (_stage, index) =>
        included.filter((contact) => {
          const journey = journeys.get(contact.id)!;
          // Journeys only move forward, so "in order" is "every stage up to this one is in the journey".
          return kind === 'any' ? journey.includes(stages[index]!) : stages.slice(0, index + 1).every((stage) => journey.includes(stage));
        }).length,
    );
    return stages.map((stage, index) => ({
      stage,
      count: counts[index],
      stepConversion: index === 0 || counts[index - 1] === 0 ? null : counts[index]! / counts[index - 1]!,
      cumulativeConversion: counts[0] === 0 ? null : counts[index]! / counts[0]!,
    }));
  }

  beforeAll(async () => {
    stack = await startReportingStack('reporting-standard');
    billing = await startTestService(billingService, stack.environment);
    owner = await stack.signUp('standard');
    members = [await stack.member(owner, 'member'), await stack.member(owner, 'member')];
    users = [owner, ...members];
    await stack.caughtUp();
    const next = random(29);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;

    journeys = new Map();
    for (let index = 0; index < CONTACTS; index++) {
      const journey = pick(JOURNEYS);
      const created = await owner.post('/contacts', {
        firstName: `Lead ${index}`,
        email: `lead-${index}-${randomUUID()}@example.com`,
        lifecycleStage: journey[0],
        leadSource: pick(SOURCES),
        ownerId: pick(users).userId,
      });
      expect(created.status).toBe(201);
      for (const stage of journey.slice(1)) {
        const moved = await owner.patch(`/contacts/${created.body.id}`, {
          lifecycleStage: stage,
          ...(stage === 'customer' ? { customerSince: pick(CUSTOMER_SINCE) } : {}),
        });
        expect(moved.status).toBe(200);
      }
      journeys.set(created.body.id, journey);
    }
    contacts = await all<Contact>(owner, '/contacts');

    for (const user of users) {
      for (const contact of contacts.filter((candidate) => candidate.ownerId === user.userId).slice(0, 1 + Math.floor(next() * 3))) {
        expect((await user.post('/notes', { body: 'Called them', related: { type: 'contact', id: contact.id } })).status).toBe(201);
      }
      for (let task = 0; task < 3; task++) {
        const created = await owner.post('/tasks', { title: `Follow up ${task}`, assigneeId: user.userId });
        expect(created.status).toBe(201);
        if (next() < 0.6) expect((await owner.patch(`/tasks/${created.body.id}`, { status: 'done' })).status).toBe(200);
      }
    }

    const [pipeline] = (await owner.get('/pipelines')).body.data as Array<{ id: string; stages: Array<{ id: string; kind: string }> }>;
    const open = pipeline!.stages.filter((stage) => stage.kind === 'open');
    const closing = pipeline!.stages.filter((stage) => stage.kind !== 'open');
    for (const user of users) {
      for (let index = 0; index < 4; index++) {
        const created = await user.post('/deals', { name: `Deal ${index}`, amount: 1000, currency: 'EUR', pipelineId: pipeline!.id, stageId: open[0]!.id });
        expect(created.status).toBe(201);
        const path = [open[0]!.id];
        if (next() < 0.5) path.push(open[1]!.id);
        if (next() < 0.7) path.push(pick(closing).id);
        for (const stageId of path.slice(1)) {
          const lost = closing.some((stage) => stage.id === stageId && stage.kind === 'lost');
          expect((await user.post(`/deals/${created.body.id}/stage`, { stageId, lostReason: lost ? 'budget' : undefined })).status).toBe(200);
        }
        stays.set(created.body.id, path.slice(0, -1));
        dealOwners.set(created.body.id, created.body.ownerId);
      }
    }

    for (let index = 0; index < 10; index++) {
      const contact = pick(contacts);
      emails.push({ contactId: contact.id });
      await stack.publish(
        'notifications',
        envelope(owner.workspaceId, 'email.sent', randomUUID(), { messageId: randomUUID(), contactId: contact.id, templateKey: 'campaign' }),
      );
    }

    const issueDates = ['2026-01-10', '2026-02-14', '2026-04-02', '2026-04-30'];
    const invoiceIds: string[] = [];
    const paymentIds: string[] = [];
    for (let index = 0; index < 8; index++) {
      const currency = index % 2 ? 'USD' : 'EUR';
      const created = await owner.post('/invoices', {
        customer: { contactId: contacts[index]!.id },
        currency,
        billingEmail: 'billing@example.com',
        issueDate: issueDates[index % issueDates.length],
        lines: [{ description: 'Licence', quantity: 1 + index, unitPrice: 10_000 + index * 150 }],
      });
      expect(created.status).toBe(201);
      if (index === 7) continue; // a draft counts for nothing
      expect((await owner.post(`/invoices/${created.body.id}/finalize`)).status).toBe(200);
      if (index === 6) {
        expect((await owner.post(`/invoices/${created.body.id}/void`)).status).toBe(200);
        continue;
      }
      // Each invoice partly paid (every total is at least 10,000).
      const payment = await moveMoney('/payments', {
        invoiceId: created.body.id,
        amount: 5_000 + index,
        method: 'manual',
        receivedAt: `2026-0${2 + (index % 3)}-11T10:00:00.000Z`,
      });
      expect(payment.status).toBe(201);
      invoiceIds.push(created.body.id);
      paymentIds.push(payment.body.id);
    }
    // A credit note that only reduces what is due; one beyond what is due, whose rest goes back through the payment; a refund.
    expect((await owner.post(`/invoices/${invoiceIds[0]}/credit-notes`, { amount: 1_000, reason: 'discount' })).status).toBe(201);
    const due = (await owner.get(`/invoices/${invoiceIds[1]}`)).body.amountDue as number;
    const beyond = await owner.post(`/invoices/${invoiceIds[1]}/credit-notes`, { amount: due + 2_000, refund: 'original' });
    expect(beyond.status).toBe(201);
    expect(beyond.body).toMatchObject({ appliedToDue: due, refunded: 2_000 });
    const refund = await moveMoney(`/payments/${paymentIds[2]}/refund`, { amount: 1_500 });
    expect(refund.status).toBe(201);
    refunds.push(refund.body);
    await eventually(
      async () => Number((await stack.owner.query('SELECT count(*) AS count FROM billing.outbox WHERE published_at IS NULL'))[0].count) === 0,
      60_000,
    );
    await stack.caughtUp();
  }, 600_000);

  afterAll(async () => {
    await billing?.close();
    await stack?.close();
  });

  it('lead conversion: ordered and any-stage funnels with step and cumulative conversion', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const cases: Array<[kind: 'ordered' | 'any', firstStage: string, filter: Filter]> = [
      ['ordered', 'lead', {}],
      ['any', 'lead', {}],
      ['ordered', 'subscriber', {}],
      ['any', 'marketing_qualified', { ownerId: members[0]!.userId }],
      ['ordered', 'lead', { from: today, to: today }],
      ['any', 'lead', { to: '2020-01-01' }],
    ];
    for (const [kind, firstStage, filter] of cases) {
      const response = await owner.get(`/reports/lead-conversion${query({ kind, firstStage, ...filter })}`);
      expect(response.status).toBe(200);
      expect({ kind: response.body.kind, data: response.body.data }).toEqual({ kind, data: expectedFunnel(kind, firstStage, filter) });
    }
    const ordered = (await owner.get('/reports/lead-conversion')).body.data as Array<{ count: number }>;
    const any = (await owner.get('/reports/lead-conversion?kind=any')).body.data as Array<{ count: number }>;
    expect(any.some((step, index) => step.count > ordered[index]!.count)).toBe(true);
  });

  it('lead conversion, ordered: a stage entered before the one before it counts only if entered again after it', async () => {
    const alone = await stack.signUp('funnel-order');
    const journeys = [
      ['marketing_qualified', 'lead', 'marketing_qualified', 'sales_qualified'],
      ['lead', 'sales_qualified'],
    ];
    for (const [first, ...rest] of journeys) {
      const created = await alone.post('/contacts', { firstName: 'Back', email: `back-${randomUUID()}@example.com`, lifecycleStage: first });
      expect(created.status).toBe(201);
      for (const lifecycleStage of rest) expect((await alone.patch(`/contacts/${created.body.id}`, { lifecycleStage })).status).toBe(200);
    }
    await stack.caughtUp();
    const counts = async (path: string) => ((await alone.get(path)).body.data as Array<{ count: number }>).map((step) => step.count);
    // From lead: both entered lead; only the first entered marketing_qualified after lead (again), then sales_qualified.
    expect(await counts('/reports/lead-conversion')).toEqual([2, 1, 1, 0, 0, 0]);
    expect(await counts('/reports/lead-conversion?firstStage=marketing_qualified')).toEqual([1, 1, 0, 0, 0]);
    expect(await counts('/reports/lead-conversion?kind=any')).toEqual([2, 1, 2, 0, 0, 0]);
  });

  it('revenue: invoiced (issued, not voided), paid net of refunds and credited per period and currency, never summed across currencies', async () => {
    const invoices = await all<{ id: string; status: string; issueDate: string | null; currency: string; total: number }>(owner, '/invoices');
    expect(invoices.map((invoice) => invoice.status).sort()).toEqual(['draft', 'open', 'open', 'open', 'open', 'open', 'paid', 'void']);
    const payments = await all<{ currency: string; amount: number; receivedAt: string; refunded: number }>(owner, '/payments');
    const creditNotes = (
      await Promise.all(
        invoices.map(
          async (invoice) =>
            (await owner.get(`/invoices/${invoice.id}/credit-notes`)).body.data as Array<{
              currency: string;
              amount: number;
              refunded: number;
              createdAt: string;
            }>,
        ),
      )
    ).flat();
    expect(creditNotes.map((note) => note.refunded).sort()).toEqual([0, 2_000]);
    // Every refund: the ones made directly and the credit notes' (billing's payments agree on the total).
    const given = [
      ...refunds,
      ...creditNotes.filter((note) => note.refunded > 0).map((note) => ({ currency: note.currency, amount: note.refunded, createdAt: note.createdAt })),
    ];
    expect(given.reduce((sum, refund) => sum + refund.amount, 0)).toBe(payments.reduce((sum, payment) => sum + payment.refunded, 0));
    for (const [interval, filter] of [
      ['month', {}],
      ['quarter', {}],
      ['month', { from: '2026-02-01', to: '2026-03-31' }],
    ] as Array<['month' | 'quarter', Filter]>) {
      const rows = new Map<string, { period: string; currency: string; invoiced: number; paid: number; credited: number }>();
      const row = (date: string, currency: string) => {
        const key = `${period(date, interval)} ${currency}`;
        if (!rows.has(key)) rows.set(key, { period: period(date, interval), currency, invoiced: 0, paid: 0, credited: 0 });
        return rows.get(key)!;
      };
      for (const invoice of invoices)
        if (['open', 'paid', 'uncollectible'].includes(invoice.status) && within(invoice.issueDate!, filter))
          row(invoice.issueDate!, invoice.currency).invoiced += invoice.total;
      for (const payment of payments)
        if (within(payment.receivedAt.slice(0, 10), filter)) row(payment.receivedAt.slice(0, 10), payment.currency).paid += payment.amount;
      for (const refund of given) if (within(refund.createdAt.slice(0, 10), filter)) row(refund.createdAt.slice(0, 10), refund.currency).paid -= refund.amount;
      for (const note of creditNotes) if (within(note.createdAt.slice(0, 10), filter)) row(note.createdAt.slice(0, 10), note.currency).credited += note.amount;
      const response = await owner.get(`/reports/revenue${query({ interval, ...filter })}`);
      expect(response.status).toBe(200);
      expect(sorted(response.body.data)).toEqual(sorted([...rows.values()]));
    }
  });

  it('activity per user: tasks completed, notes written, emails to their contacts, deals won and lost', async () => {
    const tasks = await all<{ assigneeId: string | null; completedAt: string | null }>(owner, '/tasks');
    const notes = await all<{ authorId: string | null }>(owner, '/notes');
    const deals = await all<{ ownerId: string | null; status: string }>(owner, '/deals');
    const ownerOf = new Map(contacts.map((contact) => [contact.id, contact.ownerId]));
    const completed = tally(
      tasks.filter((task) => task.completedAt),
      (task) => task.assigneeId!,
    );
    const written = tally(notes, (note) => note.authorId!);
    const mailed = tally(emails, (email) => ownerOf.get(email.contactId)!);
    const won = tally(
      deals.filter((deal) => deal.status === 'won'),
      (deal) => deal.ownerId!,
    );
    const lost = tally(
      deals.filter((deal) => deal.status === 'lost'),
      (deal) => deal.ownerId!,
    );
    const expected = users.map(({ userId }) => ({
      userId,
      tasksCompleted: completed.get(userId) ?? 0,
      notesCreated: written.get(userId) ?? 0,
      emailsSent: mailed.get(userId) ?? 0,
      dealsWon: won.get(userId) ?? 0,
      dealsLost: lost.get(userId) ?? 0,
    }));
    const everyone = await owner.get('/reports/activity');
    expect(sorted(everyone.body.data)).toEqual(sorted(expected.filter((row) => Object.values(row).some((value) => typeof value === 'number' && value > 0))));
    const one = await owner.get(`/reports/activity?ownerId=${members[1]!.userId}`);
    expect(one.body.data).toEqual(expected.filter((row) => row.userId === members[1]!.userId));
    const own = await members[0]!.get('/reports/activity');
    expect(own.body.data).toEqual(expected.filter((row) => row.userId === members[0]!.userId));
    expect((await owner.get('/reports/activity?to=2020-01-01')).body.data).toEqual([]);
  });

  it('acquisition: new customers by lead source and period', async () => {
    for (const [interval, filter] of [
      ['month', {}],
      ['quarter', {}],
      ['month', { from: '2026-02-01' }],
      ['quarter', { ownerId: owner.userId }],
    ] as Array<['month' | 'quarter', Filter]>) {
      const customers = contacts.filter(
        (contact) => contact.customerSince && within(contact.customerSince, filter) && (!filter.ownerId || contact.ownerId === filter.ownerId),
      );
      const counts = tally(customers, (contact) => JSON.stringify([contact.leadSource, period(contact.customerSince!, interval)]));
      const expected = [...counts].map(([key, newCustomers]) => {
        const [leadSource, label] = JSON.parse(key) as [string | null, string];
        return { leadSource, period: label, newCustomers };
      });
      const response = await owner.get(`/reports/acquisition${query({ interval, ...filter })}`);
      expect(response.status).toBe(200);
      expect(sorted(response.body.data)).toEqual(sorted(expected));
    }
    expect(contacts.some((contact) => contact.customerSince)).toBe(true);
  });

  it('deal velocity: the stays that ended, per stage, with their mean days', async () => {
    const expected = tally([...stays.values()].flat(), (stageId) => stageId);
    const response = await owner.get('/reports/deal-velocity');
    expect(response.status).toBe(200);
    const rows = response.body.data as Array<{ stageId: string; stageName: string; deals: number; averageDays: number }>;
    expect(new Map(rows.map((row) => [row.stageId, row.deals]))).toEqual(expected);
    // The test moved each deal within seconds.
    for (const row of rows) expect(row.averageDays).toBeGreaterThanOrEqual(0);
    for (const row of rows) expect(row.averageDays).toBeLessThan(0.01);
    for (const row of rows) expect(typeof row.stageName).toBe('string');
    expect((await owner.get(`/reports/deal-velocity?pipelineId=${randomUUID()}`)).body.data).toEqual([]);
    // One owner's deals (read from the totals, which are kept per owner): asked for, and a member's own.
    const member = members[0]!;
    const own = tally(
      [...stays].filter(([dealId]) => dealOwners.get(dealId) === member.userId).flatMap(([, stageIds]) => stageIds),
      (stageId) => stageId,
    );
    expect(own.size).toBeGreaterThan(0);
    for (const response of [await owner.get(`/reports/deal-velocity?ownerId=${member.userId}`), await member.get('/reports/deal-velocity')]) {
      expect(response.status).toBe(200);
      expect(new Map((response.body.data as Array<{ stageId: string; deals: number }>).map((row) => [row.stageId, row.deals]))).toEqual(own);
    }
  });

  it('serves a repeated query from the Redis cache until a new event lands, and says how fresh it is', async () => {
    const path = '/reports/acquisition?interval=quarter&from=2026-01-01';
    const first = await owner.get(path);
    const hits = await metric('kinship_report_cache_total', 'result="hit"');
    const again = await owner.get(path);
    expect(again.body).toEqual(first.body);
    expect({ asOf: typeof again.body.asOf, lagMs: again.body.lagMs }).toEqual({ asOf: 'string', lagMs: 0 });
    expect(await metric('kinship_report_cache_total', 'result="hit"')).toBe(hits + 1);

    const customer = await owner.post('/contacts', {
      firstName: 'New',
      email: `new-${randomUUID()}@example.com`,
      lifecycleStage: 'customer',
      customerSince: '2026-03-03',
      leadSource: 'web',
    });
    expect(customer.status).toBe(201);
    await stack.caughtUp();
    const misses = await metric('kinship_report_cache_total', 'result="miss"');
    const after = await owner.get(path);
    expect(await metric('kinship_report_cache_total', 'result="miss"')).toBe(misses + 1);
    const q1 = (rows: Array<{ leadSource: string; period: string; newCustomers: number }>) =>
      rows.find((row) => row.leadSource === 'web' && row.period === '2026-Q1')?.newCustomers ?? 0;
    expect(q1(after.body.data)).toBe(q1(first.body.data) + 1);
    expect(Date.parse(after.body.asOf)).toBeGreaterThan(Date.parse(first.body.asOf));
  });

  it('answers csv, xlsx and pdf files with the JSON rows', async () => {
    const json = (await owner.get('/reports/revenue?interval=quarter')).body.data as Array<Record<string, unknown>>;
    const file = (format: string) =>
      fetch(`${stack.api}/reports/revenue?interval=quarter&format=${format}`, { headers: { authorization: `Bearer ${owner.token}` } });

    const csv = await file('csv');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="revenue.csv"');
    expect((await csv.text()).trim().split('\n')).toEqual([
      'period,currency,invoiced,paid,credited',
      ...json.map((row) => [row.period, row.currency, row.invoiced, row.paid, row.credited].join(',')),
    ]);

    const xlsx = await file('xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const sheet = book.worksheets[0]!;
    const cells: unknown[][] = [];
    sheet.eachRow((row) => cells.push((row.values as unknown[]).slice(1)));
    expect(cells).toEqual([
      ['period', 'currency', 'invoiced', 'paid', 'credited'],
      ...json.map((row) => [row.period, row.currency, row.invoiced, row.paid, row.credited]),
    ]);

    const pdf = await file('pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('refuses bad input with the field named', async () => {
    expectError(await owner.get('/reports/revenue?from=2026-06-01&to=2026-05-01'), 422, 'from');
    expectError(await owner.get('/reports/lead-conversion?kind=sideways'), 400, 'kind');
    expectError(await owner.get('/reports/lead-conversion?firstStage=other'), 400, 'firstStage');
    expectError(await owner.get('/reports/acquisition?interval=week'), 400, 'interval');
    expectError(await owner.get('/reports/deal-velocity?format=docx'), 400, 'format');
    expectError(await members[0]!.get(`/reports/activity?ownerId=${members[1]!.userId}`), 403);
  });

  it('dead-letters an event in an unknown currency after its retries, visible on /metrics, and goes on with the next', async () => {
    const before = await metric('kinship_dead_letters_total', 'consumer="reporting-billing"');
    const bad = {
      invoiceId: randomUUID(),
      number: 'INV-X',
      customer: { contactId: contacts[0]!.id },
      currency: 'ZZZ',
      subtotal: 100,
      tax: 0,
      total: 100,
      issueDate: '2026-06-01',
      dueDate: '2026-07-01',
    };
    await stack.publish('billing', envelope(owner.workspaceId, 'invoice.finalized', bad.invoiceId, bad));
    const good = {
      paymentId: randomUUID(),
      invoiceId: randomUUID(),
      customer: { contactId: contacts[0]!.id },
      currency: 'EUR',
      amount: 777,
      method: 'manual',
      receivedAt: '2026-06-15T10:00:00.000Z',
    };
    await stack.publish('billing', envelope(owner.workspaceId, 'payment.received', good.paymentId, good));
    await eventually(async () => (await owner.get('/reports/revenue?from=2026-06-01&to=2026-06-30')).body.data.length > 0, 30_000);
    expect((await owner.get('/reports/revenue?from=2026-06-01&to=2026-06-30')).body.data).toEqual([
      { period: '2026-06', currency: 'EUR', invoiced: 0, paid: 777, credited: 0 },
    ]);
    // Five deliveries with back-off of 1, 5 and 30 seconds.
    await eventually(async () => (await metric('kinship_dead_letters_total', 'consumer="reporting-billing"')) === before + 1, 120_000);
    expect((await owner.get('/reports/revenue?from=2026-06-01&to=2026-06-30')).body.data).toEqual([
      { period: '2026-06', currency: 'EUR', invoiced: 0, paid: 777, credited: 0 },
    ]);
  }, 180_000);
});
