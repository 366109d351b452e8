import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, expectError, type Caller } from '../../crm/test/support.js';
import { startReportingStack, type ReportingStack } from './support.js';

/**
 * Issue 13 items 4, 5 and 8: custom reports, saved reports and dashboards. Every expected figure
 * is computed here from the crm API's own records (GET /deals, /contacts, /tasks), not from
 * reporting's code or tables.
 */

interface Deal {
  id: string;
  amount: number;
  currency: string;
  status: 'open' | 'won' | 'lost';
  ownerId: string | null;
  closedAt: string | null;
  customFields: Record<string, string | number>;
}

interface Contact {
  id: string;
  lifecycleStage: string;
  ownerId: string | null;
  createdAt: string;
  customFields: Record<string, string | number>;
}

interface Task {
  id: string;
  status: string;
  priority: string;
  assigneeId: string | null;
}

type Row = Array<string | number | boolean | null>;

async function all<T>(caller: Caller, path: string): Promise<T[]> {
  const records: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { data: T[]; nextCursor: string | null } } = await caller.get(
      `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    records.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return records;
}

/** Rows keyed by their dimension cells, so order does not matter. */
function byKey(rows: Row[], dimensions: number): Map<string, Row> {
  return new Map(rows.map((row) => [JSON.stringify(row.slice(0, dimensions)), row.slice(dimensions)]));
}

function tally<T>(items: T[], key: (item: T) => Array<string | null>, measures: (group: T[]) => Row): Map<string, Row> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const groupKey = JSON.stringify(key(item));
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), item]);
  }
  return new Map([...groups].map(([groupKey, group]) => [groupKey, measures(group)]));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

describe('custom reports, saved reports and dashboards', () => {
  let stack: ReportingStack;
  let owner: Caller;
  let member: Caller;
  let manager: Caller;
  let viewer: Caller;
  let deals: Deal[];
  let contacts: Contact[];
  let tasks: Task[];

  beforeAll(async () => {
    stack = await startReportingStack('reporting-custom');
    owner = await stack.signUp('custom');
    member = await stack.member(owner, 'member');
    manager = await stack.as(owner, 'manager');
    viewer = await stack.as(owner, 'viewer');
    for (const field of [
      { entity: 'deal', key: 'seats', label: 'Seats', type: 'number' },
      { entity: 'deal', key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'] },
      { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
    ]) {
      expect((await owner.post('/custom-fields', field)).status).toBe(201);
    }
    const [pipeline] = await eventually(async () => {
      const pipelines = (await owner.get('/pipelines')).body.data as Array<{ id: string; stages: Array<{ id: string; kind: string }> }>;
      return pipelines.length > 0 && pipelines;
    });
    const stageOf = (kind: string) => pipeline!.stages.find((stage) => stage.kind === kind)!.id;

    for (let index = 0; index < 24; index++) {
      const creator = index % 3 === 0 ? member : owner;
      const customFields: Record<string, unknown> = {};
      if (index % 4 !== 0) customFields.seats = 5 + index;
      if (index % 5 !== 0) customFields.region = index % 2 === 0 ? 'emea' : 'amer';
      const created = await creator.post('/deals', {
        name: `Deal ${index}`,
        amount: 1000 * (index + 1),
        currency: index % 3 === 1 ? 'USD' : 'EUR',
        pipelineId: pipeline!.id,
        stageId: stageOf('open'),
        customFields,
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      if (index % 4 === 1) expect((await creator.post(`/deals/${id}/stage`, { stageId: stageOf('won') })).status).toBe(200);
      if (index % 7 === 2) expect((await creator.post(`/deals/${id}/stage`, { stageId: stageOf('lost'), lostReason: 'budget' })).status).toBe(200);
      if (index === 23) expect((await creator.delete(`/deals/${id}`)).status).toBe(204);
    }
    const stagesOfLife = ['lead', 'marketing_qualified', 'customer'];
    for (let index = 0; index < 12; index++) {
      const creator = index % 4 === 0 ? member : owner;
      const created = await creator.post('/contacts', {
        firstName: `Person ${index}`,
        lifecycleStage: stagesOfLife[index % 3],
        leadSource: index % 2 ? 'web' : 'referral',
        customFields: index % 3 ? { tier: index % 2 ? 'gold' : 'silver' } : {},
      });
      expect(created.status).toBe(201);
    }
    for (let index = 0; index < 9; index++) {
      const created = await owner.post('/tasks', {
        title: `Task ${index}`,
        priority: ['low', 'normal', 'high'][index % 3],
        assigneeId: index % 2 ? member.userId : owner.userId,
      });
      expect(created.status).toBe(201);
    }
    deals = await all<Deal>(owner, '/deals');
    contacts = await all<Contact>(owner, '/contacts');
    tasks = await all<Task>(owner, '/tasks');
    await stack.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('counts and sums deals per currency and status, amounts never across currencies', async () => {
    const response = await owner.post('/reports/query', {
      entity: 'deals',
      measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }, { fn: 'max', field: 'amount' }],
      dimensions: [{ field: 'currency' }, { field: 'status' }],
    });
    expect(response.status).toBe(200);
    expect(response.body.columns).toEqual([
      { key: 'currency', label: 'Currency', type: 'text' },
      { key: 'status', label: 'Status', type: 'text' },
      { key: 'count', label: 'Count', type: 'integer' },
      { key: 'sum(amount)', label: 'Sum of Amount', type: 'integer' },
      { key: 'max(amount)', label: 'Highest Amount', type: 'integer' },
    ]);
    const expected = tally(
      deals,
      (deal) => [deal.currency, deal.status],
      (group) => [group.length, sum(group.map((deal) => deal.amount)), Math.max(...group.map((deal) => deal.amount))],
    );
    expect(byKey(response.body.rows, 2)).toEqual(expected);
    expect(response.body.truncated).toBe(false);
    expect(response.body.lagMs).toBe(0);
    expect(typeof response.body.asOf).toBe('string');
    // Ordered by the dimensions by default.
    const keys = (response.body.rows as Row[]).map((row) => `${row[0]}/${row[1]}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('reports on custom fields: sums of a number field per value of a select field, filtered', async () => {
    const response = await owner.post('/reports/query', {
      entity: 'deals',
      measures: [{ fn: 'count' }, { fn: 'sum', field: 'customFields.seats' }, { fn: 'avg', field: 'customFields.seats' }],
      dimensions: [{ field: 'customFields.region' }],
      filters: [
        { field: 'currency', op: 'eq', value: 'EUR' },
        { field: 'customFields.seats', op: 'gte', value: 10 },
      ],
    });
    expect(response.status).toBe(200);
    const matching = deals.filter((deal) => deal.currency === 'EUR' && typeof deal.customFields.seats === 'number' && deal.customFields.seats >= 10);
    const expected = tally(
      matching,
      (deal) => [(deal.customFields.region as string | undefined) ?? null],
      (group) => {
        const seats = group.map((deal) => deal.customFields.seats as number);
        return [group.length, sum(seats), Math.round((sum(seats) / seats.length) * 100) / 100];
      },
    );
    expect(byKey(response.body.rows, 1)).toEqual(expected);
    expect(matching.length).toBeGreaterThan(3);
  });

  it('buckets dates by interval and filters contacts with in and custom fields', async () => {
    const response = await owner.post('/reports/query', {
      entity: 'contacts',
      measures: [{ fn: 'count' }, { fn: 'count_distinct', field: 'ownerId' }],
      dimensions: [{ field: 'createdAt', interval: 'month' }, { field: 'lifecycleStage' }],
      filters: [
        { field: 'lifecycleStage', op: 'in', value: ['lead', 'customer'] },
        { field: 'customFields.tier', op: 'is_not_null' },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.columns[0]).toEqual({ key: 'month(createdAt)', label: 'Created (month)', type: 'period' });
    const matching = contacts.filter((contact) => ['lead', 'customer'].includes(contact.lifecycleStage) && contact.customFields.tier !== undefined);
    const expected = tally(
      matching,
      (contact) => [contact.createdAt.slice(0, 7), contact.lifecycleStage],
      (group) => [group.length, new Set(group.map((contact) => contact.ownerId)).size],
    );
    expect(byKey(response.body.rows, 2)).toEqual(expected);
  });

  it('caps the groups and says truncated; sort and limit apply', async () => {
    const live = deals.length;
    const capped = await owner.post('/reports/query', { entity: 'deals', measures: [{ fn: 'count' }], dimensions: [{ field: 'id' }], limit: 5 });
    expect(capped.status).toBe(200);
    expect(capped.body.rows).toHaveLength(5);
    expect(capped.body.truncated).toBe(true);
    const whole = await owner.post('/reports/query', {
      entity: 'deals',
      measures: [{ fn: 'sum', field: 'amount' }],
      dimensions: [{ field: 'id' }, { field: 'currency' }],
      sort: [{ key: 'sum(amount)', direction: 'desc' }],
    });
    expect(whole.body.rows).toHaveLength(live);
    expect(whole.body.truncated).toBe(false);
    expect((whole.body.rows as Row[]).map((row) => row[2])).toEqual(deals.map((deal) => deal.amount).sort((a, b) => b - a));
  });

  it('gives members their own records only; API keys with reports:read the workspace’s, others 403', async () => {
    const query = { entity: 'deals', measures: [{ fn: 'count' }] };
    expect((await member.post('/reports/query', query)).body.rows).toEqual([[deals.filter((deal) => deal.ownerId === member.userId).length]]);
    expect((await owner.post('/reports/query', query)).body.rows).toEqual([[deals.length]]);
    const tasksQuery = { entity: 'tasks', measures: [{ fn: 'count' }], dimensions: [{ field: 'priority' }] };
    const ownTasks = tally(
      tasks.filter((task) => task.assigneeId === member.userId),
      (task) => [task.priority],
      (group) => [group.length],
    );
    expect(byKey((await member.post('/reports/query', tasksQuery)).body.rows, 1)).toEqual(ownTasks);
    const withScope = await (await stack.apiKey(owner, ['reports:read'])).post('/reports/query', query);
    expect(withScope.body.rows).toEqual([[deals.length]]);
    expectError(await (await stack.apiKey(owner, ['deals:read'])).post('/reports/query', query), 403);
    expect((await viewer.post('/reports/query', query)).body.rows).toEqual([[deals.length]]);
  });

  it('finds nothing by another workspace’s ids', async () => {
    const other = await stack.signUp('other');
    // crm gives a new workspace its default pipeline when it hears of it.
    const [pipeline] = await eventually(async () => {
      const pipelines = (await other.get('/pipelines')).body.data as Array<{ id: string; stages: Array<{ id: string }> }>;
      return pipelines.length > 0 && pipelines;
    });
    const foreign = await other.post('/deals', { name: 'Theirs', amount: 5, currency: 'EUR', pipelineId: pipeline!.id, stageId: pipeline!.stages[0]!.id });
    expect(foreign.status).toBe(201);
    await stack.caughtUp();
    const response = await owner.post('/reports/query', {
      entity: 'deals',
      measures: [{ fn: 'count' }],
      filters: [{ field: 'id', op: 'in', value: [foreign.body.id, randomUUID()] }],
    });
    expect(response.body.rows).toEqual([[0]]);
    expect((await other.post('/reports/query', { entity: 'deals', measures: [{ fn: 'count' }] })).body.rows).toEqual([[1]]);
  });

  it('refuses unknown entities, measures, fields, operators and intervals with a 422 naming the part', async () => {
    const deal = (body: object) => owner.post('/reports/query', { entity: 'deals', measures: [{ fn: 'count' }], ...body });
    expectError(await owner.post('/reports/query', { entity: 'planets', measures: [{ fn: 'count' }] }), 422, 'entity');
    expectError(await deal({ measures: [{ fn: 'median', field: 'amount' }] }), 422, 'measures.0.fn');
    expectError(await deal({ measures: [{ fn: 'count' }, { fn: 'sum', field: 'password' }] }), 422, 'measures.1.field');
    expectError(await deal({ measures: [{ fn: 'sum', field: 'name' }], dimensions: [{ field: 'currency' }] }), 422, 'measures.0.field');
    expectError(await deal({ measures: [{ fn: 'sum', field: 'amount' }] }), 422, 'measures.0.field');
    expectError(await deal({ measures: [{ fn: 'avg' }] }), 422, 'measures.0.field');
    expectError(await deal({ dimensions: [{ field: 'createdAt', interval: 'fortnight' }] }), 422, 'dimensions.0.interval');
    expectError(await deal({ dimensions: [{ field: 'currency', interval: 'month' }] }), 422, 'dimensions.0.interval');
    expectError(await deal({ dimensions: [{ field: 'currency' }, { field: 'status' }, { field: 'ownerId' }, { field: 'stageId' }] }), 422, 'dimensions');
    expectError(await deal({ filters: [{ field: 'status', op: 'like', value: 'open' }] }), 422, 'filters.0.op');
    expectError(await deal({ filters: [{ field: 'status', op: 'eq', value: 'pending' }] }), 422, 'filters.0.value');
    expectError(await deal({ filters: [{ field: 'ownerId', op: 'eq', value: "x' OR 1=1 --" }] }), 422, 'filters.0.value');
    expectError(await deal({ filters: [{ field: 'currency', op: 'gt', value: 'EUR' }] }), 422, 'filters.0.op');
    expectError(await deal({ filters: [{ field: 'customFields.Robert"); DROP TABLE', op: 'is_null' }] }), 422, 'filters.0.field');
    expectError(
      await owner.post('/reports/query', { entity: 'tasks', measures: [{ fn: 'count' }], dimensions: [{ field: 'customFields.tier' }] }),
      422,
      'dimensions.0.field',
    );
    expectError(await deal({ sort: [{ key: 'nothing' }] }), 422, 'sort.0.key');
    expectError(await deal({ limit: 101 }), 422, 'limit');
    expectError(
      await deal({
        dimensions: [{ field: 'createdAt', interval: 'day' }],
        filters: [
          { field: 'createdAt', op: 'gte', value: '2010-01-01' },
          { field: 'createdAt', op: 'lt', value: '2026-01-01' },
        ],
      }),
      422,
      'dimensions.0.interval',
    );
    // The same span in months is fine.
    expect(
      (
        await deal({
          dimensions: [{ field: 'createdAt', interval: 'month' }],
          filters: [
            { field: 'createdAt', op: 'gte', value: '2010-01-01' },
            { field: 'createdAt', op: 'lt', value: '2036-01-01' },
          ],
        })
      ).status,
    ).toBe(200);
  });

  it('keeps saved reports for the workspace: managers and up write them, everyone reads and runs them', async () => {
    const query = { entity: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], dimensions: [{ field: 'ownerId' }, { field: 'currency' }] };
    const created = await manager.post('/reports/saved', { name: 'Pipeline by owner', query });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Pipeline by owner', query, schedule: null, createdBy: manager.userId });
    expectError(await member.post('/reports/saved', { name: 'Mine', query }), 403);
    expectError(await viewer.patch(`/reports/saved/${created.body.id}`, { name: 'Renamed' }), 403);

    const listed = await viewer.get('/reports/saved');
    expect(listed.body.data.map((report: { id: string }) => report.id)).toEqual([created.body.id]);
    const expected = tally(
      deals,
      (deal) => [deal.ownerId, deal.currency],
      (group) => [group.length, sum(group.map((deal) => deal.amount))],
    );
    expect(byKey((await viewer.get(`/reports/saved/${created.body.id}/results`)).body.rows, 2)).toEqual(expected);
    const own = tally(
      deals.filter((deal) => deal.ownerId === member.userId),
      (deal) => [deal.ownerId, deal.currency],
      (group) => [group.length, sum(group.map((deal) => deal.amount))],
    );
    expect(byKey((await member.get(`/reports/saved/${created.body.id}/results`)).body.rows, 2)).toEqual(own);

    const renamed = await manager.patch(`/reports/saved/${created.body.id}`, { name: 'Owners' });
    expect(renamed.body).toMatchObject({ name: 'Owners', query });
    expectError(
      await manager.patch(`/reports/saved/${created.body.id}`, { query: { ...query, dimensions: [{ field: 'nope' }] } }),
      422,
      'query.dimensions.0.field',
    );
    expectError(
      await manager.post('/reports/saved', { name: 'Broken', query: { entity: 'deals', measures: [{ fn: 'sum', field: 'amount' }] } }),
      422,
      'query.measures.0.field',
    );
    expectError(await manager.post('/reports/saved', { name: '', query }), 422, 'name');
    expect((await owner.get(`/reports/saved/${created.body.id}`)).body.name).toBe('Owners');
    expect((await owner.get('/reports/saved')).body.data).toHaveLength(1);

    const other = await stack.signUp('stranger');
    expectError(await other.get(`/reports/saved/${created.body.id}`), 404);
    expectError(await other.delete(`/reports/saved/${created.body.id}`), 404);
    expect((await manager.delete(`/reports/saved/${created.body.id}`)).status).toBe(204);
    expectError(await owner.get(`/reports/saved/${created.body.id}`), 404);
  });

  it('shows each role its dashboard: the workspace, the team, one’s own numbers, a summary', async () => {
    const openBy = (filter: (deal: Deal) => boolean) =>
      tally(
        deals.filter((deal) => deal.status === 'open' && filter(deal)),
        (deal) => [deal.currency],
        (group) => [group.length, sum(group.map((deal) => deal.amount))],
      );

    const forOwner = await owner.get('/dashboards/me');
    expect(forOwner.status).toBe(200);
    expect(forOwner.body.scope).toBe('workspace');
    expect(forOwner.body.widgets.map((widget: { key: string }) => widget.key)).toEqual(['open-pipeline', 'won-this-month', 'new-contacts', 'open-tasks']);
    const pipeline = forOwner.body.widgets[0];
    expect(byKey(pipeline.data.rows, 1)).toEqual(openBy(() => true));
    for (const widget of forOwner.body.widgets) expect(widget).toMatchObject({ lagMs: 0, asOf: expect.any(String) });
    const thisMonth = new Date().toISOString().slice(0, 7);
    const won = tally(
      deals.filter((deal) => deal.status === 'won' && deal.closedAt?.slice(0, 7) === thisMonth),
      (deal) => [deal.currency],
      (group) => [group.length, sum(group.map((deal) => deal.amount))],
    );
    expect(byKey(forOwner.body.widgets[1].data.rows, 1)).toEqual(won);

    const forManager = await manager.get('/dashboards/me');
    expect(forManager.body.scope).toBe('team');
    const byOwner = tally(
      deals.filter((deal) => deal.status === 'open'),
      (deal) => [deal.ownerId, deal.currency],
      (group) => [group.length, sum(group.map((deal) => deal.amount))],
    );
    expect(byKey(forManager.body.widgets[0].data.rows, 2)).toEqual(byOwner);

    const forMember = await member.get('/dashboards/me');
    expect(forMember.body.scope).toBe('own');
    expect(byKey(forMember.body.widgets[0].data.rows, 1)).toEqual(openBy((deal) => deal.ownerId === member.userId));
    expect(forMember.body.widgets[2]).toMatchObject({
      key: 'my-open-tasks',
      kind: 'metric',
      data: { rows: [[tasks.filter((task) => task.assigneeId === member.userId).length]] },
    });

    const forViewer = await viewer.get('/dashboards/me');
    expect(forViewer.body.scope).toBe('summary');
    expect(forViewer.body.widgets.map((widget: { key: string; data: { rows: Row[] } }) => [widget.key, widget.data.rows])).toEqual([
      ['open-deals', [[deals.filter((deal) => deal.status === 'open').length]]],
      ['contacts', [[contacts.length]]],
      ['open-tasks', [[tasks.length]]],
    ]);
  });

  it('keeps custom dashboards whose widgets show saved reports, scoped per reader', async () => {
    const report = await manager.post('/reports/saved', {
      name: 'Deals by currency',
      query: { entity: 'deals', measures: [{ fn: 'count' }], dimensions: [{ field: 'currency' }] },
    });
    expect(report.status).toBe(201);
    const created = await manager.post('/dashboards', {
      name: 'Sales',
      widgets: [{ savedReportId: report.body.id }, { savedReportId: report.body.id, title: 'Again' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.widgets).toEqual([
      { savedReportId: report.body.id, title: null },
      { savedReportId: report.body.id, title: 'Again' },
    ]);
    expectError(await member.post('/dashboards', { name: 'Mine', widgets: [] }), 403);
    expectError(await manager.post('/dashboards', { name: 'Bad', widgets: [{ savedReportId: randomUUID() }] }), 422, 'widgets.0.savedReportId');
    expect((await owner.get('/dashboards')).body.data.map((dashboard: { id: string }) => dashboard.id)).toEqual([created.body.id]);

    const view = await owner.get(`/dashboards/${created.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body.widgets.map((widget: { title: string }) => widget.title)).toEqual(['Deals by currency', 'Again']);
    expect(byKey(view.body.widgets[0].data.rows, 1)).toEqual(
      tally(
        deals,
        (deal) => [deal.currency],
        (group) => [group.length],
      ),
    );
    const memberView = await member.get(`/dashboards/${created.body.id}`);
    expect(byKey(memberView.body.widgets[0].data.rows, 1)).toEqual(
      tally(
        deals.filter((deal) => deal.ownerId === member.userId),
        (deal) => [deal.currency],
        (group) => [group.length],
      ),
    );

    expect((await manager.patch(`/dashboards/${created.body.id}`, { name: 'Sales team' })).body.name).toBe('Sales team');
    expect((await manager.delete(`/reports/saved/${report.body.id}`)).status).toBe(204);
    const orphaned = await owner.get(`/dashboards/${created.body.id}`);
    expect(orphaned.body.widgets[0]).toMatchObject({ data: null, asOf: null, lagMs: null });
    expect((await manager.delete(`/dashboards/${created.body.id}`)).status).toBe(204);
    expectError(await owner.get(`/dashboards/${created.body.id}`), 404);
  });
});
