import { describe, expect, it } from 'vitest';
import { chartOf, formatCell, freshness, isMeasure, isMoneyMeasure, metricOf, pivot, type ReportTable } from './report-table';

const wonByCurrency: ReportTable = {
  columns: [
    { key: 'currency', label: 'Currency', type: 'text' },
    { key: 'count', label: 'Count', type: 'integer' },
    { key: 'sum(amount)', label: 'Sum of amount', type: 'integer' },
  ],
  rows: [
    ['USD', 2, 125_050],
    ['JPY', 1, 5_000],
  ],
  truncated: false,
};

describe('report tables', () => {
  it('tells measures from dimensions, and money measures from the rest', () => {
    expect(wonByCurrency.columns.map(isMeasure)).toEqual([false, true, true]);
    expect(wonByCurrency.columns.map(isMoneyMeasure)).toEqual([false, false, true]);
    expect(isMoneyMeasure({ key: 'avg(customFields.dealAmount)' })).toBe(true);
    expect(isMoneyMeasure({ key: 'avg(probability)' })).toBe(false);
    expect(isMeasure({ key: 'quarter(values.signedOn)' })).toBe(false);
  });

  it('formats money in each row’s own currency and its minor units', () => {
    expect(formatCell(wonByCurrency, wonByCurrency.rows[0]!, 2, 'en-US')).toBe('$1,250.50');
    expect(formatCell(wonByCurrency, wonByCurrency.rows[1]!, 2, 'en-US')).toBe('¥5,000');
    expect(formatCell(wonByCurrency, wonByCurrency.rows[0]!, 1, 'en-US')).toBe('2');
    expect(formatCell({ ...wonByCurrency, rows: [['USD', 1, null]] }, ['USD', 1, null], 2, 'en-US')).toBe('—');
  });

  it('charts one dimension over plain numbers, and leaves money and two dimensions to the table', () => {
    const byMonth: ReportTable = {
      columns: [
        { key: 'createdAt', label: 'Created (month)', type: 'period' },
        { key: 'count', label: 'Count', type: 'integer' },
      ],
      rows: [
        ['2026-11', 3],
        ['2026-12', 5],
      ],
      truncated: false,
    };
    expect(chartOf(byMonth)).toEqual({
      dataKey: 'createdAt',
      data: [
        { createdAt: '2026-11', count: 3 },
        { createdAt: '2026-12', count: 5 },
      ],
      series: [{ name: 'count', label: 'Count' }],
    });
    expect(chartOf({ ...byMonth, rows: [] })).toBeNull();
    expect(chartOf(wonByCurrency)).toBeNull();
    expect(chartOf({ ...wonByCurrency, columns: [{ key: 'ownerId', label: 'Owner', type: 'uuid' }, ...wonByCurrency.columns] })).toBeNull();
  });

  it('reads a metric’s figure, 0 when nothing matched', () => {
    expect(metricOf({ columns: [{ key: 'count', label: 'Count', type: 'integer' }], rows: [[7]], truncated: false })).toBe(7);
    expect(metricOf({ columns: [{ key: 'count', label: 'Count', type: 'integer' }], rows: [], truncated: false })).toBe(0);
    expect(metricOf(null)).toBe(0);
  });

  it('says how fresh a figure is', () => {
    expect(freshness(null, null)).toBe('No events applied yet');
    expect(freshness('2026-12-06T03:00:00Z', 0, 'en-US')).toMatch(/^Up to date · as of Dec 6, 2026/);
    expect(freshness('2026-12-06T03:00:00Z', 2_100, 'en-US')).toMatch(/^3 s behind · as of Dec 6, 2026/);
  });
});

describe('pivot', () => {
  it('puts one point per period with a value per series, adding rows that share both', () => {
    const rows = [
      { period: '2026-11', source: 'web', n: 2 },
      { period: '2026-11', source: 'referral', n: 1 },
      { period: '2026-12', source: 'web', n: 4 },
      { period: '2026-12', source: 'web', n: 1 },
    ];
    expect(
      pivot(
        rows,
        (row) => row.period,
        (row) => row.source,
        (row) => row.n,
      ),
    ).toEqual({
      data: [
        { x: '2026-11', web: 2, referral: 1 },
        { x: '2026-12', web: 5 },
      ],
      series: ['web', 'referral'],
    });
  });
});

describe('report tables over a custom object’s records', () => {
  it('formats a custom object’s currency amounts in the currency of their own field, and leaves them out of the chart while grouped by currency', () => {
    const contracts: ReportTable = {
      columns: [
        { key: 'values.value.currency', label: 'Value currency', type: 'text' },
        { key: 'count', label: 'Count', type: 'integer' },
        { key: 'sum(values.value)', label: 'Sum of Value', type: 'integer' },
        { key: 'sum(values.seats)', label: 'Sum of Seats', type: 'number' },
      ],
      rows: [['EUR', 3, 165_050, 4.5]],
      truncated: false,
    };
    expect(formatCell(contracts, contracts.rows[0]!, 2, 'en-US')).toBe('€1,650.50');
    expect(formatCell(contracts, contracts.rows[0]!, 1, 'en-US')).toBe('3');
    expect(formatCell(contracts, contracts.rows[0]!, 3, 'en-US')).toBe('4.5');
    expect(chartOf(contracts)).toBeNull();
    const bySeats: ReportTable = {
      ...contracts,
      columns: [{ key: 'month(values.signedOn)', label: 'Signed on (month)', type: 'period' }, ...contracts.columns.slice(1)],
    };
    expect(chartOf({ ...bySeats, rows: [['2026-01', 3, 165_050, 4.5]] })?.series.map((series) => series.name)).toEqual([
      'count',
      'sum(values.value)',
      'sum(values.seats)',
    ]);
  });
});
