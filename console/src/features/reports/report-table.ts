import type { components } from '../../api/schema';
import { formatDateTime, formatMoney } from '../../lib/i18n';
import { t } from './i18n';

export type ReportTable = components['schemas']['ReportTable'];
export type ReportColumn = components['schemas']['ReportColumn'];
type Cell = ReportTable['rows'][number][number];

/** Measures are `count` or `fn(field)`; every other column is a dimension the rows are grouped by (a date's bucket reads `month(field)`). */
export function isMeasure(column: Pick<ReportColumn, 'key'>): boolean {
  return column.key === 'count' || /^(count|count_distinct|sum|avg|min|max)\(.+\)$/.test(column.key);
}

/** sum/avg/min/max of a money field, in minor units of the row's currency. */
export function isMoneyMeasure(column: Pick<ReportColumn, 'key'>): boolean {
  return /^(sum|avg|min|max)\((amount|[\w.]*[aA]mount)\)$/.test(column.key);
}

/** The column holding a measure's currency: a custom object's currency field's own (values.<key>.currency), else currency for money measures; -1 when none. */
function currencyColumn(table: ReportTable, column: Pick<ReportColumn, 'key'>): number {
  const measured = /^\w+\((values\.\w+)\)$/.exec(column.key)?.[1];
  const own = measured ? table.columns.findIndex((candidate) => candidate.key === `${measured}.currency`) : -1;
  if (own >= 0 || !isMoneyMeasure(column)) return own;
  return table.columns.findIndex((candidate) => candidate.key === 'currency');
}

/** A cell as the user reads it: money in the row's currency, dates in their locale, numbers grouped. */
export function formatCell(table: ReportTable, row: ReportTable['rows'][number], index: number, locale?: string): string {
  const column = table.columns[index]!;
  const value: Cell = row[index] ?? null;
  if (value === null) return '—';
  const currencyIndex = column.key.startsWith('count') ? -1 : currencyColumn(table, column);
  const currency = currencyIndex >= 0 ? row[currencyIndex] : null;
  if (typeof value === 'number' && typeof currency === 'string') return formatMoney(Math.round(value), currency, locale);
  if (typeof value === 'number') return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (column.type === 'datetime') return formatDateTime(value, locale);
  return String(value);
}

export interface ReportChart {
  dataKey: string;
  data: Array<Record<string, string | number>>;
  series: Array<{ name: string; label: string }>;
}

/**
 * A bar chart of a table grouped by one dimension over plain-number measures (counts, averages of
 * days): money, and counts per currency, are left to the table, where each amount sits by its currency.
 */
export function chartOf(table: ReportTable): ReportChart | null {
  const dimensions = table.columns.filter((column) => !isMeasure(column));
  const measures = table.columns.filter((column) => isMeasure(column) && !isMoneyMeasure(column) && currencyColumn(table, column) < 0);
  const dimension = dimensions[0];
  if (
    !dimension ||
    dimensions.length !== 1 ||
    dimension.key === 'currency' ||
    dimension.key.endsWith('.currency') ||
    measures.length === 0 ||
    table.rows.length === 0
  )
    return null;
  const at = (key: string) => table.columns.findIndex((column) => column.key === key);
  return {
    dataKey: dimension.key,
    data: table.rows.map((row) => {
      const point: Record<string, string | number> = { [dimension.key]: String(row[at(dimension.key)] ?? '—') };
      for (const measure of measures) point[measure.key] = Number(row[at(measure.key)] ?? 0);
      return point;
    }),
    series: measures.map((measure) => ({ name: measure.key, label: measure.label })),
  };
}

/** The single figure of a metric widget: its first measure, 0 when no row matched. */
export function metricOf(table: ReportTable | null): number {
  if (!table) return 0;
  const index = table.columns.findIndex((column) => isMeasure(column));
  const value = index >= 0 ? table.rows[0]?.[index] : null;
  return typeof value === 'number' ? value : 0;
}

/** How fresh a figure is: when the read models last applied an event and how far behind they are. */
export function freshness(asOf: string | null, lagMs: number | null, locale?: string): string {
  if (!asOf) return t('reports.noEventsYet');
  const when = formatDateTime(asOf, locale);
  if (!lagMs) return t('reports.upToDate', { when });
  return t('reports.behind', { when, seconds: Math.ceil(lagMs / 1000) });
}

/** Rows of (x, series, value) as one chart point per x with a value per series, series in first-seen order. */
export function pivot<Row>(rows: Row[], x: (row: Row) => string, series: (row: Row) => string, value: (row: Row) => number) {
  const points = new Map<string, Record<string, string | number>>();
  const names: string[] = [];
  for (const row of rows) {
    const name = series(row);
    if (!names.includes(name)) names.push(name);
    const point = points.get(x(row)) ?? { x: x(row) };
    point[name] = Number(point[name] ?? 0) + value(row);
    points.set(x(row), point);
  }
  return { data: [...points.values()], series: names };
}
