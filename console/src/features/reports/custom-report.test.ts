import { describe, expect, it } from 'vitest';
import {
  fieldsOf,
  filterOps,
  fromQuery,
  fromSource,
  MEASURE_FNS,
  measures,
  objectFields,
  parseFilterValue,
  sourceOf,
  toQuery,
  type BuilderState,
  type ObjectType,
  withMemberNames,
} from './custom-report';

const CONTRACT: ObjectType = {
  id: '00000000-0000-4000-8000-000000000001',
  key: 'contract',
  singularLabel: 'Contract',
  pluralLabel: 'Contracts',
  icon: null,
  fields: [
    { key: 'name', label: 'Name', type: 'text', required: true, searchable: true, options: [], target: null },
    { key: 'signedOn', label: 'Signed on', type: 'date', required: false, searchable: false, options: [], target: null },
    { key: 'value', label: 'Value', type: 'currency', required: false, searchable: false, options: [], target: null },
    { key: 'seats', label: 'Seats', type: 'number', required: false, searchable: false, options: [], target: null },
    { key: 'stage', label: 'Stage', type: 'select', required: false, searchable: false, options: ['draft', 'signed'], target: null },
    { key: 'tags', label: 'Tags', type: 'multi_select', required: false, searchable: false, options: ['a'], target: null },
  ],
  access: { manager: 'write', member: 'write', viewer: 'read' },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  deletedAt: null,
};

describe('the custom report builder', () => {
  it('reads a filter’s text as the API does: lists, numbers, booleans, nothing for null tests', () => {
    expect(parseFilterValue('in', 'open, won,')).toEqual(['open', 'won']);
    expect(parseFilterValue('gte', '125000')).toBe(125_000);
    expect(parseFilterValue('eq', 'true')).toBe(true);
    expect(parseFilterValue('eq', 'USD')).toBe('USD');
    expect(parseFilterValue('is_null', 'ignored')).toBeUndefined();
  });

  it('turns the rows into a query and a saved query back into the same rows', () => {
    const state: BuilderState = {
      entity: 'deals',
      object: '',
      measures: [
        { fn: 'count', field: '' },
        { fn: 'sum', field: 'amount' },
      ],
      dimensions: [
        { field: 'currency', interval: '' },
        { field: 'closedAt', interval: 'month' },
      ],
      filters: [
        { field: 'status', op: 'in', value: 'won, lost' },
        { field: 'lostReason', op: 'is_null', value: '' },
      ],
    };
    const query = toQuery(state);
    expect(query).toEqual({
      entity: 'deals',
      measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }],
      dimensions: [{ field: 'currency' }, { field: 'closedAt', interval: 'month' }],
      filters: [
        { field: 'status', op: 'in', value: ['won', 'lost'] },
        { field: 'lostReason', op: 'is_null' },
      ],
    });
    expect(fromQuery(query)).toEqual(state);
  });

  it('offers a custom object’s fields by their type: currency amounts and numbers to sum, dates to bucket and bound, text to search', () => {
    const fields = objectFields(CONTRACT);
    expect(fields.map((field) => [field.name, field.label, field.kind])).toEqual([
      ['values.name', 'Name', 'text'],
      ['values.signedOn', 'Signed on', 'date'],
      ['values.value', 'Value', 'money'],
      ['values.value.currency', 'Value currency', 'text'],
      ['values.seats', 'Seats', 'number'],
      ['values.stage', 'Stage', 'enum'],
      ['values.tags', 'Tags', 'other'],
      ['id', 'Record', 'id'],
      ['createdBy', 'createdBy', 'id'],
      ['createdAt', 'createdAt', 'date'],
    ]);
    const measurable = (fn: (typeof MEASURE_FNS)[number]) => fields.filter((field) => measures(fn, field.kind)).map((field) => field.name);
    expect(measurable('sum')).toEqual(['values.value', 'values.seats']);
    expect(measurable('max')).toEqual(['values.signedOn', 'values.value', 'values.seats', 'createdAt']);
    expect(measurable('count_distinct')).toHaveLength(fields.length);
    expect(filterOps('date')).toEqual(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'is_null', 'is_not_null']);
    expect(filterOps('enum')).toEqual(['eq', 'neq', 'in', 'not_in', 'is_null', 'is_not_null']);
    expect(filterOps('text')).toContain('contains');
    expect(filterOps('money')).not.toContain('contains');
  });

  it('reports on a custom object as records with its key, its fields once its type has loaded, and back from a saved query', () => {
    const source = sourceOf({ entity: 'records', object: 'contract' });
    expect(fromSource(source)).toEqual({ entity: 'records', object: 'contract' });
    expect(fromSource('tasks')).toEqual({ entity: 'tasks', object: '' });
    expect(fieldsOf({ entity: 'records', object: 'contract' }, [])).toEqual([]);
    expect(fieldsOf({ entity: 'deals', object: '' }, []).find((field) => field.name === 'amount')?.kind).toBe('money');
    const state: BuilderState = {
      entity: 'records',
      object: 'contract',
      measures: [{ fn: 'sum', field: 'values.value' }],
      dimensions: [
        { field: 'values.signedOn', interval: 'quarter' },
        { field: 'values.value.currency', interval: '' },
      ],
      filters: [
        { field: 'values.name', op: 'eq', value: '42' },
        { field: 'values.seats', op: 'gte', value: '2.5' },
        { field: 'values.signedOn', op: 'gte', value: '2026-01-01' },
      ],
    };
    const query = toQuery(state, fieldsOf(state, [CONTRACT]));
    expect(query).toEqual({
      entity: 'records',
      object: 'contract',
      measures: [{ fn: 'sum', field: 'values.value' }],
      dimensions: [{ field: 'values.signedOn', interval: 'quarter' }, { field: 'values.value.currency' }],
      filters: [
        // A text field's value stays text, even one that reads as a number.
        { field: 'values.name', op: 'eq', value: '42' },
        { field: 'values.seats', op: 'gte', value: 2.5 },
        { field: 'values.signedOn', op: 'gte', value: '2026-01-01' },
      ],
    });
    expect(fromQuery(query)).toEqual(state);
  });
});

describe('member names in a custom report', () => {
  const table = {
    columns: [
      { key: 'ownerId', label: 'Owner', type: 'uuid' as const },
      { key: 'companyId', label: 'Company', type: 'uuid' as const },
      { key: 'count', label: 'Count', type: 'integer' as const },
    ],
    rows: [
      ['u1', 'u1', 3],
      ['u-gone', 'c1', 2],
      [null, 'c2', 1],
    ],
    truncated: false,
  };
  const names = new Map([['u1', 'Rita Rep']]);

  it('names the user-id dimensions’ values, and only theirs', () => {
    expect(withMemberNames(table, names).rows).toEqual([
      ['Rita Rep', 'u1', 3],
      ['u-gone', 'c1', 2],
      [null, 'c2', 1],
    ]);
  });

  it('leaves a table without user dimensions as it is', () => {
    const byCompany = { ...table, columns: table.columns.slice(1), rows: table.rows.map((row) => row.slice(1)) };
    expect(withMemberNames(byCompany, names)).toBe(byCompany);
  });
});
