import { describe, expect, it } from '@jest/globals';
import type { CustomReportQuery } from '@kinship/contracts/reporting';
import { RpcError } from '@kinship/messaging';
import { CustomQueryCompiler } from './custom-query.compiler.js';

const WORKSPACE = '00000000-0000-4000-8000-000000000001';
const OWNER = '00000000-0000-4000-8000-000000000002';

function compile(query: CustomReportQuery, ownerId: string | null = null) {
  return new CustomQueryCompiler(query, WORKSPACE).compile(ownerId);
}

function problems(query: CustomReportQuery): Array<{ field?: string }> {
  try {
    compile(query);
  } catch (error) {
    if (error instanceof RpcError) return error.details;
    throw error;
  }
  throw new Error('compiled');
}

describe('CustomQueryCompiler', () => {
  it('puts every value and custom field key in the parameters, never in the SQL', () => {
    const compiled = compile(
      {
        entity: 'deals',
        measures: [{ fn: 'sum', field: 'customFields.seats' }],
        dimensions: [{ field: 'customFields.region' }, { field: 'currency' }],
        filters: [
          { field: 'name', op: 'contains', value: "50%_off' OR 1=1" },
          { field: 'customFields.region', op: 'in', value: ['emea', 'amer'] },
        ],
      },
      OWNER,
    );
    for (const text of ['seats', 'region', 'emea', 'OR 1=1', OWNER]) expect(compiled.sql).not.toContain(text);
    expect(compiled.parameters).toEqual([WORKSPACE, OWNER, "%50\\%\\_off' OR 1=1%", 'region', ['emea', 'amer'], 'seats']);
    expect(compiled.sql).toContain('r.owner_id = $2::uuid');
    expect(compiled.sql).toMatch(/GROUP BY 1, 2 ORDER BY 1 ASC NULLS LAST, 2 ASC NULLS LAST LIMIT 101$/);
    expect(compiled.columns.map((column) => column.key)).toEqual(['customFields.region', 'currency', 'sum(customFields.seats)']);
  });

  it('names every bad part at once', () => {
    expect(
      problems({
        entity: 'tasks',
        measures: [{ fn: 'sum', field: 'status' }, { fn: 'max' }],
        dimensions: [{ field: 'priority', interval: 'month' }, { field: 'customFields.x' }],
        filters: [
          { field: 'dueAt', op: 'gt', value: 'tomorrow' },
          { field: 'status', op: 'in', value: [] },
        ],
        sort: [{ key: 'count' }],
      }).map((detail) => detail.field),
    ).toEqual(['filters.0.value', 'filters.1.value', 'dimensions.0.interval', 'dimensions.1.field', 'measures.0.field', 'measures.1.field', 'sort.0.key']);
  });

  it('caps the groups at the limit, asking for one more to know whether it truncated', () => {
    expect(compile({ entity: 'contacts', measures: [{ fn: 'count' }], limit: 10 })).toMatchObject({ cap: 10, sql: expect.stringMatching(/LIMIT 11$/) });
  });

  it('types a custom object’s values by its fields, their keys parameters too, and names each use its type does not allow', () => {
    const fields = [
      { key: 'signedOn', label: 'Signed on', type: 'date' as const, options: [] },
      { key: 'value', label: 'Value', type: 'currency' as const, options: [] },
      { key: 'stage', label: 'Stage', type: 'select' as const, options: ['draft', 'signed'] },
    ];
    const records = (query: Omit<CustomReportQuery, 'entity' | 'object'>) =>
      new CustomQueryCompiler({ entity: 'records', object: 'contract', ...query }, WORKSPACE, fields);
    const compiled = records({
      measures: [{ fn: 'sum', field: 'values.value' }],
      dimensions: [{ field: 'values.signedOn', interval: 'quarter' }, { field: 'values.value.currency' }],
      filters: [{ field: 'values.stage', op: 'eq', value: 'signed' }],
    }).compile(null);
    for (const text of ['signedOn', 'stage', 'signed', 'contract']) expect(compiled.sql).not.toContain(text);
    expect(compiled.parameters).toEqual([WORKSPACE, 'contract', 'stage', 'signed', 'signedOn', 'value']);
    expect(compiled.columns.map((column) => [column.key, column.label, column.type])).toEqual([
      ['quarter(values.signedOn)', 'Signed on (quarter)', 'period'],
      ['values.value.currency', 'Value currency', 'text'],
      ['sum(values.value)', 'Sum of Value', 'integer'],
    ]);
    let details: Array<{ field?: string }> = [];
    try {
      records({
        measures: [
          { fn: 'sum', field: 'values.value' },
          { fn: 'avg', field: 'values.stage' },
        ],
        dimensions: [{ field: 'values.stage', interval: 'month' }, { field: 'values.stage.currency' }],
        filters: [{ field: 'values.stage', op: 'eq', value: 'won' }],
      }).compile(null);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      details = error.details;
    }
    expect(details.map((detail) => detail.field)).toEqual([
      'filters.0.value',
      'dimensions.0.interval',
      'dimensions.1.field',
      'measures.0.field',
      'measures.1.field',
    ]);
  });
});
