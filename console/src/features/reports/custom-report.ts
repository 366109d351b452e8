import type { components } from '../../api/schema';
import type { ReportTable } from './report-table';

export type CustomReportQuery = components['schemas']['CustomReportQuery'];
export type Entity = CustomReportQuery['entity'];
export type MeasureFn = components['schemas']['ReportMeasure']['fn'];
export type FilterOp = components['schemas']['ReportFilter']['op'];
export type Interval = NonNullable<components['schemas']['ReportDimension']['interval']>;

/** The fields the report engine reads per entity (the API's ReportDimension description). */
export const ENTITY_FIELDS: Record<Entity, string[]> = {
  deals: [
    'id',
    'name',
    'pipelineId',
    'stageId',
    'amount',
    'currency',
    'ownerId',
    'companyId',
    'expectedCloseDate',
    'status',
    'closedAt',
    'lostReason',
    'createdAt',
  ],
  contacts: ['id', 'lifecycleStage', 'leadSource', 'ownerId', 'companyId', 'customerSince', 'createdAt'],
  tasks: ['id', 'assigneeId', 'status', 'priority', 'dueAt', 'completedAt', 'createdBy', 'relatedType', 'relatedId', 'createdAt'],
  // A custom object's records (query.object), with its fields as values.<key>; the builder does not offer them yet.
  records: ['id', 'createdBy', 'createdAt'],
};

const DATE_FIELDS = new Set(['expectedCloseDate', 'closedAt', 'createdAt', 'customerSince', 'dueAt', 'completedAt']);
export const MEASURE_FNS: MeasureFn[] = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'];
export const FILTER_OPS: FilterOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'is_null', 'is_not_null'];
export const INTERVALS: Interval[] = ['day', 'week', 'month', 'quarter', 'year'];

export function isDateField(field: string): boolean {
  return DATE_FIELDS.has(field);
}

/** The builder's rows as the user edits them: every value still text. */
export interface BuilderState {
  entity: Entity;
  measures: Array<{ fn: MeasureFn; field: string }>;
  dimensions: Array<{ field: string; interval: Interval | '' }>;
  filters: Array<{ field: string; op: FilterOp; value: string }>;
}

export const EMPTY_BUILDER: BuilderState = { entity: 'deals', measures: [{ fn: 'count', field: '' }], dimensions: [], filters: [] };

/** A filter's typed text as the API reads it: a list for in/not_in, none for the null tests, numbers and booleans as such. */
export function parseFilterValue(op: FilterOp, raw: string): components['schemas']['ReportFilter']['value'] {
  if (op === 'is_null' || op === 'is_not_null') return undefined;
  const one = (text: string): string | number | boolean => {
    const trimmed = text.trim();
    if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
    return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
  };
  if (op === 'in' || op === 'not_in')
    return raw
      .split(',')
      .filter((part) => part.trim() !== '')
      .map(one);
  return one(raw);
}

function formatFilterValue(value: components['schemas']['ReportFilter']['value']): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** The query the builder describes; a count needs no field, and a date dimension without interval is by day. */
export function toQuery(state: BuilderState): CustomReportQuery {
  return {
    entity: state.entity,
    measures: state.measures.map((measure) => (measure.fn === 'count' && !measure.field ? { fn: 'count' } : { fn: measure.fn, field: measure.field })),
    dimensions: state.dimensions.map((dimension) =>
      dimension.interval ? { field: dimension.field, interval: dimension.interval } : { field: dimension.field },
    ),
    filters: state.filters.map((filter) => {
      const value = parseFilterValue(filter.op, filter.value);
      return value === undefined ? { field: filter.field, op: filter.op } : { field: filter.field, op: filter.op, value };
    }),
  };
}

/** A saved report's query back into the builder's rows. */
export function fromQuery(query: CustomReportQuery): BuilderState {
  return {
    entity: query.entity,
    measures: query.measures.map((measure) => ({ fn: measure.fn, field: measure.field ?? '' })),
    dimensions: (query.dimensions ?? []).map((dimension) => ({ field: dimension.field, interval: dimension.interval ?? '' })),
    filters: (query.filters ?? []).map((filter) => ({ field: filter.field, op: filter.op, value: formatFilterValue(filter.value) })),
  };
}

/** The dimensions whose values are user ids: the report engine groups by the id, the reader wants the name. */
const USER_FIELDS = new Set(['ownerId', 'assigneeId', 'createdBy']);

/** The table with each user-id dimension's values replaced by the member's name (an id no member has stays as it is; no value stays null). */
export function withMemberNames<Table extends ReportTable>(table: Table, names: ReadonlyMap<string, string>): Table {
  const userColumns = table.columns.flatMap((column, index) => (USER_FIELDS.has(column.key) ? [index] : []));
  if (userColumns.length === 0 || names.size === 0) return table;
  return {
    ...table,
    rows: table.rows.map((row) => row.map((cell, index) => (userColumns.includes(index) && typeof cell === 'string' ? (names.get(cell) ?? cell) : cell))),
  };
}
