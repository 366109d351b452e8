import type { components } from '../../api/schema';
import type { ReportTable } from './report-table';

export type CustomReportQuery = components['schemas']['CustomReportQuery'];
export type Entity = CustomReportQuery['entity'];
export type MeasureFn = components['schemas']['ReportMeasure']['fn'];
export type FilterOp = components['schemas']['ReportFilter']['op'];
export type Interval = NonNullable<components['schemas']['ReportDimension']['interval']>;

export type ObjectType = components['schemas']['ObjectType'];

/** How a field may be used: numbers and money are measured, dates bucketed, text searched; other fields are compared and grouped. */
export type FieldKind = 'id' | 'text' | 'enum' | 'number' | 'money' | 'date' | 'other';

export interface ReportField {
  /** As the query names it: amount, values.signedOn, values.price.currency. */
  name: string;
  label: string;
  kind: FieldKind;
}

const field = (name: string, kind: FieldKind, label = name): ReportField => ({ name, kind, label });

/** The built-in entities' fields the report engine reads (the API's ReportDimension description), by kind. */
export const ENTITY_FIELDS: Record<Exclude<Entity, 'records'>, ReportField[]> = {
  deals: [
    field('id', 'id'),
    field('name', 'text'),
    field('pipelineId', 'id'),
    field('stageId', 'id'),
    field('amount', 'money'),
    field('currency', 'text'),
    field('ownerId', 'id'),
    field('companyId', 'id'),
    field('expectedCloseDate', 'date'),
    field('status', 'enum'),
    field('closedAt', 'date'),
    field('lostReason', 'text'),
    field('createdAt', 'date'),
  ],
  contacts: [
    field('id', 'id'),
    field('lifecycleStage', 'enum'),
    field('leadSource', 'text'),
    field('ownerId', 'id'),
    field('companyId', 'id'),
    field('customerSince', 'date'),
    field('createdAt', 'date'),
  ],
  tasks: [
    field('id', 'id'),
    field('assigneeId', 'id'),
    field('status', 'enum'),
    field('priority', 'enum'),
    field('dueAt', 'date'),
    field('completedAt', 'date'),
    field('createdBy', 'id'),
    field('relatedType', 'enum'),
    field('relatedId', 'id'),
    field('createdAt', 'date'),
  ],
};

const OBJECT_FIELD_KINDS: Partial<Record<ObjectType['fields'][number]['type'], FieldKind>> = {
  text: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  select: 'enum',
  number: 'number',
  currency: 'money',
  date: 'date',
};

/** A custom object's records' fields: its own as values.<key> (a currency field's code as values.<key>.currency), then id, creator and creation time. */
export function objectFields(object: ObjectType): ReportField[] {
  const own = object.fields.flatMap((definition) => {
    const value = field(`values.${definition.key}`, OBJECT_FIELD_KINDS[definition.type] ?? 'other', definition.label);
    return definition.type === 'currency' ? [value, field(`${value.name}.currency`, 'text', `${definition.label} currency`)] : [value];
  });
  return [...own, field('id', 'id', 'Record'), field('createdBy', 'id'), field('createdAt', 'date')];
}

/** The fields of what the builder reports on: a built-in entity's, or the chosen custom object's (none until the object types load). */
export function fieldsOf(state: Pick<BuilderState, 'entity' | 'object'>, objects: ObjectType[]): ReportField[] {
  if (state.entity !== 'records') return ENTITY_FIELDS[state.entity];
  const object = objects.find((candidate) => candidate.key === state.object);
  return object ? objectFields(object) : [];
}

/** What the builder's first select offers: a built-in entity, or `records:<key>` for a custom object the caller may read. */
export function sourceOf(state: Pick<BuilderState, 'entity' | 'object'>): string {
  return state.entity === 'records' ? `records:${state.object}` : state.entity;
}

export function fromSource(source: string): Pick<BuilderState, 'entity' | 'object'> {
  return source.startsWith('records:') ? { entity: 'records', object: source.slice('records:'.length) } : { entity: source as Entity, object: '' };
}

export const MEASURE_FNS: MeasureFn[] = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'];
export const FILTER_OPS: FilterOp[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'is_null', 'is_not_null'];
export const INTERVALS: Interval[] = ['day', 'week', 'month', 'quarter', 'year'];

/** Whether a measure may take the field: sums and averages need numbers or money, bounds also take dates; counts take any. */
export function measures(fn: MeasureFn, kind: FieldKind): boolean {
  if (fn === 'sum' || fn === 'avg') return kind === 'number' || kind === 'money';
  if (fn === 'min' || fn === 'max') return kind === 'number' || kind === 'money' || kind === 'date';
  return true;
}

/** The conditions a filter on a field of this kind takes: comparisons for numbers, money and dates, contains for text. */
export function filterOps(kind: FieldKind | undefined): FilterOp[] {
  return FILTER_OPS.filter((op) => {
    if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return kind === 'number' || kind === 'money' || kind === 'date';
    if (op === 'contains') return kind === 'text' || kind === 'other';
    return true;
  });
}

export function isDateField(fields: ReportField[], name: string): boolean {
  return fields.find((candidate) => candidate.name === name)?.kind === 'date';
}

/** The builder's rows as the user edits them: every value still text. */
export interface BuilderState {
  entity: Entity;
  /** The custom object's key when entity is records, else ''. */
  object: string;
  measures: Array<{ fn: MeasureFn; field: string }>;
  dimensions: Array<{ field: string; interval: Interval | '' }>;
  filters: Array<{ field: string; op: FilterOp; value: string }>;
}

export const EMPTY_BUILDER: BuilderState = { entity: 'deals', object: '', measures: [{ fn: 'count', field: '' }], dimensions: [], filters: [] };

/**
 * A filter's typed text as the API reads it: a list for in/not_in, none for the null tests, numbers
 * and booleans as such, except on text, option, id and date fields (kind known), whose values stay text.
 */
export function parseFilterValue(op: FilterOp, raw: string, kind?: FieldKind): components['schemas']['ReportFilter']['value'] {
  if (op === 'is_null' || op === 'is_not_null') return undefined;
  const asText = kind === 'text' || kind === 'enum' || kind === 'date' || kind === 'id';
  const one = (text: string): string | number | boolean => {
    const trimmed = text.trim();
    if (asText) return trimmed;
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
export function toQuery(state: BuilderState, fields: ReportField[] = []): CustomReportQuery {
  const kindOf = (name: string) => fields.find((candidate) => candidate.name === name)?.kind;
  return {
    entity: state.entity,
    ...(state.entity === 'records' ? { object: state.object } : {}),
    measures: state.measures.map((measure) => (measure.fn === 'count' && !measure.field ? { fn: 'count' } : { fn: measure.fn, field: measure.field })),
    dimensions: state.dimensions.map((dimension) =>
      dimension.interval ? { field: dimension.field, interval: dimension.interval } : { field: dimension.field },
    ),
    filters: state.filters.map((filter) => {
      const value = parseFilterValue(filter.op, filter.value, kindOf(filter.field));
      return value === undefined ? { field: filter.field, op: filter.op } : { field: filter.field, op: filter.op, value };
    }),
  };
}

/** A saved report's query back into the builder's rows. */
export function fromQuery(query: CustomReportQuery): BuilderState {
  return {
    entity: query.entity,
    object: query.object ?? '',
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
