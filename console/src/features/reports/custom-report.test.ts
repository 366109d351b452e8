import { describe, expect, it } from 'vitest';
import { fromQuery, parseFilterValue, toQuery, withMemberNames, type BuilderState } from './custom-report';

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
