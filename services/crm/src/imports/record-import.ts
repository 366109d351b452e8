import { ADDRESS_PARTS, type ImportDateFormat } from '@kinship/contracts/crm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { newId, updateReturning } from '@kinship/persistence';
import type { Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { CompiledObject, ObjectFieldDefinition, RecordValues } from '../objects/object-schema.js';
import { headerKey } from './column-mapping.js';
import { readDate } from './import-dates.js';
import { RECORDS_PER_EVENT, recordImported, type BatchContext, type BatchOutcome } from './import-batch.js';
import type { PreviewReading } from './import-inspection.js';
import type { CellProblem, RowOutcome } from './import-values.js';
import type { ImportErrorRow } from './imports.repository.js';
import type { MergeTarget } from './record-merge.js';

/** The field types a records import may match rows on: single values, compared as stored. */
export const MATCHABLE_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'phone', 'url', 'number']);
/** A multi_select cell lists its options as exports write them. */
const LIST_SEPARATOR = ';';
const PART_FIELDS: Record<string, readonly string[]> = { address: ADDRESS_PARTS, currency: ['amount', 'currency'] };
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** What a column of a records file fills: a field key, `<key>.<part>` of an address or currency field, or nothing. */
export type RecordTarget = string | null;

/** The targets a column of this object's file may name: every field key, and the parts of address and currency fields. */
export function recordTargets(object: CompiledObject): Set<string> {
  const targets = new Set<string>();
  for (const field of object.fields.values()) {
    const parts = PART_FIELDS[field.type];
    if (parts) for (const part of parts) targets.add(`${field.key}.${part}`);
    else targets.add(field.key);
  }
  return targets;
}

/** The request's mapping, every target one of the object's (else a 422 naming mapping.<column>). */
export function checkedRecordMapping(object: CompiledObject, mapping: Record<string, string | null> | undefined): Record<string, RecordTarget> {
  const targets = recordTargets(object);
  const problems: ErrorDetail[] = Object.entries(mapping ?? {})
    .filter(([, target]) => target !== null && !targets.has(target))
    .map(([column]) => ({ field: `mapping.${column}`, issue: `must be a field of ${object.key} (an address or currency part as <key>.<part>) or null` }));
  if (problems.length) throw RpcError.validation(problems);
  return mapping ?? {};
}

/**
 * The field a records import matches rows on: the one asked for (text, email, phone, url or number,
 * else a 422 naming matchField), or the object's first email field; null when there is none (every
 * row creates a record).
 */
export function matchFieldOf(object: CompiledObject, asked: string | undefined): string | null {
  if (asked === undefined) return [...object.fields.values()].find((field) => field.type === 'email')?.key ?? null;
  const field = object.fields.get(asked);
  if (!field) throw RpcError.validation([{ field: 'matchField', issue: `is not a field of ${object.key}` }]);
  if (!MATCHABLE_TYPES.has(field.type)) {
    throw RpcError.validation([{ field: 'matchField', issue: `must be a text, email, phone, url or number field, not ${field.type}` }]);
  }
  return field.key;
}

/**
 * Which field each column fills: the request's mapping first, then a header equal (ignoring case,
 * spaces and punctuation) to a field's key or label, or `<key or label>.<part>` for an address or
 * currency part — the headers a records export writes. A target is filled by its first column.
 */
export function resolveRecordMapping(
  object: CompiledObject,
  columns: string[],
  requested: Record<string, RecordTarget>,
): { targets: RecordTarget[]; byColumn: Record<string, RecordTarget>; unmapped: string[] } {
  const byName = new Map<string, ObjectFieldDefinition>();
  for (const field of object.fields.values()) {
    byName.set(headerKey(field.label), field);
    byName.set(headerKey(field.key), field);
  }
  const taken = new Set<string>();
  const targets = columns.map((column): RecordTarget => {
    let target: RecordTarget = null;
    if (Object.hasOwn(requested, column)) target = requested[column]!;
    else {
      const dot = column.lastIndexOf('.');
      const whole = byName.get(headerKey(column));
      if (whole && !PART_FIELDS[whole.type]) target = whole.key;
      else if (dot > 0) {
        const field = byName.get(headerKey(column.slice(0, dot)));
        const part = PART_FIELDS[field?.type ?? '']?.find((name) => headerKey(name) === headerKey(column.slice(dot + 1)));
        if (field && part) target = `${field.key}.${part}`;
      }
    }
    if (target === null || taken.has(target)) return null;
    taken.add(target);
    return target;
  });
  const byColumn: Record<string, RecordTarget> = {};
  const unmapped: string[] = [];
  columns.forEach((column, index) => {
    byColumn[column] = targets[index]!;
    if (targets[index] === null) unmapped.push(column);
  });
  return { targets, byColumn, unmapped };
}

/** The columns holding the object's date fields (what an import reads the file's day/month order from). */
export function recordDateColumns(object: CompiledObject, targets: RecordTarget[]): number[] {
  return targets.flatMap((target, index) => (target !== null && object.fields.get(target)?.type === 'date' ? [index] : []));
}

/** A records file read as its import reads it (POST /imports/preview with entity records). */
export function recordReading(object: CompiledObject, requested: Record<string, RecordTarget>, region: string): (columns: string[]) => PreviewReading {
  return (columns) => {
    const mapping = resolveRecordMapping(object, columns, requested);
    return {
      columns: columns.map((column, index) => {
        const field = mapping.targets[index] ?? null;
        return { field, matchedBy: Object.hasOwn(requested, column) ? 'mapping' : field === null ? null : 'field', alias: null, label: null };
      }),
      unmapped: mapping.unmapped,
      dateColumns: recordDateColumns(object, mapping.targets),
      reader: (dateFormat) => new RecordRowReader(object, mapping.targets, region, dateFormat),
    };
  };
}

function option(field: ObjectFieldDefinition, text: string): string {
  return field.options.find((choice) => choice.toLowerCase() === text.toLowerCase()) ?? text;
}

/** A cell's text as the value its field's check takes; what cannot be read is passed on as text for the check to refuse. */
function cellValue(field: ObjectFieldDefinition, text: string, dateFormat: ImportDateFormat | null): unknown {
  switch (field.type) {
    case 'number': {
      const number = Number(text.replace(/[\s,]/g, ''));
      return Number.isFinite(number) && text.trim() !== '' ? number : text;
    }
    case 'boolean': {
      const word = text.toLowerCase();
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : text;
    }
    case 'date':
      return readDate(text, dateFormat);
    case 'select':
      return option(field, text);
    case 'multi_select':
      return text
        .split(LIST_SEPARATOR)
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => option(field, item));
    default:
      return text;
  }
}

/**
 * Reads a row of a records file into values checked by the object's own checks (those of
 * POST /objects/:object/records): a value of the wrong type is a problem naming `values.<key>`,
 * and the row is a bad row with every reason.
 */
export class RecordRowReader {
  constructor(
    private readonly object: CompiledObject,
    private readonly targets: RecordTarget[],
    private readonly region: string,
    private readonly dateFormat: ImportDateFormat | null,
  ) {}

  read(cells: string[]): RowOutcome {
    const candidates: RecordValues = {};
    const problems: CellProblem[] = [];
    this.targets.forEach((target, index) => {
      const text = cells[index]?.trim();
      if (target === null || !text) return;
      if (text.includes('\u0000')) {
        problems.push({ field: `values.${target}`, message: 'contains a NUL character' });
        return;
      }
      const dot = target.indexOf('.');
      if (dot > 0) {
        const key = target.slice(0, dot);
        const part = target.slice(dot + 1);
        const field = this.object.fields.get(key)!;
        const parts = (candidates[key] ??= {}) as Record<string, unknown>;
        if (field.type === 'currency' && part === 'amount') parts.amount = cellValue({ ...field, type: 'number' }, text, null);
        else parts[part] = field.type === 'currency' ? text.toUpperCase() : text;
        return;
      }
      const field = this.object.fields.get(target)!;
      const value = cellValue(field, text, this.dateFormat);
      if (typeof value === 'object' && value !== null && 'problem' in value) problems.push({ field: `values.${target}`, message: String(value.problem) });
      else candidates[target] = value;
    });
    let values: RecordValues;
    try {
      values = this.object.check({}, candidates, false, this.region).values;
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      problems.push(...error.details.map((detail) => ({ field: detail.field ?? null, message: detail.issue ?? error.message })));
      // The values that fit, as a preview shows them (an import stores nothing of a row with problems).
      const refused = new Set(error.details.map((detail) => detail.field));
      const fitting = Object.fromEntries(Object.entries(candidates).filter(([key]) => !refused.has(`values.${key}`)));
      values = this.object.check({}, fitting, false, this.region).values;
    }
    return { values: values as RowOutcome['values'], problems };
  }
}

interface RecordBatchRow {
  line: number;
  values: RecordValues;
  cells: string[];
}

interface StoredRecord {
  id: string;
  values: RecordValues;
  createdBy: string | null;
}

export interface RecordBatchOutcome extends BatchOutcome {
  /** Rows refused once the batch saw the workspace: a relation to no live record, a new record without a required value. */
  rejected: ImportErrorRow[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The comparable form of a value (the key rows and records meet on). */
function valueKey(value: unknown): string {
  return JSON.stringify(value);
}

/** The comparable form of a field's value: an email in lower case (as contacts' are compared), any other its JSON. */
function fieldValueKey(field: ObjectFieldDefinition | undefined, value: unknown): string {
  return field?.type === 'email' && typeof value === 'string' ? value.toLowerCase() : valueKey(value);
}

/**
 * Merges one batch of a records file into the object in the caller's transaction, as contacts
 * merge: rows holding the match field's value of a live record (the oldest of equals) enrich it —
 * empty fields filled, address and currency parts key by key, a different value a conflict (or
 * replaced with mode=overwrite) — other rows create records; rows of the file meeting on the same
 * value merge in file order. One SELECT of the matches (one pass over the object's records), one
 * INSERT, one UPDATE, the undo records, conflicts and `records.imported` events by 500.
 */
export async function importRecordBatch(
  manager: EntityManager,
  emit: Emit,
  object: CompiledObject,
  matchField: string | null,
  context: BatchContext,
  batch: RecordBatchRow[],
): Promise<RecordBatchOutcome> {
  const rejected: ImportErrorRow[] = [];
  const reject = (row: RecordBatchRow, message: string) => rejected.push({ line: row.line, message, values: row.cells });
  const dead = await deadRelations(manager, context.workspaceId, object, batch);
  const rows = batch.filter((row) => {
    const problems = dead.get(row.line);
    if (problems) reject(row, problems.join('; '));
    return !problems;
  });

  const holders = new Map<string, MergeTarget>();
  const targets: MergeTarget[] = [];
  const match = matchField === null ? undefined : object.fields.get(matchField)!;
  if (match) {
    const keys = [...new Set(rows.flatMap((row) => (row.values[match.key] === undefined ? [] : [fieldValueKey(match, row.values[match.key])])))];
    for (const record of await matchingRecords(manager, context.workspaceId, object.id, match, keys)) {
      const target: MergeTarget = { id: record.id, isNew: false, original: record.values, values: { ...record.values }, changed: new Set(), conflicts: [] };
      targets.push(target);
      const key = fieldValueKey(match, record.values[match.key]);
      if (!holders.has(key)) holders.set(key, target);
    }
  }
  for (const row of rows) {
    const key = match && row.values[match.key] !== undefined ? fieldValueKey(match, row.values[match.key]) : null;
    const found = key === null ? undefined : holders.get(key);
    if (found) {
      mergeValues(object, found, row.values, row.line, context.rules.overwrite);
      continue;
    }
    const missing = [...object.fields.values()].filter((field) => field.required && row.values[field.key] === undefined).map((field) => field.key);
    if (missing.length) {
      reject(row, missing.map((field) => `values.${field}: is required`).join('; '));
      continue;
    }
    const target: MergeTarget = { id: newId(), isNew: true, original: null, values: { ...row.values }, changed: new Set(), conflicts: [] };
    targets.push(target);
    if (key !== null) holders.set(key, target);
  }

  const created = targets.filter((target) => target.isNew);
  const changed = targets.filter((target) => !target.isNew && target.changed.size > 0);
  const written = [...(await insertRecords(manager, context, object, created)), ...(await updateRecords(manager, context.workspaceId, object, changed))];
  const updated = await recordImported(manager, context, 'record', created, changed);
  const conflicts = targets.flatMap((target) => target.conflicts.map((conflict) => ({ ...conflict, id: newId(), recordId: target.id })));
  if (conflicts.length) {
    await manager.query(
      `INSERT INTO crm.import_conflicts (id, workspace_id, import_id, record_type, record_id, line, field, existing_value, incoming_value)
       SELECT u.id, $1, $2, 'record', u."recordId", u.line, u.field, u.existing, u.incoming
       FROM jsonb_to_recordset($3::jsonb) AS u(id uuid, "recordId" uuid, line integer, field text, existing jsonb, incoming jsonb)`,
      [context.workspaceId, context.importId, JSON.stringify(conflicts)],
    );
  }
  for (let index = 0; index < written.length; index += RECORDS_PER_EVENT) {
    await emit({
      type: 'records.imported',
      workspaceId: context.workspaceId,
      actorId: context.requestedBy,
      aggregateId: context.importId,
      data: {
        importId: context.importId,
        batch: context.batch,
        part: index / RECORDS_PER_EVENT + 1,
        object: object.key,
        records: written.slice(index, index + RECORDS_PER_EVENT).map((record) => eventRecord(object.key, record)),
      },
    });
  }
  return { created: created.length, updated, conflicts: conflicts.length, rejected };
}

export function eventRecord(object: string, record: StoredRecord): { id: string; object: string; values: RecordValues; createdBy?: string } {
  return { id: record.id, object, values: record.values, ...(record.createdBy ? { createdBy: record.createdBy } : {}) };
}

/**
 * Fills what the record lacks; a part of an address or amount merges key by key; a different value
 * (an email in another case is the same) is a conflict unless overwriting.
 */
function mergeValues(object: CompiledObject, target: MergeTarget, incoming: RecordValues, line: number, overwrite: boolean): void {
  for (const [field, value] of Object.entries(incoming)) {
    const existing = target.values[field];
    const differs = fieldValueKey(object.fields.get(field), existing) !== fieldValueKey(object.fields.get(field), value);
    if (isPlainObject(value) && isPlainObject(existing)) {
      let next: Record<string, unknown> | null = null;
      for (const [part, incomingPart] of Object.entries(value)) {
        const current = existing[part];
        if (current === undefined || (overwrite && valueKey(current) !== valueKey(incomingPart))) next = { ...(next ?? existing), [part]: incomingPart };
        else if (valueKey(current) !== valueKey(incomingPart))
          target.conflicts.push({ line, field: `${field}.${part}`, existing: current, incoming: incomingPart });
      }
      if (next) {
        target.values[field] = next;
        target.changed.add(field);
      }
    } else if (existing === undefined || (overwrite && differs)) {
      target.values[field] = value;
      target.changed.add(field);
    } else if (differs) {
      target.conflicts.push({ line, field, existing, incoming: value });
    }
  }
}

/** Per line, the relation values of the batch naming no live record of their target in the workspace. */
async function deadRelations(manager: EntityManager, workspaceId: string, object: CompiledObject, rows: RecordBatchRow[]): Promise<Map<number, string[]>> {
  const relations = [...object.fields.values()].filter((field) => field.type === 'relation');
  const wanted: Array<{ line: number; field: string; target: string; id: string }> = [];
  for (const row of rows) {
    for (const field of relations) {
      const id = row.values[field.key];
      if (typeof id === 'string') wanted.push({ line: row.line, field: field.key, target: field.target!, id });
    }
  }
  const dead = new Map<number, string[]>();
  if (wanted.length === 0) return dead;
  // Under row-level security another workspace's ids are invisible, so they read as unknown.
  const live: Array<{ target: string; id: string }> = await manager.query(
    `SELECT w.target, w.id::text AS id FROM jsonb_to_recordset($2::jsonb) AS w(target text, id uuid)
     WHERE CASE w.target
       WHEN 'contacts' THEN EXISTS (SELECT 1 FROM crm.contacts c WHERE c.workspace_id = $1 AND c.id = w.id AND c.deleted_at IS NULL)
       WHEN 'companies' THEN EXISTS (SELECT 1 FROM crm.companies c WHERE c.workspace_id = $1 AND c.id = w.id AND c.deleted_at IS NULL)
       WHEN 'deals' THEN EXISTS (SELECT 1 FROM crm.deals d WHERE d.workspace_id = $1 AND d.id = w.id AND d.deleted_at IS NULL)
       ELSE EXISTS (SELECT 1 FROM crm.object_records r JOIN crm.object_definitions o ON o.id = r.object_id
                    WHERE r.workspace_id = $1 AND r.id = w.id AND r.deleted_at IS NULL AND o.key = w.target AND o.deleted_at IS NULL)
     END`,
    [workspaceId, JSON.stringify(wanted.map(({ target, id }) => ({ target, id })))],
  );
  const found = new Set(live.map((row) => `${row.target}/${row.id}`));
  for (const relation of wanted) {
    if (found.has(`${relation.target}/${relation.id}`)) continue;
    const problems = dead.get(relation.line) ?? [];
    problems.push(`values.${relation.field}: is not a live ${relation.target} record of this workspace`);
    dead.set(relation.line, problems);
  }
  return dead;
}

/**
 * Live records of the object whose match field holds one of the values (their fieldValueKey), oldest
 * first, locked until the batch commits. An email field is looked up in object_record_emails (lower case).
 */
async function matchingRecords(
  manager: EntityManager,
  workspaceId: string,
  objectId: string,
  field: ObjectFieldDefinition,
  values: string[],
): Promise<StoredRecord[]> {
  if (values.length === 0) return [];
  if (field.type === 'email') {
    return manager.query(
      `SELECT r.id, r.values, r.created_by AS "createdBy" FROM crm.object_record_emails e
       JOIN crm.object_records r ON r.workspace_id = e.workspace_id AND r.id = e.record_id
       WHERE e.workspace_id = $1 AND e.object_id = $2 AND e.field = $3 AND e.email = ANY($4::text[]) AND r.deleted_at IS NULL
       ORDER BY r.created_at, r.id FOR UPDATE OF r`,
      [workspaceId, objectId, field.key, values],
    );
  }
  // One read of the object's records, the batch's values hashed (a large `= ANY` is hashed), rather
  // than a GIN probe per value: with a containment's default estimate the planner read every record
  // once per value on a table of tens of thousands (15–20 ms each, 75–100 s per batch of 5,000), and
  // with statistics older than the import it walked the object's page index per value. This costs
  // one pass over the object per batch, linear in its size (docs/crm.md "Imports").
  return manager.query(
    `SELECT r.id, r.values, r.created_by AS "createdBy" FROM crm.object_records r
     WHERE r.workspace_id = $1 AND r.object_id = $2 AND r.deleted_at IS NULL AND r.values -> $3::text = ANY($4::jsonb[])
     ORDER BY r.created_at, r.id FOR UPDATE`,
    [workspaceId, objectId, field.key, values],
  );
}

async function insertRecords(manager: EntityManager, context: BatchContext, object: CompiledObject, targets: MergeTarget[]): Promise<StoredRecord[]> {
  if (targets.length === 0) return [];
  return manager.query(
    `INSERT INTO crm.object_records (id, workspace_id, object_id, values, search_text, created_by)
     SELECT u.id, $1, $2, u.values, u.search, $3 FROM jsonb_to_recordset($4::jsonb) AS u(id uuid, values jsonb, search text)
     RETURNING id, values, created_by AS "createdBy"`,
    [
      context.workspaceId,
      object.id,
      context.requestedBy,
      JSON.stringify(targets.map((target) => ({ id: target.id, values: target.values, search: object.searchText(target.values) }))),
    ],
  );
}

async function updateRecords(manager: EntityManager, workspaceId: string, object: CompiledObject, targets: MergeTarget[]): Promise<StoredRecord[]> {
  if (targets.length === 0) return [];
  return updateReturning<StoredRecord>(
    manager,
    `UPDATE crm.object_records r SET values = u.values, search_text = u.search, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, values jsonb, search text)
     WHERE r.workspace_id = $1 AND r.id = u.id RETURNING r.id, r.values, r.created_by AS "createdBy"`,
    [workspaceId, JSON.stringify(targets.map((target) => ({ id: target.id, values: target.values, search: object.searchText(target.values) })))],
  );
}

/** Undo of a records import's created records: soft-deleted, announced by 500. */
export async function undoCreatedRecords(manager: EntityManager, emit: Emit, base: UndoBase, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await updateReturning<{ id: string }>(
    manager,
    `UPDATE crm.object_records SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL RETURNING id`,
    [base.workspaceId, ids],
  );
  for (let index = 0; index < rows.length; index += RECORDS_PER_EVENT) {
    const deletedIds = rows.slice(index, index + RECORDS_PER_EVENT).map((row) => row.id);
    await emit({ ...undoEnvelope(base), data: { importId: base.aggregateId, object: base.object.key, deletedIds, restored: [] } });
  }
}

export interface UndoBase {
  workspaceId: string;
  actorId: string | null;
  /** The import's id. */
  aggregateId: string;
  object: CompiledObject;
}

function undoEnvelope(base: UndoBase) {
  return { type: 'records.import_undone' as const, workspaceId: base.workspaceId, actorId: base.actorId, aggregateId: base.aggregateId };
}

/** Undo of a records import's changes: the fields it changed get back their values before the import (null: it had none). */
export async function undoChangedRecords(
  manager: EntityManager,
  emit: Emit,
  base: UndoBase,
  records: Array<{ id: string; previous: RecordValues }>,
): Promise<void> {
  if (records.length === 0) return;
  const restored = await updateReturning<StoredRecord>(
    manager,
    `UPDATE crm.object_records r SET values = (r.values - ARRAY(SELECT jsonb_object_keys(u.previous))) || jsonb_strip_nulls(u.previous), updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, previous jsonb)
     WHERE r.workspace_id = $1 AND r.id = u.id RETURNING r.id, r.values, r.created_by AS "createdBy"`,
    [base.workspaceId, JSON.stringify(records)],
  );
  const { object } = base;
  await manager.query(
    `UPDATE crm.object_records r SET search_text = u.search FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, search text) WHERE r.workspace_id = $1 AND r.id = u.id`,
    [base.workspaceId, JSON.stringify(restored.map((record) => ({ id: record.id, search: object.searchText(record.values) })))],
  );
  for (let index = 0; index < restored.length; index += RECORDS_PER_EVENT) {
    const part = restored.slice(index, index + RECORDS_PER_EVENT).map((record) => eventRecord(object.key, record));
    await emit({ ...undoEnvelope(base), data: { importId: base.aggregateId, object: object.key, deletedIds: [], restored: part } });
  }
}
