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
