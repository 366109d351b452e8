import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { isCalendarDate, isCurrency, mayAccessObject, objectAccessOf, type ObjectAccessLevel, type ObjectAccessRole, type Role } from '@kinship/contracts';
import { ADDRESS_PARTS, isWebAddress, type ObjectFieldType, type PostalAddress } from '@kinship/contracts/crm';
import { isEmail } from 'class-validator';
import { normaliseAddress, normaliseWebAddress, readPhone } from '../common/normalise.js';
import type { ListDefinition, ListField, SqlConditions } from '../common/list-query.js';

/** A field as stored in crm.object_definitions.fields and answered on the wire. */
export interface ObjectFieldDefinition {
  key: string;
  label: string;
  type: ObjectFieldType;
  required: boolean;
  searchable: boolean;
  options: string[];
  target: string | null;
}

export type RecordValues = Record<string, unknown>;

/** Who asks for an object's records: a user by role, or an API key by its scopes. */
export interface ObjectCaller {
  role: Role | null;
  scopes: readonly string[];
}

/** A relation value to check against its target's live records before the write. */
export interface RelationValue {
  field: string;
  target: string;
  id: string;
}

/** What a write stores: the values after the changes, their search text, and the relations to check. */
export interface CheckedValues {
  values: RecordValues;
  searchText: string;
  relations: RelationValue[];
  changedFields: string[];
}

const TEXT_MAX = 10_000;
const SEARCHABLE_TYPES: ReadonlySet<ObjectFieldType> = new Set(['text', 'email', 'phone', 'url', 'select']);
const MINOR_UNITS_MAX = Number.MAX_SAFE_INTEGER;
/** How many values a "one of" filter takes. */
const FILTER_CHOICES_MAX = 100;
/** The types a `<key>Contains` filter reads, and how long its text may be. */
const CONTAINS_TYPES: ReadonlySet<ObjectFieldType> = new Set(['text', 'email', 'phone', 'url']);
const CONTAINS_MAX = 200;

type Check = (value: unknown, field: ObjectFieldDefinition, region: string) => { value: unknown } | { problem: string };

function fits(value: unknown): { value: unknown } {
  return { value };
}

function refuse(problem: string): { problem: string } {
  return { problem };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Per type: whether a value fits, and the value as stored (trimmed, normalised) when it does. */
const CHECKS: Record<ObjectFieldType, Check> = {
  text: (value) => (typeof value === 'string' && value.length <= TEXT_MAX ? fits(value) : refuse(`must be text of at most ${TEXT_MAX} characters`)),
  number: (value) => (typeof value === 'number' && Number.isFinite(value) ? fits(value) : refuse('must be a number')),
  currency: (value) => {
    if (!isPlainObject(value) || Object.keys(value).some((key) => key !== 'amount' && key !== 'currency')) {
      return refuse('must be {amount, currency}');
    }
    const { amount, currency } = value;
    if (!Number.isSafeInteger(amount) || Math.abs(amount as number) > MINOR_UNITS_MAX) return refuse('amount must be an integer in minor units');
    if (!isCurrency(currency)) return refuse('currency must be an ISO 4217 code, e.g. EUR');
    return fits({ amount, currency });
  },
  date: (value) => (isCalendarDate(value) ? fits(value) : refuse('must be a date (YYYY-MM-DD)')),
  boolean: (value) => (typeof value === 'boolean' ? fits(value) : refuse('must be true or false')),
  select: (value, field) => (typeof value === 'string' && field.options.includes(value) ? fits(value) : refuse(`must be one of ${field.options.join(', ')}`)),
  multi_select: (value, field) => {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !field.options.includes(item))) {
      return refuse(`must be a list of ${field.options.join(', ')}`);
    }
    if (new Set(value).size !== value.length) return refuse('must not repeat an option');
    return fits(value);
  },
  email: (value) => (typeof value === 'string' && value.length <= 320 && isEmail(value.trim()) ? fits(value.trim()) : refuse('must be an email address')),
  phone: (value, _field, region) => {
    const reading = typeof value === 'string' && value.length <= 64 ? readPhone(value, region) : null;
    if (!reading) return refuse('must be a phone number');
    return fits(reading.extension ? `${reading.phone}x${reading.extension}` : reading.phone);
  },
  url: (value) => (isWebAddress(value) ? fits(normaliseWebAddress(value)) : refuse('must be a web address (e.g. https://acme.com)')),
  address: (value) => {
    if (!isPlainObject(value)) return refuse(`must be an address {${ADDRESS_PARTS.join(', ')}}`);
    const unknown = Object.keys(value).find((key) => !(ADDRESS_PARTS as readonly string[]).includes(key));
    if (unknown) return refuse(`has no part ${unknown}`);
    const bad = Object.entries(value).find(([, part]) => part !== null && (typeof part !== 'string' || part.length > 200));
    if (bad) return refuse(`${bad[0]} must be text of at most 200 characters`);
    const { address, countryKnown } = normaliseAddress(value as PostalAddress);
    if (!countryKnown) return refuse('country must be an ISO 3166-1 alpha-2 code or a country name');
    return address ? fits(Object.fromEntries(Object.entries(address).filter(([, part]) => part !== null))) : refuse('must have at least one part');
  },
  relation: (value, field) =>
    typeof value === 'string' && isUuid(value) ? fits(value.toLowerCase()) : refuse(`must be the id of a record of ${field.target}`),
};

/** How a sortable field reads in SQL: never null, so keyset pages compare it (list-query.ts). */
function sortField(field: ObjectFieldDefinition): ListField | null {
  const path = `r.values->>${literal(field.key)}`;
  switch (field.type) {
    case 'text':
    case 'select':
    case 'email':
    case 'phone':
    case 'url':
    case 'date':
      // ISO dates sort as text; a record without a value comes first.
      return { sql: `coalesce(${path}, '')`, kind: 'text', sortable: true };
    case 'number':
      return { sql: `coalesce((${path})::numeric, '-Infinity')`, kind: 'number', sortable: true };
    case 'currency':
      return { sql: `coalesce((r.values->${literal(field.key)}->>'amount')::numeric, '-Infinity')`, kind: 'number', sortable: true };
    default:
      return null;
  }
}

/** A field key as an SQL literal; keys match OBJECT_FIELD_KEY, so there is nothing to escape, but quote anyway. */
function literal(key: string): string {
  return `'${key.replace(/'/g, "''")}'`;
}

const COMMON_LIST_FIELDS: Record<string, ListField> = {
  createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
  updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
};

function invalidFilter(key: string, issue: string): RpcError {
  return new RpcError(400, 'invalid_parameter', 'The filter is not valid.', [{ field: `filter.${key}`, issue }]);
}

/**
 * One object type compiled for its records: the checks of its values, its list definition (sorts
 * on its fields) and its filters. Built once per workspace version by the ObjectCatalog, so a
 * record request does no work on the definition beyond a map lookup.
 */
export class CompiledObject {
  readonly fields: ReadonlyMap<string, ObjectFieldDefinition>;
  readonly list: ListDefinition;
  private readonly searchable: readonly string[];

  constructor(
    readonly id: string,
    readonly key: string,
    fields: readonly ObjectFieldDefinition[],
    readonly access: Readonly<Partial<Record<ObjectAccessRole, ObjectAccessLevel>>> = {},
  ) {
    this.fields = new Map(fields.map((field) => [field.key, field]));
    this.searchable = fields.filter((field) => field.searchable && SEARCHABLE_TYPES.has(field.type)).map((field) => field.key);
    const listFields: Record<string, ListField> = { ...COMMON_LIST_FIELDS };
    for (const field of fields) {
      const sort = sortField(field);
      if (sort && !Object.hasOwn(COMMON_LIST_FIELDS, field.key)) listFields[field.key] = sort;
    }
    this.list = {
      table: 'crm.object_records',
      fields: listFields,
      defaultSort: '-createdAt',
      search: { vector: 'r.search_vector', text: 'r.search_text' },
    };
  }

  /** mayAccessObject, or 403 naming the object. */
  assertAccess(caller: ObjectCaller, needed: 'read' | 'write'): void {
    if (mayAccessObject(caller, this, needed)) return;
    if (!caller.role) {
      throw RpcError.forbidden(`This API key's scopes grant neither records:${needed} nor records:${needed}:${this.key}.`);
    }
    const level = objectAccessOf(caller.role, this.access);
    throw RpcError.forbidden(
      `The ${caller.role} role may ${level === 'none' ? 'not use' : 'only read'} the records of ${this.key}; this needs ${needed} access.`,
    );
  }

  /**
   * The values after `changes` (null clears one), each change checked by its field's type: 422
   * naming `values.<key>` for an unknown key, a wrong value, or a required field left without one
   * (all required fields on create, those a change clears on update).
   */
  check(current: RecordValues, changes: RecordValues, creating: boolean, region: string): CheckedValues {
    const problems: ErrorDetail[] = [];
    const values: RecordValues = { ...current };
    const relations: RelationValue[] = [];
    const changedFields: string[] = [];
    for (const [key, value] of Object.entries(changes)) {
      const field = this.fields.get(key);
      if (!field) {
        problems.push({ field: `values.${key}`, issue: `is not a field of ${this.key}` });
        continue;
      }
      if (value === null) {
        if (Object.hasOwn(values, key)) changedFields.push(key);
        delete values[key];
        continue;
      }
      const result = CHECKS[field.type](value, field, region);
      if ('problem' in result) {
        problems.push({ field: `values.${key}`, issue: result.problem });
        continue;
      }
      if (JSON.stringify(values[key]) !== JSON.stringify(result.value)) changedFields.push(key);
      values[key] = result.value;
      if (field.type === 'relation') relations.push({ field: `values.${key}`, target: field.target!, id: result.value as string });
    }
    for (const field of this.fields.values()) {
      if (field.required && !Object.hasOwn(values, field.key) && (creating || Object.hasOwn(changes, field.key))) {
        problems.push({ field: `values.${field.key}`, issue: 'is required' });
      }
    }
    if (problems.length) throw RpcError.validation(problems);
    return { values, searchText: this.searchText(values), relations, changedFields };
  }

  /** The searchable fields' text, lower case, as ?q= reads it (crm.object_records.search_text). */
  searchText(values: RecordValues): string {
    return this.searchable
      .map((key) => values[key])
      .filter((value): value is string => typeof value === 'string')
      .join(' ')
      .toLowerCase();
  }

  /**
   * Adds the conditions of a record list's `filter` (ListObjectRecordsQuery): equality and "one
   * of" as JSONB containment (the GIN index on values), bounds as casts of the value, `Contains` as
   * a case-insensitive match of the text (no index: it reads the object's records the others leave).
   */
  addFilter(filter: RecordValues, where: SqlConditions, region: string): void {
    // Single values go into one containment: PostgreSQL estimates each `@>` alone, so two of them
    // read as far rarer than they are and the planner sorted the whole object instead of walking the
    // page index (220 ms against 5 ms at 100,000 records, docs/crm.md "Storage and indexes").
    const together: RecordValues = {};
    for (const [key, value] of Object.entries(filter)) {
      const range = /^(.+)(From|To|Contains)$/.exec(key);
      const field = this.fields.get(key) ?? (range ? this.fields.get(range[1]!) : undefined);
      if (!field) throw invalidFilter(key, `is not a field of ${this.key}`);
      if (field.key !== key && range![2] === 'Contains') {
        this.addContains(field, key, value, where);
        continue;
      }
      if (field.key !== key) {
        this.addBound(field, range![2] as 'From' | 'To', key, value, where);
        continue;
      }
      if (value === null) {
        where.add(`NOT (r.values ? ${where.param(field.key)})`);
        continue;
      }
      if (field.type === 'address' || field.type === 'currency') {
        if (!isPlainObject(value)) throw invalidFilter(key, 'must be an object of the parts to match');
        together[field.key] = value;
        continue;
      }
      const choices = Array.isArray(value) ? value : [value];
      if (choices.length === 0 || choices.length > FILTER_CHOICES_MAX) throw invalidFilter(key, `must list 1 to ${FILTER_CHOICES_MAX} values`);
      const stored = choices.map((choice) => {
        const checked = field.type === 'multi_select' ? CHECKS.select(choice, field, region) : CHECKS[field.type](choice, field, region);
        if ('problem' in checked) throw invalidFilter(key, checked.problem);
        return field.type === 'multi_select' ? [checked.value] : checked.value;
      });
      if (stored.length === 1) {
        together[field.key] = stored[0];
        continue;
      }
      const contains = stored.map((item) => `r.values @> ${where.param(JSON.stringify({ [field.key]: item }))}::jsonb`);
      where.add(`(${contains.join(' OR ')})`);
    }
    if (Object.keys(together).length > 0) where.add(`r.values @> ${where.param(JSON.stringify(together))}::jsonb`);
  }

  private addContains(field: ObjectFieldDefinition, key: string, value: unknown, where: SqlConditions): void {
    if (!CONTAINS_TYPES.has(field.type)) throw invalidFilter(key, `Contains applies to text, email, phone and url fields, not ${field.type}`);
    if (typeof value !== 'string' || value.trim() === '' || value.length > CONTAINS_MAX) {
      throw invalidFilter(key, `must be a text of 1 to ${CONTAINS_MAX} characters`);
    }
    const pattern = `%${value.trim().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    where.add(`r.values->>${literal(field.key)} ILIKE ${where.param(pattern)}`);
  }

  private addBound(field: ObjectFieldDefinition, bound: 'From' | 'To', key: string, value: unknown, where: SqlConditions): void {
    const operator = bound === 'From' ? '>=' : '<=';
    const path = `r.values->${literal(field.key)}`;
    if (field.type === 'number' || field.type === 'currency') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidFilter(key, 'must be a number');
      const sql = field.type === 'number' ? `(${path})::text::numeric` : `(${path}->>'amount')::numeric`;
      where.add(`${sql} ${operator} ${where.param(value)}::numeric`);
    } else if (field.type === 'date') {
      if (!isCalendarDate(value)) throw invalidFilter(key, 'must be a date (YYYY-MM-DD)');
      where.add(`r.values->>${literal(field.key)} ${operator} ${where.param(value)}`);
    } else {
      throw invalidFilter(key, `bounds apply to number, currency and date fields, not ${field.type}`);
    }
  }
}
