import type { CustomFieldConditions } from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { isPostgresTimestamp, type CursorCodec } from './cursors.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** How a field of a list is compared, filtered and cast. */
export type FieldKind = 'text' | 'uuid' | 'enum' | 'boolean' | 'date' | 'timestamp' | 'integer' | 'number' | 'tags';

export interface ListField {
  /** SQL expression over the table alias `r`; for a sortable field it must never be null. */
  sql: string;
  kind: FieldKind;
  /** Only fields with an index that serves (workspace_id, field, id) may be sorted on. */
  sortable?: boolean;
}

/**
 * What a list endpoint may filter and sort on. Filters (the `filter` of a request, the query
 * parameters of the list endpoint, a dynamic segment's stored filter, an export's filter) use
 * the API names of these fields:
 * - `field: value | value[]` equality or one of (text, uuid, enum, boolean);
 * - `fieldFrom` / `fieldTo` inclusive bounds (date, timestamp, integer);
 * - `tags: [..]` has every tag;
 * - `customFields: {key: condition}` a custom field's value, {contains} text or {from, to} bounds (addCustomFieldConditions);
 * - `deleted: true` lists the soft-deleted records instead of the live ones.
 */
export interface ListDefinition {
  /** Qualified table, e.g. crm.contacts. */
  table: string;
  fields: Record<string, ListField>;
  /** e.g. '-createdAt'. */
  defaultSort: string;
  /** The generated columns `?q=` searches (see the migrations); omitted when the list has no search. */
  search?: { vector: string; text: string };
  /** false for a table whose rows are deleted for good (no deleted_at): `deleted: true` lists nothing. */
  softDeleted?: false;
}

export type ListFilter = Record<string, unknown>;

export interface ListRequest {
  filter: ListFilter;
  q?: string | null;
  sort?: string | null;
  limit?: number | null;
  cursor?: string | null;
}

/** A WHERE clause under construction: conditions over alias `r` and their parameters. */
export class SqlConditions {
  readonly conditions: string[] = [];
  constructor(readonly parameters: unknown[] = []) {}

  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.parameters.push(value);
    return `$${this.parameters.length}`;
  }

  add(condition: string): void {
    this.conditions.push(condition);
  }

  where(): string {
    return this.conditions.length ? this.conditions.join(' AND ') : 'true';
  }

  /** The conditions so far; later additions to either leave the other alone. */
  copy(): SqlConditions {
    const copy = new SqlConditions([...this.parameters]);
    copy.conditions.push(...this.conditions);
    return copy;
  }
}

/** Rows a search reads in the list's order before it turns to the search indexes (listPage). */
const ORDERED_WALK = 5000;

const CASTS: Record<FieldKind, string> = {
  text: 'text',
  uuid: 'uuid',
  enum: 'text',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamptz',
  integer: 'bigint',
  number: 'numeric',
  tags: 'text[]',
};

const RANGE_KINDS: ReadonlySet<FieldKind> = new Set(['date', 'timestamp', 'integer', 'number']);

function invalidParameter(field: string, issue: string, message: string): RpcError {
  return new RpcError(400, 'invalid_parameter', message, [{ field, issue }]);
}

/**
 * Adds the conditions of a filter. Keys are expected to have been validated by the request's DTO;
 * a key this list does not know is a programming error, not bad input.
 */
export function addFilterConditions(definition: ListDefinition, filter: ListFilter, where: SqlConditions): void {
  if (definition.softDeleted !== false) where.add(filter.deleted === true ? 'r.deleted_at IS NOT NULL' : 'r.deleted_at IS NULL');
  else if (filter.deleted === true) where.add('false');
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null || key === 'deleted') continue;
    if (key === 'customFields') {
      addCustomFieldConditions(value as CustomFieldConditions, where);
      continue;
    }
    const range = /^(.+)(From|To)$/.exec(key);
    const field = definition.fields[key] ?? (range ? definition.fields[range[1]!] : undefined);
    if (!field) throw new Error(`${definition.table} has no filter ${key}`);
    if (field === definition.fields[key]) {
      if (field.kind === 'tags') where.add(`r.tags @> ${where.param(value)}::text[]`);
      // One value is an equality: PostgreSQL can then read a (workspace, field, sort) index in order.
      else if (Array.isArray(value) && value.length === 1) where.add(`${field.sql} = ${where.param(value[0])}::${CASTS[field.kind]}`);
      else if (Array.isArray(value)) where.add(`${field.sql} = ANY(${where.param(value)}::${CASTS[field.kind]}[])`);
      else where.add(`${field.sql} = ${where.param(value)}::${CASTS[field.kind]}`);
    } else if (range && RANGE_KINDS.has(field.kind)) {
      const bound = `${where.param(value)}::${CASTS[field.kind]}`;
      if (range[2] === 'From') where.add(`${field.sql} >= ${bound}`);
      // Timestamps go out in milliseconds but are kept in microseconds: an upper bound copied
      // from a record's own timestamp must still include that record.
      else if (field.kind === 'timestamp') where.add(`${field.sql} < ${bound} + interval '1 millisecond'`);
      else where.add(`${field.sql} <= ${bound}`);
    } else {
      throw new Error(`${definition.table} has no filter ${key}`);
    }
  }
}

/**
 * The conditions of a filter's `customFields`, checked against the definitions beforehand
 * (CustomFieldValidator.checkConditions): values as one JSONB containment, `contains` as a
 * case-insensitive match of a text value, `from`/`to` as inclusive bounds of a number (bounds are
 * numbers) or of a date (bounds are YYYY-MM-DD texts, compared as text in byte order). A value of
 * another JSON type left under the key (a deleted definition's, its key reused) never matches,
 * and never fails a cast. No index serves contains and bounds: they are read on the rows the
 * other conditions leave (docs/crm.md).
 */
function addCustomFieldConditions(conditions: CustomFieldConditions, where: SqlConditions): void {
  const values: Record<string, string | number | boolean> = {};
  for (const [key, condition] of Object.entries(conditions)) {
    if (typeof condition !== 'object') {
      values[key] = condition;
      continue;
    }
    const value = `r.custom_fields -> ${where.param(key)}::text`;
    if ('contains' in condition) {
      where.add(`(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${value} #>> '{}' END) ILIKE ${where.param(`%${escapeLike(condition.contains)}%`)}`);
      continue;
    }
    for (const [operator, bound] of [
      ['>=', condition.from],
      ['<=', condition.to],
    ] as const) {
      if (bound === undefined) continue;
      if (typeof bound === 'number') {
        where.add(`(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::numeric END) ${operator} ${where.param(bound)}::numeric`);
      } else {
        const day = `${value} #>> '{}'`;
        where.add(`(CASE WHEN ${day} ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN ${day} END) COLLATE "C" ${operator} ${where.param(bound)}::text`);
      }
    }
  }
  if (Object.keys(values).length) where.add(`r.custom_fields @> ${where.param(JSON.stringify(values))}::jsonb`);
}

const SEARCH_TOKEN = /[^\p{L}\p{N}@._+-]+/gu;

/**
 * `?q=`: every word is a prefix of a word of the record (full-text index, `ada lov` finds Ada
 * Lovelace), or the whole query appears inside the record's text (trigram index: part of an
 * email domain, of a phone number typed with spaces). Under three characters only the prefix
 * search runs, since a trigram index cannot serve a shorter pattern.
 */
export function addSearchCondition(definition: ListDefinition, q: string, where: SqlConditions): void {
  const condition = searchCondition(definition, q, where);
  if (condition) where.add(condition);
}

/** The condition of addSearchCondition, its parameters added to `where` but the condition not. */
function searchCondition(definition: ListDefinition, q: string, where: SqlConditions): string | null {
  if (!definition.search) return null;
  const words = q.toLowerCase().split(SEARCH_TOKEN).filter(Boolean).slice(0, 8);
  const text = q.trim().toLowerCase();
  const digits = text.replace(/[\s().+-]/g, '');
  const alternatives: string[] = [];
  if (words.length) {
    const query = words.map((word) => `'${word}':*`).join(' & ');
    alternatives.push(`${definition.search.vector} @@ to_tsquery('simple', ${where.param(query)})`);
  }
  if (text.length >= 3) alternatives.push(`${definition.search.text} LIKE ${where.param(`%${escapeLike(text)}%`)}`);
  if (/^\d{3,}$/.test(digits) && digits !== text) alternatives.push(`${definition.search.text} LIKE ${where.param(`%${digits}%`)}`);
  return alternatives.length ? `(${alternatives.join(' OR ')})` : 'false';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

interface Sort {
  name: string;
  field: ListField;
  descending: boolean;
}

export function parseSort(definition: ListDefinition, sort: string | null | undefined): Sort {
  const requested = sort ?? definition.defaultSort;
  const descending = requested.startsWith('-');
  const name = descending ? requested.slice(1) : requested;
  const field = definition.fields[name];
  if (!field?.sortable) {
    const names = Object.entries(definition.fields)
      .filter(([, candidate]) => candidate.sortable)
      .map(([candidate]) => candidate);
    throw invalidParameter('sort', `must be one of ${names.join(', ')}, optionally prefixed with -`, `Cannot sort by "${requested}".`);
  }
  return { name, field, descending };
}

interface ListCursor {
  /** The sort key of the last row, as PostgreSQL printed it (no precision lost). */
  k: string;
  /** The id of the last row. */
  i: string;
}

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

/** Whether a sort key read back from a cursor is one PostgreSQL can cast to the field's type. */
export const SORT_KEY_SHAPES: Record<FieldKind, (key: string) => boolean> = {
  text: () => true,
  enum: () => true,
  uuid: isUuid,
  boolean: (key) => key === 'true' || key === 'false',
  date: (key) => /^\d{4}-\d{2}-\d{2}$/.test(key),
  timestamp: isPostgresTimestamp,
  integer: (key) => /^-?\d{1,19}$/.test(key) && BigInt(key) >= BIGINT_MIN && BigInt(key) <= BIGINT_MAX,
  // A custom object's number field, -Infinity standing for no value (see objects/object-schema.ts).
  number: (key) => /^-?(\d{1,300}(\.\d{1,300})?|Infinity)$/.test(key),
  tags: () => false,
};

export interface Page<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/**
 * One page of a list: live (or deleted) rows of the caller's workspace matching the filter and
 * search, in the requested order, after the cursor. Keyset pagination on (sort key, id), so a
 * page deep in a million rows costs what the first one does.
 * `columns` is the SELECT list over alias `r`; `where` may carry conditions of the caller's own.
 */
export async function listPage<Row extends { id: string }>(
  cursors: CursorCodec,
  manager: EntityManager,
  workspaceId: string,
  definition: ListDefinition,
  request: ListRequest,
  columns: string,
  where: SqlConditions = new SqlConditions(),
): Promise<Page<Row>> {
  const sort = parseSort(definition, request.sort);
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  // The caller's own conditions (e.g. deals of one contact) are part of what a cursor was made for.
  const list = JSON.stringify([
    definition.table,
    workspaceId,
    sort.name,
    sort.descending,
    request.filter,
    request.q ?? null,
    where.conditions,
    where.parameters,
  ]);
  // Row-level security confines the rows too; naming the workspace lets the planner use the
  // (workspace_id, …) indexes.
  where.add(`r.workspace_id = ${where.param(workspaceId)}::uuid`);
  addFilterConditions(definition, request.filter, where);
  const search = request.q ? searchCondition(definition, request.q, where) : null;
  if (request.cursor) {
    const cursor = cursors.decode<ListCursor>(list, request.cursor, ({ k, i }) => typeof k === 'string' && SORT_KEY_SHAPES[sort.field.kind](k) && isUuid(i));
    const cast = CASTS[sort.field.kind];
    where.add(`(${sort.field.sql}, r.id) ${sort.descending ? '<' : '>'} (${where.param(cursor.k)}::${cast}, ${where.param(cursor.i)}::uuid)`);
  }
  const direction = sort.descending ? 'DESC' : 'ASC';
  const order = `${sort.field.sql} ${direction}, r.id ${direction}`;
  const select = `SELECT ${columns}, (${sort.field.sql})::text AS "sortKey"`;
  type PageRow = Row & { sortKey: string };
  let rows: PageRow[];
  if (!search) {
    rows = await manager.query(
      `${select} FROM ${definition.table} r WHERE ${where.where()} ORDER BY ${order} LIMIT ${where.param(limit + 1)}`,
      where.parameters,
    );
  } else {
    // PostgreSQL misjudges how many rows a prefix matches, so the plan is chosen here. First the
    // newest (or first in the sort's order) rows are read in order, a bounded number of them: a
    // common term fills the page from those, exactly. A page that is not full means the term is
    // rare there: its matches are then read through the search indexes and ordered.
    const walk = where.copy();
    rows = await manager.query(
      `${select} FROM (SELECT r.* FROM ${definition.table} r WHERE ${walk.where()} ORDER BY ${order} LIMIT ${walk.param(ORDERED_WALK)}) r
       WHERE ${search} ORDER BY ${order} LIMIT ${walk.param(limit + 1)}`,
      walk.parameters,
    );
    if (rows.length <= limit) {
      const matching = where.copy();
      matching.add(search);
      rows = await manager.query(
        `WITH matches AS MATERIALIZED (SELECT r.* FROM ${definition.table} r WHERE ${matching.where()})
         ${select} FROM matches r ORDER BY ${order} LIMIT ${matching.param(limit + 1)}`,
        matching.parameters,
      );
    }
  }
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextCursor = rows.length > limit && last ? cursors.encode(list, { k: last.sortKey, i: last.id } satisfies ListCursor) : null;
  // Dropped in place: sortKey is each row's last column, and deleting an object's last property keeps
  // its shape, where a rest copy (`{ sortKey, ...row }`) built a slower object of ~0.4 KB per row.
  for (const row of pageRows) delete (row as Partial<PageRow>).sortKey;
  return { rows: pageRows as Row[], nextCursor };
}

/**
 * Every row a list's filter and search match, in the list's default order, as one statement
 * (an export reads it through a server-side cursor instead of page by page).
 * `columns` is the SELECT list over alias `r`; `where` may carry conditions of the caller's own.
 */
export function matchingRowsQuery(
  workspaceId: string,
  definition: ListDefinition,
  filter: ListFilter,
  q: string | null | undefined,
  columns: string,
  where: SqlConditions = new SqlConditions(),
): { sql: string; parameters: unknown[] } {
  const sort = parseSort(definition, null);
  where.add(`r.workspace_id = ${where.param(workspaceId)}::uuid`);
  addFilterConditions(definition, filter, where);
  if (q) addSearchCondition(definition, q, where);
  const direction = sort.descending ? 'DESC' : 'ASC';
  return {
    sql: `SELECT ${columns} FROM ${definition.table} r WHERE ${where.where()} ORDER BY ${sort.field.sql} ${direction}, r.id ${direction}`,
    parameters: where.parameters,
  };
}

/** How many live rows match a filter (segment counts, audience sizes). */
export async function countMatching(
  manager: EntityManager,
  workspaceId: string,
  definition: ListDefinition,
  filter: ListFilter,
  q?: string | null,
): Promise<number> {
  const where = new SqlConditions();
  where.add(`r.workspace_id = ${where.param(workspaceId)}::uuid`);
  addFilterConditions(definition, filter, where);
  if (q) addSearchCondition(definition, q, where);
  const rows: Array<{ count: string }> = await manager.query(`SELECT count(*) AS count FROM ${definition.table} r WHERE ${where.where()}`, where.parameters);
  return Number(rows[0]!.count);
}
