import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, type Caller } from '../../crm/test/support.js';
import { startReportingStack, type ReportingStack } from './support.js';

/** Custom reports over the records of a custom object (entity records): figures computed from the crm API's own records. */

let stack: ReportingStack;

const PROPERTY = {
  key: 'property',
  singularLabel: 'Property',
  pluralLabel: 'Properties',
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true },
    { key: 'propertyType', label: 'Property type', type: 'select', options: ['house', 'flat'] },
    { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
  ],
};
const LEASE = { key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases', fields: [{ key: 'name', label: 'Name', type: 'text' }] };

interface PropertyRecord {
  id: string;
  createdBy: string | null;
  values: { propertyType?: string; bedrooms?: number };
}

async function properties(caller: Caller): Promise<PropertyRecord[]> {
  const page = await caller.get('/objects/property/records?limit=100');
  expect(page.status).toBe(200);
  return page.body.data;
}

const BY_TYPE = {
  entity: 'records',
  object: 'property',
  measures: [{ fn: 'count' }, { fn: 'sum', field: 'values.bedrooms' }],
  dimensions: [{ field: 'values.propertyType' }],
};

/** [type, count, sum of bedrooms] per type, ascending, as the report should answer. */
function byType(records: PropertyRecord[]): Array<[string, number, number]> {
  const groups = new Map<string, [number, number]>();
  for (const record of records) {
    const [count, bedrooms] = groups.get(record.values.propertyType!) ?? [0, 0];
    groups.set(record.values.propertyType!, [count + 1, bedrooms + (record.values.bedrooms ?? 0)]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, [count, bedrooms]]) => [type, count, bedrooms]);
}

async function workspace(): Promise<Caller> {
  const owner = await stack.signUp();
  expect((await owner.post('/objects', PROPERTY)).status).toBe(201);
  expect((await owner.post('/objects', LEASE)).status).toBe(201);
  return owner;
}

beforeAll(async () => {
  stack = await startReportingStack('object-record-reports');
}, 90_000);

afterAll(async () => {
  await stack?.close();
});

describe('custom reports over custom object records', () => {
  it('counts and sums a custom object’s live records by a field of theirs, after creates, updates and deletes, and filters on its values', async () => {
    const owner = await workspace();
    const create = async (propertyType: string, bedrooms: number) =>
      (await owner.post('/objects/property/records', { values: { name: `${propertyType} ${bedrooms}`, propertyType, bedrooms } })).body.id as string;
    await create('house', 3);
    const changed = await create('house', 4);
    await create('flat', 1);
    const deleted = await create('flat', 2);
    expect((await owner.post('/objects/lease/records', { values: { name: 'Not a property' } })).status).toBe(201);
    expect((await owner.patch(`/objects/property/records/${changed}`, { values: { bedrooms: 5 } })).status).toBe(200);
    expect((await owner.delete(`/objects/property/records/${deleted}`)).status).toBe(204);
    await stack.caughtUp();

    const expected = byType(await properties(owner));
    expect(expected).toEqual([
      ['flat', 1, 1],
      ['house', 2, 8],
    ]);
    const report = await owner.post('/reports/query', BY_TYPE);
    expect(report.status).toBe(200);
    expect(report.body.columns.map((column: { key: string }) => column.key)).toEqual(['values.propertyType', 'count', 'sum(values.bedrooms)']);
    expect(report.body.rows).toEqual(expected);

    const large = await owner.post('/reports/query', {
      entity: 'records',
      object: 'property',
      measures: [{ fn: 'count' }],
      filters: [{ field: 'values.bedrooms', op: 'gte', value: 3 }],
    });
    expect(large.body.rows).toEqual([[(await properties(owner)).filter((record) => (record.values.bedrooms ?? 0) >= 3).length]]);
  });

  it('refuses a records report without an object, with an unknown object or field, or an object on another entity, with 422 naming it', async () => {
    const owner = await workspace();
    const count = [{ fn: 'count' }];
    expectError(await owner.post('/reports/query', { entity: 'records', measures: count }), 422, 'object');
    expectError(await owner.post('/reports/query', { entity: 'records', object: 'castle', measures: count }), 422, 'object');
    expectError(await owner.post('/reports/query', { entity: 'records', object: 'Not a key', measures: count }), 422, 'object');
    expectError(await owner.post('/reports/query', { entity: 'deals', object: 'property', measures: count }), 422, 'object');
    expectError(await owner.post('/reports/query', { ...BY_TYPE, measures: [{ fn: 'sum', field: 'values.bed-rooms' }] }), 422, 'measures.0.field');
    expectError(await owner.post('/reports/query', { ...BY_TYPE, measures: [{ fn: 'sum', field: 'customFields.bedrooms' }] }), 422, 'measures.0.field');
  });

  it('reports on an object only to a role or API key that may read its records; a member on the records they created', async () => {
    const owner = await workspace();
    expect((await owner.post('/objects/property/records', { values: { name: 'Owner’s', propertyType: 'house', bedrooms: 3 } })).status).toBe(201);
    const member = await stack.as(owner, 'member');
    expect((await member.post('/objects/property/records', { values: { name: 'Member’s', propertyType: 'flat', bedrooms: 2 } })).status).toBe(201);
    await stack.caughtUp();

    expect((await owner.post('/reports/query', BY_TYPE)).body.rows).toEqual(byType(await properties(owner)));
    const own = (await properties(owner)).filter((record) => record.createdBy === member.userId);
    expect((await member.post('/reports/query', BY_TYPE)).body.rows).toEqual(byType(own));

    expect((await owner.patch('/objects/property', { access: { viewer: 'none', manager: 'none' } })).status).toBe(200);
    expectError(await (await stack.as(owner, 'viewer')).post('/reports/query', BY_TYPE), 403);
    // Saved reports: saved only by who may read the records, and run only for them.
    const manager = await stack.as(owner, 'manager');
    expectError(await manager.post('/reports/saved', { name: 'Properties by type', query: BY_TYPE }), 403);
    expectError(await owner.post('/reports/saved', { name: 'Castles', query: { ...BY_TYPE, object: 'castle' } }), 422, 'query.object');
    const saved = await owner.post('/reports/saved', { name: 'Properties by type', query: BY_TYPE });
    expect(saved.status).toBe(201);
    expect((await owner.get(`/reports/saved/${saved.body.id}/results`)).body.rows).toEqual(byType(await properties(owner)));
    expectError(await manager.get(`/reports/saved/${saved.body.id}/results`), 403);

    const leaseReader = await stack.apiKey(owner, ['reports:read', 'records:read:lease']);
    expectError(await leaseReader.post('/reports/query', BY_TYPE), 403);
    expect((await leaseReader.post('/reports/query', { entity: 'records', object: 'lease', measures: [{ fn: 'count' }] })).body.rows).toEqual([[0]]);
    const propertyReader = await stack.apiKey(owner, ['reports:read', 'records:read:property']);
    expect((await propertyReader.post('/reports/query', BY_TYPE)).body.rows).toEqual(byType(await properties(owner)));
  });
});

const CONTRACT = {
  key: 'contract',
  singularLabel: 'Contract',
  pluralLabel: 'Contracts',
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true },
    { key: 'signedOn', label: 'Signed on', type: 'date' },
    { key: 'value', label: 'Value', type: 'currency' },
    { key: 'seats', label: 'Seats', type: 'number' },
    { key: 'stage', label: 'Stage', type: 'select', options: ['draft', 'signed'] },
  ],
};

interface ContractRecord {
  values: { signedOn?: string; value?: { amount: number; currency: string }; seats?: number; stage?: string };
}

/** A calendar date's bucket as PostgreSQL names it: 2026-W05 (ISO week and its year), 2026-Q1, 2026-02. */
function bucketOf(date: string, interval: 'week' | 'month' | 'quarter'): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  if (interval === 'month') return date.slice(0, 7);
  if (interval === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  const day = new Date(`${date}T00:00:00Z`);
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * 86_400_000);
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / 86_400_000 / 7 - (3 - ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

describe('record values typed by their object’s fields', () => {
  let owner: Caller;
  let contracts: ContractRecord[];

  beforeAll(async () => {
    owner = await stack.signUp();
    expect((await owner.post('/objects', CONTRACT)).status).toBe(201);
    const rows: Array<[string, number, string, number, string]> = [
      ['2026-01-05', 120_000, 'EUR', 3, 'signed'],
      ['2026-01-30', 45_050, 'EUR', 1.5, 'signed'],
      ['2026-01-31', 99_999, 'USD', 2, 'draft'],
      ['2026-02-14', 10_000, 'USD', 10, 'signed'],
      ['2026-04-01', 7_525, 'EUR', 0.25, 'draft'],
      ['2025-12-29', 1_000, 'EUR', 4, 'signed'],
    ];
    for (const [index, [signedOn, amount, currency, seats, stage]] of rows.entries()) {
      const created = await owner.post('/objects/contract/records', {
        values: { name: `Contract ${index}`, signedOn, value: { amount, currency }, seats, stage },
      });
      expect(created.status).toBe(201);
    }
    expect((await owner.post('/objects/contract/records', { values: { name: 'Unsigned' } })).status).toBe(201);
    await stack.caughtUp();
    const page = await owner.get('/objects/contract/records?limit=100');
    expect(page.status).toBe(200);
    contracts = page.body.data;
    expect(contracts).toHaveLength(rows.length + 1);
  });

  it('buckets a date field by week, month and quarter and sums, averages and bounds a currency field per currency', async () => {
    for (const interval of ['week', 'month', 'quarter'] as const) {
      const report = await owner.post('/reports/query', {
        entity: 'records',
        object: 'contract',
        measures: [{ fn: 'count' }, { fn: 'sum', field: 'values.value' }, { fn: 'min', field: 'values.value' }, { fn: 'max', field: 'values.value' }],
        dimensions: [{ field: 'values.signedOn', interval }, { field: 'values.value.currency' }],
        filters: [{ field: 'values.signedOn', op: 'is_not_null' }],
      });
      expect(report.status).toBe(200);
      expect(report.body.columns.map((column: { key: string; type: string }) => [column.key, column.type])).toEqual([
        [`${interval}(values.signedOn)`, 'period'],
        ['values.value.currency', 'text'],
        ['count', 'integer'],
        ['sum(values.value)', 'integer'],
        ['min(values.value)', 'integer'],
        ['max(values.value)', 'integer'],
      ]);
      const groups = new Map<string, number[]>();
      for (const { values } of contracts.filter((record) => record.values.signedOn)) {
        const key = `${bucketOf(values.signedOn!, interval)}|${values.value!.currency}`;
        groups.set(key, [...(groups.get(key) ?? []), values.value!.amount]);
      }
      const expected = [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, amounts]) => [
          ...key.split('|'),
          amounts.length,
          amounts.reduce((sum, amount) => sum + amount, 0),
          Math.min(...amounts),
          Math.max(...amounts),
        ]);
      expect(report.body.rows).toEqual(expected);
    }
    // The ISO week of 2025-12-29 is the first of 2026.
    expect(bucketOf('2025-12-29', 'week')).toBe('2026-W01');
  });

  it('sums and averages a number field, filters a date field by its bounds and a select by its options', async () => {
    const report = await owner.post('/reports/query', {
      entity: 'records',
      object: 'contract',
      measures: [
        { fn: 'sum', field: 'values.seats' },
        { fn: 'avg', field: 'values.seats' },
        { fn: 'avg', field: 'values.value' },
      ],
      dimensions: [{ field: 'values.stage' }],
      filters: [
        { field: 'values.signedOn', op: 'gte', value: '2026-01-01' },
        { field: 'values.value.currency', op: 'eq', value: 'EUR' },
      ],
    });
    expect(report.status).toBe(200);
    expect(report.body.columns.map((column: { type: string }) => column.type)).toEqual(['text', 'number', 'number', 'number']);
    const chosen = contracts.filter(({ values }) => values.signedOn && values.signedOn >= '2026-01-01' && values.value?.currency === 'EUR');
    const expected = ['draft', 'signed']
      .map((stage) => chosen.filter((record) => record.values.stage === stage))
      .filter((group) => group.length > 0)
      .map((group) => {
        const seats = group.reduce((sum, record) => sum + record.values.seats!, 0);
        const amounts = group.reduce((sum, record) => sum + record.values.value!.amount, 0);
        return [group[0]!.values.stage, seats, Math.round((seats / group.length) * 100) / 100, Math.round((amounts / group.length) * 100) / 100];
      });
    expect(expected).toHaveLength(2);
    expect(report.body.rows).toEqual(expected);

    const signed = await owner.post('/reports/query', {
      entity: 'records',
      object: 'contract',
      measures: [{ fn: 'count' }],
      filters: [
        { field: 'values.stage', op: 'in', value: ['signed'] },
        { field: 'values.seats', op: 'gt', value: 1.5 },
      ],
    });
    expect(signed.body.rows).toEqual([[contracts.filter(({ values }) => values.stage === 'signed' && values.seats! > 1.5).length]]);
  });

  it('refuses a part that does not suit its field’s type with a 422 naming it', async () => {
    const query = { entity: 'records', object: 'contract', measures: [{ fn: 'count' }] };
    const refused = async (part: Record<string, unknown>, field: string) => expectError(await owner.post('/reports/query', { ...query, ...part }), 422, field);
    await refused({ dimensions: [{ field: 'values.name', interval: 'month' }] }, 'dimensions.0.interval');
    await refused({ measures: [{ fn: 'sum', field: 'values.stage' }] }, 'measures.0.field');
    await refused({ measures: [{ fn: 'avg', field: 'values.name' }] }, 'measures.0.field');
    // Amounts of different currencies are never added up.
    await refused({ measures: [{ fn: 'sum', field: 'values.value' }] }, 'measures.0.field');
    await refused({ measures: [{ fn: 'sum', field: 'values.nothing' }] }, 'measures.0.field');
    await refused({ dimensions: [{ field: 'values.seats.currency' }] }, 'dimensions.0.field');
    await refused({ filters: [{ field: 'values.stage', op: 'eq', value: 'won' }] }, 'filters.0.value');
    await refused({ filters: [{ field: 'values.signedOn', op: 'gte', value: 'soon' }] }, 'filters.0.value');
    await refused({ filters: [{ field: 'values.seats', op: 'gt', value: 'many' }] }, 'filters.0.value');
    await refused({ filters: [{ field: 'values.stage', op: 'gt', value: 'draft' }] }, 'filters.0.op');
    const saved = await owner.post('/reports/saved', { name: 'Sums', query: { ...query, measures: [{ fn: 'sum', field: 'values.stage' }] } });
    expectError(saved, 422, 'query.measures.0.field');
  });

  it('stops running a saved report whose field was removed from the object: its results a 422 naming it, its dashboard card empty', async () => {
    const workspace = await stack.signUp();
    expect((await workspace.post('/objects', CONTRACT)).status).toBe(201);
    expect((await workspace.post('/objects/contract/records', { values: { name: 'One', seats: 2 } })).status).toBe(201);
    await stack.caughtUp();
    const query = { entity: 'records', object: 'contract', measures: [{ fn: 'sum', field: 'values.seats' }] };
    const saved = await workspace.post('/reports/saved', { name: 'Seats', query });
    expect(saved.status).toBe(201);
    const dashboard = await workspace.post('/dashboards', { name: 'Contracts', widgets: [{ savedReportId: saved.body.id }] });
    expect(dashboard.status).toBe(201);
    expect((await workspace.get(`/dashboards/${dashboard.body.id}`)).body.widgets[0].data.rows).toEqual([[2]]);

    expect((await workspace.delete('/objects/contract/fields/seats')).status).toBe(204);
    expectError(await workspace.get(`/reports/saved/${saved.body.id}/results`), 422, 'measures.0.field');
    const card = (await workspace.get(`/dashboards/${dashboard.body.id}`)).body.widgets[0];
    expect(card).toMatchObject({ title: 'Seats', data: null });
  });
});
