import type { ObjectField } from '@kinship/contracts/crm';
import { CUSTOM_REPORT_GROUP_CAP, type ColumnType, type CustomReportQuery, type DimensionInterval, type ReportFilter } from '@kinship/contracts/reporting';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { columnType, RECORD_CURRENCY, RECORD_VALUE, REPORT_ENTITIES, type EntitySpec, type FieldKind } from './report-entities.js';

/** A custom object's field as reports need it: its type says how its values may be measured, grouped and filtered. */
export type ObjectFieldSchema = Pick<ObjectField, 'key' | 'label' | 'type' | 'options'>;

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const IN_VALUES_MAX = 100;
/** Day buckets over a longer span than this are refused: nobody reads 3,650 rows of days. */
const DAY_BUCKET_SPAN_DAYS_MAX = 3660;

const PERIOD_FORMATS: Record<DimensionInterval, string> = {
  day: 'YYYY-MM-DD',
  week: 'IYYY-"W"IW',
  month: 'YYYY-MM',
  quarter: 'YYYY-"Q"Q',
  year: 'YYYY',
};

/** custom: a custom field (deals, contacts), untyped; other: a custom object's boolean, multi-select, address or relation field, compared as its JSON text. */
type Kind = FieldKind | 'custom' | 'other';
const NUMERIC: ReadonlySet<Kind> = new Set(['integer', 'number', 'money', 'custom']);
const ORDERED: ReadonlySet<Kind> = new Set(['integer', 'number', 'money', 'date', 'datetime', 'custom']);
const UNTYPED: ReadonlySet<Kind> = new Set(['custom', 'other']);

/** A field of the query resolved against the whitelist. */
interface Field {
  name: string;
  label: string;
  kind: Kind;
  /** The value as SQL; a custom field's is its text. */
  sql: string;
  /** A custom field's value when it is a JSON number, else null. */
  numericSql?: string;
  values?: readonly string[];
  currencyField?: string;
}

export interface CompiledColumn {
  key: string;
  label: string;
  type: ColumnType;
}

export interface CompiledQuery {
  sql: string;
  parameters: unknown[];
  columns: CompiledColumn[];
  /** Rows beyond this many are left out (the query asks for one more, to know). */
  cap: number;
}

function dateTimeText(sql: string): string {
  return `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A value as the column reads it: dates and times as ISO text, the rest as they are (pg hands bigint and numeric over as text). */
function plainValue(field: Field): string {
  switch (field.kind) {
    case 'date':
      return `to_char(${field.sql}, 'YYYY-MM-DD')`;
    case 'datetime':
      return dateTimeText(field.sql);
    default:
      return field.sql;
  }
}

/**
 * Compiles a custom report to one parameterised SELECT over the entity's read model. Field names,
 * functions, operators and intervals are checked against the whitelist (REPORT_ENTITIES); every
 * problem is collected and thrown as one 422 naming each part (e.g. measures.1.field).
 */
export class CustomQueryCompiler {
  private readonly parameters: unknown[];
  private readonly problems: ErrorDetail[] = [];
  private readonly entity: EntitySpec;
  private readonly customKeys = new Map<string, string>();

  /**
   * objectFields: the fields of the custom object a records query names (crm's, read before
   * compiling); their types decide what each `values.<key>` may do. Custom fields (deals, contacts)
   * are untyped: any JSON value, numbers measured as numbers.
   */
  constructor(
    private readonly query: CustomReportQuery,
    workspaceId: string,
    private readonly objectFields: readonly ObjectFieldSchema[] = [],
  ) {
    this.entity = REPORT_ENTITIES[query.entity];
    this.parameters = [workspaceId];
  }

  compile(ownerId: string | null): CompiledQuery {
    const conditions = ['r.workspace_id = $1', 'r.deleted_at IS NULL'];
    if (this.entity.perObject) {
      if (this.query.object === undefined) this.problem('object', `is required with entity ${this.query.entity}: the key of a custom object`);
      else conditions.push(`r.object_key = ${this.parameter(this.query.object)}::text`);
    } else if (this.query.object !== undefined) this.problem('object', 'is only for entity records');
    if (ownerId) conditions.push(`${this.entity.ownerSql} = ${this.parameter(ownerId)}::uuid`);
    const filters = this.query.filters ?? [];
    filters.forEach((filter, index) => {
      const condition = this.filter(filter, `filters.${index}`);
      if (condition) conditions.push(condition);
    });

    const columns: CompiledColumn[] = [];
    const selects: string[] = [];
    const dimensions = this.query.dimensions ?? [];
    dimensions.forEach((dimension, index) => {
      const path = `dimensions.${index}`;
      const field = this.field(dimension.field, `${path}.field`);
      if (!field) return;
      if (field.kind === 'date' || field.kind === 'datetime') {
        const interval = dimension.interval ?? 'day';
        if (interval === 'day') this.checkDaySpan(field.name, filters, `${path}.interval`);
        const at = field.kind === 'datetime' ? `${field.sql} AT TIME ZONE 'UTC'` : field.sql;
        selects.push(`to_char(${at}, '${PERIOD_FORMATS[interval]}')`);
        columns.push({ key: `${interval}(${field.name})`, label: `${field.label} (${interval})`, type: interval === 'day' ? 'date' : 'period' });
        return;
      }
      if (dimension.interval !== undefined) this.problem(`${path}.interval`, `applies only to date and time fields; ${dimension.field} is neither`);
      selects.push(plainValue(field));
      columns.push({ key: field.name, label: field.label, type: field.kind === 'custom' || field.kind === 'other' ? 'text' : columnType(field.kind) });
    });
    const groups = selects.length;

    this.query.measures.forEach((measure, index) => {
      const path = `measures.${index}`;
      if (measure.field === undefined) {
        if (measure.fn !== 'count') return this.problem(`${path}.field`, `is required for ${measure.fn}`);
        selects.push('count(*)');
        columns.push({ key: 'count', label: 'Count', type: 'integer' });
        return;
      }
      const field = this.field(measure.field, `${path}.field`);
      if (!field) return;
      const key = `${measure.fn}(${field.name})`;
      if (field.currencyField && measure.fn !== 'count' && measure.fn !== 'count_distinct' && !this.singleCurrency(field.currencyField)) {
        const currency = field.currencyField;
        return this.problem(`${path}.field`, `amounts are per currency: add ${currency} as a dimension or filter ${currency} eq one currency`);
      }
      switch (measure.fn) {
        case 'count':
          selects.push(`count(${field.sql})`);
          columns.push({ key, label: `Count of ${field.label}`, type: 'integer' });
          return;
        case 'count_distinct':
          selects.push(`count(DISTINCT ${field.sql})`);
          columns.push({ key, label: `Distinct ${field.label}`, type: 'integer' });
          return;
        case 'sum':
        case 'avg': {
          if (!NUMERIC.has(field.kind)) return this.problem(`${path}.field`, `${measure.fn} needs a number field; ${field.name} is not one`);
          const value = field.numericSql ?? field.sql;
          const integer = measure.fn === 'sum' && (field.kind === 'integer' || field.kind === 'money');
          selects.push(measure.fn === 'sum' ? `sum(${value})` : `round(avg(${value})::numeric, 2)`);
          columns.push({ key, label: `${measure.fn === 'sum' ? 'Sum' : 'Average'} of ${field.label}`, type: integer ? 'integer' : 'number' });
          return;
        }
        case 'min':
        case 'max': {
          if (!ORDERED.has(field.kind)) return this.problem(`${path}.field`, `${measure.fn} needs a number, date or time field; ${field.name} is not one`);
          const label = `${measure.fn === 'min' ? 'Lowest' : 'Highest'} ${field.label}`;
          if (field.kind === 'date') selects.push(`to_char(${measure.fn}(${field.sql}), 'YYYY-MM-DD')`);
          else if (field.kind === 'datetime') selects.push(dateTimeText(`${measure.fn}(${field.sql})`));
          else selects.push(`${measure.fn}(${field.numericSql ?? field.sql})`);
          columns.push({ key, label, type: field.kind === 'custom' || field.kind === 'other' ? 'number' : columnType(field.kind) });
          return;
        }
      }
    });

    const keys = columns.map((column) => column.key);
    keys.forEach((key, index) => {
      if (keys.indexOf(key) !== index) this.problem(index < groups ? `dimensions.${index}.field` : `measures.${index - groups}`, `repeats the column ${key}`);
    });
    const order = (this.query.sort ?? []).map((sort, index) => {
      const position = keys.indexOf(sort.key);
      if (position < 0) this.problem(`sort.${index}.key`, `is not a column of this report (${keys.join(', ')})`);
      return `${position + 1} ${sort.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`;
    });
    if (order.length === 0) for (let index = 0; index < groups; index++) order.push(`${index + 1} ASC NULLS LAST`);
    if (this.problems.length > 0) throw RpcError.validation(this.problems);

    const cap = Math.min(this.query.limit ?? CUSTOM_REPORT_GROUP_CAP, CUSTOM_REPORT_GROUP_CAP);
    const groupBy = groups > 0 ? ` GROUP BY ${Array.from({ length: groups }, (_, index) => index + 1).join(', ')}` : '';
    const orderBy = order.length > 0 ? ` ORDER BY ${order.join(', ')}` : '';
    const sql = `SELECT ${selects.map((select, index) => `${select} AS c${index}`).join(', ')} FROM ${this.entity.table} r WHERE ${conditions.join(' AND ')}${groupBy}${orderBy} LIMIT ${cap + 1}`;
    return { sql, parameters: this.parameters, columns, cap };
  }

  private parameter(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }

  private problem(field: string, issue: string): void {
    this.problems.push({ field, issue });
  }

  /** The whitelisted field, or a custom field (a custom object's field) of an entity that has them; null (and a problem) otherwise. */
  private field(name: string, path: string): Field | null {
    const spec = Object.hasOwn(this.entity.fields, name) ? this.entity.fields[name] : undefined;
    if (spec) return { name, ...spec };
    if (this.entity.perObject) return this.objectField(name, path);
    const json = this.entity.jsonFields;
    const custom = json?.name.exec(name);
    if (json && custom) {
      const key = custom[1]!;
      const parameter = this.keyParameter(key);
      return {
        name,
        label: key,
        kind: 'custom',
        sql: `(${json.column} ->> ${parameter})`,
        numericSql: `(CASE WHEN jsonb_typeof(${json.column} -> ${parameter}) = 'number' THEN (${json.column} ->> ${parameter})::numeric END)`,
      };
    }
    const known = [...Object.keys(this.entity.fields), ...(json ? [json.hint] : [])];
    this.problem(path, `${name} is not a field of ${this.query.entity} (${known.join(', ')})`);
    return null;
  }

  /** The key as one parameter however often the query names it. */
  private keyParameter(key: string): string {
    let parameter = this.customKeys.get(key);
    if (!parameter) {
      parameter = `${this.parameter(key)}::text`;
      this.customKeys.set(key, parameter);
    }
    return parameter;
  }

  /**
   * values.<key> of the object's fields, typed by its field: numbers and currency amounts measure,
   * dates bucket, selects filter on their options; values.<key>.currency is a currency field's code.
   * Casts are guarded by the JSON's shape, so a value of another shape (a field removed and added
   * again) reads as none rather than failing the report.
   */
  private objectField(name: string, path: string): Field | null {
    const valueKey = RECORD_VALUE.exec(name)?.[1];
    const currencyKey = RECORD_CURRENCY.exec(name)?.[1];
    const definition = this.objectFields.find((field) => field.key === (valueKey ?? currencyKey));
    if (!definition || (currencyKey && definition.type !== 'currency')) {
      const known = [...Object.keys(this.entity.fields), ...this.objectFields.map((field) => `values.${field.key}`)];
      this.problem(path, `${name} is not a field of ${this.query.object ?? this.query.entity} (${known.join(', ')})`);
      return null;
    }
    const key = this.keyParameter(definition.key);
    const value = `(r.values -> ${key})`;
    const text = `(r.values ->> ${key})`;
    const base = { name, label: definition.label };
    if (currencyKey) return { ...base, label: `${definition.label} currency`, kind: 'text', sql: `(${value} ->> 'currency')` };
    switch (definition.type) {
      case 'text':
      case 'email':
      case 'phone':
      case 'url':
        return { ...base, kind: 'text', sql: text };
      case 'select':
        return { ...base, kind: 'enum', sql: text, values: definition.options };
      case 'number':
        return { ...base, kind: 'number', sql: `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN ${text}::numeric END)` };
      case 'currency':
        return {
          ...base,
          kind: 'money',
          sql: `(CASE WHEN jsonb_typeof(${value} -> 'amount') = 'number' THEN (${value} ->> 'amount')::bigint END)`,
          currencyField: `${name}.currency`,
        };
      case 'date':
        return { ...base, kind: 'date', sql: `(CASE WHEN ${text} ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN ${text}::date END)` };
      default:
        // boolean, multi_select, address, relation: compared as their JSON text, counted, grouped.
        return { ...base, kind: 'other', sql: text };
    }
  }

  /** Whether amounts cannot mix currencies: the field holding their currency is a dimension or filtered to one value. */
  private singleCurrency(currencyField: string): boolean {
    return (
      (this.query.dimensions ?? []).some((dimension) => dimension.field === currencyField) ||
      (this.query.filters ?? []).some((filter) => filter.field === currencyField && filter.op === 'eq')
    );
  }

  private checkDaySpan(fieldName: string, filters: ReportFilter[], path: string): void {
    const bound = (ops: string[]) =>
      filters.find((filter) => filter.field === fieldName && ops.includes(filter.op) && typeof filter.value === 'string')?.value as string | undefined;
    const from = bound(['gt', 'gte']);
    const to = bound(['lt', 'lte']);
    if (!from || !to) return;
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days > DAY_BUCKET_SPAN_DAYS_MAX) this.problem(path, 'day buckets over more than 10 years; use week, month, quarter or year');
  }

  private filter(filter: ReportFilter, path: string): string | null {
    const field = this.field(filter.field, `${path}.field`);
    if (!field) return null;
    const { op, value } = filter;
    if (op === 'is_null' || op === 'is_not_null') {
      if (value !== undefined) this.problem(`${path}.value`, `must be absent for ${op}`);
      return `${field.sql} IS ${op === 'is_null' ? '' : 'NOT '}NULL`;
    }
    if (op === 'in' || op === 'not_in') {
      if (!Array.isArray(value) || value.length === 0 || value.length > IN_VALUES_MAX) {
        this.problem(`${path}.value`, `must be a list of 1 to ${IN_VALUES_MAX} values for ${op}`);
        return null;
      }
      if (!value.every((item, index) => this.checkValue(field, item, `${path}.value.${index}`))) return null;
      const list = UNTYPED.has(field.kind) ? `${this.parameter(value.map(String))}::text[]` : `${this.parameter(value)}::${this.sqlType(field.kind)}[]`;
      return op === 'in' ? `${field.sql} = ANY(${list})` : `NOT coalesce(${field.sql} = ANY(${list}), false)`;
    }
    if (Array.isArray(value) || value === undefined) {
      this.problem(`${path}.value`, `must be one value for ${op}`);
      return null;
    }
    if (op === 'contains') {
      if (field.kind !== 'text' && !UNTYPED.has(field.kind)) {
        this.problem(`${path}.op`, `contains applies to text fields; ${field.name} is not one`);
        return null;
      }
      if (typeof value !== 'string') {
        this.problem(`${path}.value`, 'must be a string for contains');
        return null;
      }
      return `${field.sql} ILIKE ${this.parameter(`%${value.replace(/[\\%_]/g, '\\$&')}%`)}::text`;
    }
    if (!this.checkValue(field, value, `${path}.value`)) return null;
    const comparison = { eq: '=', neq: 'IS DISTINCT FROM', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
    if (op !== 'eq' && op !== 'neq' && !ORDERED.has(field.kind)) {
      this.problem(`${path}.op`, `${op} applies to number, date and time fields; ${field.name} is not one`);
      return null;
    }
    if (UNTYPED.has(field.kind)) {
      if (typeof value === 'number' && op !== 'eq' && op !== 'neq') return `${field.numericSql} ${comparison} ${this.parameter(value)}::numeric`;
      return `${field.sql} ${comparison} ${this.parameter(String(value))}::text`;
    }
    return `${field.sql} ${comparison} ${this.parameter(value)}::${this.sqlType(field.kind)}`;
  }

  /** Whether the value suits the field; a problem naming it otherwise. */
  private checkValue(field: Field, value: unknown, path: string): boolean {
    let issue: string | null = null;
    switch (field.kind) {
      case 'uuid':
        if (!isUuid(value)) issue = 'must be a UUID';
        break;
      case 'text':
        if (typeof value !== 'string') issue = 'must be a string';
        break;
      case 'enum':
        if (typeof value !== 'string' || !field.values!.includes(value)) issue = `must be one of ${field.values!.join(', ')}`;
        break;
      case 'integer':
      case 'money':
        if (!Number.isSafeInteger(value)) issue = 'must be an integer';
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) issue = 'must be a number';
        break;
      case 'date':
        if (typeof value !== 'string' || !CALENDAR_DATE.test(value) || Number.isNaN(Date.parse(value))) issue = 'must be a date (YYYY-MM-DD)';
        break;
      case 'datetime':
        if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) issue = 'must be a date (YYYY-MM-DD) or an ISO 8601 time';
        break;
      case 'custom':
      case 'other':
        if (!['string', 'number', 'boolean'].includes(typeof value)) issue = 'must be a string, number or boolean';
        break;
    }
    if (issue) this.problem(path, issue);
    return issue === null;
  }

  private sqlType(kind: Kind): string {
    return {
      uuid: 'uuid',
      text: 'text',
      enum: 'text',
      integer: 'bigint',
      number: 'numeric',
      money: 'bigint',
      date: 'date',
      datetime: 'timestamptz',
      custom: 'text',
      other: 'text',
    }[kind];
  }
}
