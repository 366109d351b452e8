import { CONTACT_CHANNELS_MAX, LIFECYCLE_STAGES, TAGS_MAX, type LifecycleStage } from '@kinship/contracts/crm';
import type { IncomingValues } from './import-values.js';

/** A record's stored values by API field name (contact or company). */
export type RecordValues = Record<string, unknown>;

export interface MergeRules {
  /** mode=overwrite: a different non-empty value replaces the stored one instead of becoming a conflict. */
  overwrite: boolean;
  /** The lifecycle stage may move backward (by default it only moves forward). */
  lifecycleBackward: boolean;
}

export interface PendingConflict {
  line: number;
  field: string;
  existing: unknown;
  incoming: unknown;
}

/** A record a batch creates or changes, with what the file's rows did to it. */
export interface MergeTarget {
  id: string;
  isNew: boolean;
  /** The record as stored before the batch (null for a new one): the source of undo's previous values. */
  original: RecordValues | null;
  values: RecordValues;
  changed: Set<string>;
  conflicts: PendingConflict[];
}

/** Fields compared without regard to case: "Ada@Example.com" is the same email as "ada@example.com". */
const CASE_INSENSITIVE = new Set(['email', 'companyName', 'name']);
/** Fields holding a map merged key by key; a conflict names `<field>.<key>`. */
const OBJECT_FIELDS = new Set(['customFields', 'address']);

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/** A contact's additional values (emails, phones) and the primary field each entry's value is compared with. */
const CHANNEL_FIELDS: Record<string, 'email' | 'phone'> = { emails: 'email', phones: 'phone' };

/** The contact's primary and additional values of a kind, comparable (emails ignore case). */
function heldValues(values: RecordValues, additional: string, primary: 'email' | 'phone'): Set<string> {
  const entries = (values[additional] as Array<Record<string, unknown>> | undefined) ?? [];
  return new Set(
    [values[primary], ...entries.map((entry) => entry[primary])]
      .filter((value): value is string => typeof value === 'string')
      .map((value) => value.toLowerCase()),
  );
}

function same(field: string, a: unknown, b: unknown): boolean {
  if (CASE_INSENSITIVE.has(field) && typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Whether the stage may replace the current one: forward only, "other" never replaces, an unset or "other" stage takes any. */
export function lifecycleMoves(current: LifecycleStage | null | undefined, incoming: LifecycleStage, backward: boolean): boolean {
  if (incoming === current || incoming === 'other') return false;
  if (!current || current === 'other' || backward) return true;
  return LIFECYCLE_STAGES.indexOf(incoming) > LIFECYCLE_STAGES.indexOf(current);
}

/**
 * Merges what one row says into a record: empty fields are filled; a different non-empty value
 * becomes a conflict (or replaces it with `overwrite`); tags are unioned; the lifecycle stage
 * moves forward only. `mayClaim` guards unique values (email, phone, domain): a value another
 * record holds is never written, it becomes a conflict for review.
 */
export function mergeInto(
  target: MergeTarget,
  incoming: IncomingValues,
  line: number,
  rules: MergeRules,
  mayClaim: (field: string, value: unknown) => boolean,
): void {
  const { values } = target;
  const set = (field: string, value: unknown) => {
    values[field] = value;
    target.changed.add(field);
  };
  for (const [field, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (field === 'tags') {
      const current = (values.tags as string[] | undefined) ?? [];
      const known = new Set(current.map((tag) => tag.toLowerCase()));
      const added = (value as string[]).filter((tag) => {
        const key = tag.toLowerCase();
        if (known.has(key)) return false;
        known.add(key);
        return true;
      });
      if (added.length) set('tags', [...current, ...added].slice(0, TAGS_MAX));
    } else if (OBJECT_FIELDS.has(field)) {
      const current = (values[field] as Record<string, unknown> | null | undefined) ?? {};
      let next: Record<string, unknown> | null = null;
      for (const [key, part] of Object.entries(value as Record<string, unknown>)) {
        const existing = current[key];
        if (isEmpty(existing) || (rules.overwrite && existing !== part)) next = { ...(next ?? current), [key]: part };
        else if (existing !== part) target.conflicts.push({ line, field: `${field}.${key}`, existing, incoming: part });
      }
      if (next) set(field, next);
    } else if (Object.hasOwn(CHANNEL_FIELDS, field)) {
      // Additional emails or phones: the new ones are added; one another record holds is not, it becomes a conflict.
      const primary = CHANNEL_FIELDS[field]!;
      const current = (values[field] as Array<Record<string, unknown>> | undefined) ?? [];
      const held = heldValues(values, field, primary);
      const added: Array<Record<string, unknown>> = [];
      const refused: Array<Record<string, unknown>> = [];
      for (const entry of value as Array<Record<string, unknown>>) {
        const key = String(entry[primary]).toLowerCase();
        if (held.has(key)) continue;
        held.add(key);
        if (mayClaim(primary, entry[primary])) added.push(entry);
        else refused.push(entry);
      }
      if (added.length) set(field, [...current, ...added].slice(0, CONTACT_CHANNELS_MAX));
      if (refused.length) target.conflicts.push({ line, field, existing: current, incoming: [...current, ...refused] });
    } else if ((field === 'email' || field === 'phone') && heldValues({ ...values, [field]: null }, `${field}s`, field).has(String(value).toLowerCase())) {
      // The record has it as an additional value already.
      continue;
    } else if (field === 'phoneExtension' && values.phone !== incoming.phone) {
      // The extension of a phone the record did not take.
      continue;
    } else if (field === 'lifecycleStage') {
      if (lifecycleMoves(values.lifecycleStage as LifecycleStage | null, value as LifecycleStage, rules.lifecycleBackward)) set(field, value);
    } else {
      const existing = values[field];
      if (same(field, existing, value)) continue;
      if (!isEmpty(existing) && !rules.overwrite) {
        target.conflicts.push({ line, field, existing, incoming: value });
      } else if (!mayClaim(field, value)) {
        target.conflicts.push({ line, field, existing: existing ?? null, incoming: value });
      } else {
        set(field, value);
      }
    }
  }
}

/** The stored values of the fields a merge changed, as undo restores them. */
export function previousValues(target: MergeTarget): RecordValues {
  const previous: RecordValues = {};
  for (const field of target.changed) previous[field] = target.original?.[field] ?? null;
  return previous;
}
