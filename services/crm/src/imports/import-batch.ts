import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { newId } from '@kinship/persistence';
import type { Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { EntityWriter, IMPORTED_COMPANIES, type ImportedEntity } from './import-entities.js';
import type { IncomingValues } from './import-values.js';
import { mergeInto, previousValues, type MergeRules, type MergeTarget, type RecordValues } from './record-merge.js';

/** At most this many records per imported event, so one stays well under NATS's 1 MB payload limit. */
export const RECORDS_PER_EVENT = 500;

export interface BatchRow {
  line: number;
  values: IncomingValues;
}

export interface BatchContext {
  workspaceId: string;
  importId: string;
  /** Who started the import: owner of the records it creates (as a create through the API), null for an API key. */
  requestedBy: string | null;
  /** Numbers the batch's events, so a consumer can tell them apart. */
  batch: number;
  rules: MergeRules;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  conflicts: number;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

/** A stored record a batch merges into: its version as read, or null for one the batch before wrote (its version is that batch's transaction id). */
interface ReadRecord {
  id: string;
  version: string | null;
  values: RecordValues;
}

/** What one batch's merge decided, before anything is written. */
export interface BatchPlan {
  keys: string[][];
  /** The stored records it merged into, in the order it read them (oldest first). */
  read: Array<{ id: string; version: string | null }>;
  /** The lower-cased company names it linked contacts to, and the live company each named then. */
  companyNames: string[];
  companiesFound: Map<string, Company>;
  newCompanies: Array<{ id: string; values: RecordValues }>;
  targets: MergeTarget[];
  /** Names this plan, so the next batch's plan can say which one it took as done. */
  id: string;
  /** The id of the plan of the batch before, whose writes this one took as done (null: it read them committed). Only the id: a reference would keep every batch's plan alive. */
  basedOn: string | null;
}

/** What a batch wrote: the plan it carried out and the id of its transaction, as the next batch checks them. */
export interface WrittenBatch {
  plan: BatchPlan;
  transactionId: string;
}

interface Company {
  id: string;
  name: string;
}

/** Reads a batch's merge needs: the stored records holding its keys, and the live companies of some names. */
interface BatchReads {
  matches(keys: string[][]): Promise<ReadRecord[]>;
  companies(names: string[]): Promise<Map<string, Company>>;
}

/** Rows merged between two turns of the event loop, so a batch's merge does not hold up the crm's requests. */
const ROWS_BETWEEN_YIELDS = 500;

/** Plans a batch in the writing transaction: the records it matches read and locked. */
export function planLocked(manager: EntityManager, spec: ImportedEntity, context: BatchContext, rows: BatchRow[]): Promise<BatchPlan> {
  return planBatch(spec, context, rows, lockingReads(manager, spec, context.workspaceId), null);
}

/**
 * Plans a batch outside any write transaction, while the batch before may still be writing: what
 * its merge reads are the committed records plus what `prior` (that batch's plan) writes. Nothing
 * is locked: checkPlan verifies in the writing transaction that the records and companies read
 * are still those, at the same versions, before the plan is written; otherwise the batch is
 * merged again there (importBatch).
 */
export async function planAhead(
  inWorkspace: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>,
  spec: ImportedEntity,
  context: BatchContext,
  rows: BatchRow[],
  prior: BatchPlan | null,
): Promise<BatchPlan> {
  const writer = new EntityWriter(spec);
  // Each read in a short transaction of its own: none stays open while the merge runs.
  const reads: BatchReads = {
    matches: async (keys) => {
      const stored: ReadRecord[] = await inWorkspace((manager) => writer.findMatches(manager, context.workspaceId, keys, { lock: false }));
      if (!prior) return stored;
      return withPriorWrites(spec, stored, prior, keys);
    },
    companies: async (names) => {
      const found = await inWorkspace((manager) => findCompanies(manager, context.workspaceId, names));
      const wanted = new Set(names);
      for (const company of prior?.newCompanies ?? []) {
        const key = (company.values.name as string).toLowerCase();
        if (wanted.has(key) && !found.has(key)) found.set(key, { id: company.id, name: company.values.name as string });
      }
      return found;
    },
  };
  return planBatch(spec, context, rows, reads, prior?.id ?? null);
}

/**
 * Whether a plan made ahead still holds in the writing transaction: the records holding its keys
 * are, in order, those it read, at the versions it read (those the batch before wrote at that
 * batch's transaction id), now locked; and its company names still name the same companies.
 */
export async function checkPlan(
  manager: EntityManager,
  spec: ImportedEntity,
  workspaceId: string,
  plan: BatchPlan,
  prior: WrittenBatch | null,
): Promise<boolean> {
  if (plan.basedOn !== (prior?.plan.id ?? null)) return false;
  const locked = await new EntityWriter(spec).lockMatches(manager, workspaceId, plan.keys);
  if (locked.length !== plan.read.length) return false;
  const same = locked.every((record, index) => {
    const read = plan.read[index]!;
    return record.id === read.id && record.version === (read.version ?? prior?.transactionId);
  });
  if (!same) return false;
  if (plan.companyNames.length === 0) return true;
  const found = await findCompanies(manager, workspaceId, plan.companyNames);
  return (
    found.size === plan.companiesFound.size &&
    [...found].every(([key, company]) => plan.companiesFound.get(key)?.id === company.id && plan.companiesFound.get(key)?.name === company.name)
  );
}

/** The id of the current transaction as a row's xmin shows it (32 bits). */
export async function transactionId(manager: EntityManager): Promise<string> {
  const rows: Array<{ id: string }> = await manager.query(`SELECT (txid_current() % 4294967296)::text AS id`);
  return rows[0]!.id;
}

function lockingReads(manager: EntityManager, spec: ImportedEntity, workspaceId: string): BatchReads {
  const writer = new EntityWriter(spec);
  return {
    matches: (keys) => writer.findMatches(manager, workspaceId, keys, { lock: true }),
    companies: (names) => findCompanies(manager, workspaceId, names),
  };
}

/** The live company of each lower-cased name (any case, the oldest when several). */
async function findCompanies(manager: EntityManager, workspaceId: string, names: string[]): Promise<Map<string, Company>> {
  const found: Company[] = await manager.query(
    `SELECT DISTINCT ON (lower(name)) id, name FROM crm.companies
     WHERE workspace_id = $1 AND deleted_at IS NULL AND lower(name) = ANY($2::text[]) ORDER BY lower(name), created_at, id`,
    [workspaceId, names],
  );
  return new Map(found.map((company) => [company.name.toLowerCase(), company]));
}

/**
 * The committed records a batch read, with what the batch before writes laid over them: its
 * values for the records it writes (version null), and its records that hold one of the keys
 * but were not read (not committed yet, or holding a key only after its write) after them.
 */
function withPriorWrites(spec: ImportedEntity, stored: ReadRecord[], prior: BatchPlan, keys: string[][]): ReadRecord[] {
  const written = new Map(prior.targets.filter((target) => target.isNew || target.changed.size > 0).map((target) => [target.id, target]));
  // Sets: a batch holds thousands of keys, checked against each of the thousands of records the batch before wrote.
  const keySets = keys.map((list) => new Set(list));
  const holds = (values: RecordValues) => spec.identities.some((identity, index) => identity.keys(values).some((key) => keySets[index]!.has(key)));
  const records: ReadRecord[] = [];
  for (const record of stored) {
    const target = written.get(record.id);
    written.delete(record.id);
    if (!target) records.push(record);
    else if (holds(target.values)) records.push({ id: record.id, version: null, values: { ...record.values, ...target.values } });
  }
  const added = [...written.values()].filter((target) => holds(target.values));
  // Oldest first, as the locking read orders them: records that existed before, then the batch's new ones (created in the same transaction, so by id).
  const createdAt = (target: MergeTarget) => (target.original?.createdAt instanceof Date ? target.original.createdAt.getTime() : Number.POSITIVE_INFINITY);
  added.sort((a, b) => createdAt(a) - createdAt(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const target of added) records.push({ id: target.id, version: null, values: { ...(target.original ?? {}), ...target.values } });
  return records;
}

/**
 * The merge of one batch, in memory: rows in file order, so an earlier row wins a field and a
 * later one fills gaps (in-file duplicates included), into the stored records they match or new
 * ones; then contacts linked to companies by name and the lifecycle defaults.
 */
async function planBatch(spec: ImportedEntity, context: BatchContext, rows: BatchRow[], reads: BatchReads, basedOn: string | null): Promise<BatchPlan> {
  const keys = spec.identities.map((identity) => [...new Set(rows.flatMap((row) => identity.keys(row.values)))]);
  const stored = await reads.matches(keys);

  const holders = spec.identities.map(() => new Map<string, MergeTarget>());
  const claim = (target: MergeTarget) => {
    spec.identities.forEach((identity, index) => {
      for (const key of identity.keys(target.values)) if (!holders[index]!.has(key)) holders[index]!.set(key, target);
    });
  };
  const targets: MergeTarget[] = [];
  for (const record of stored) {
    const target: MergeTarget = { id: record.id, isNew: false, original: record.values, values: { ...record.values }, changed: new Set(), conflicts: [] };
    targets.push(target);
    claim(target);
  }
  for (const [index, row] of rows.entries()) {
    if (index > 0 && index % ROWS_BETWEEN_YIELDS === 0) await yieldToEventLoop();
    let target: MergeTarget | undefined;
    spec.identities.forEach((identity, index) => {
      for (const key of identity.keys(row.values)) target ??= holders[index]!.get(key);
    });
    if (!target) {
      target = { id: newId(), isNew: true, original: null, values: spec.blank(context.requestedBy), changed: new Set(), conflicts: [] };
      targets.push(target);
    }
    const current = target;
    mergeInto(current, row.values, row.line, context.rules, (field, value) => {
      const index = spec.identities.findIndex((identity) => identity.field === field && identity.unique);
      if (index === -1) return true;
      const holder = holders[index]!.get(spec.identities[index]!.keys({ [field]: value })[0] ?? '');
      return !holder || holder === current;
    });
    claim(current);
  }

  const touched = targets.filter((target) => target.isNew || target.changed.size > 0);
  const linked = spec.recordType === 'contact' ? await linkCompanies(reads, context, touched) : { names: [], found: new Map<string, Company>(), created: [] };
  for (const target of touched) {
    if (target.isNew && !target.values.lifecycleStage) target.values.lifecycleStage = 'lead';
    if (target.values.lifecycleStage === 'customer' && target.original?.lifecycleStage !== 'customer' && !target.values.customerSince) {
      target.values.customerSince = today();
      target.changed.add('customerSince');
    }
  }
  return {
    keys,
    read: stored.map((record) => ({ id: record.id, version: record.version })),
    companyNames: linked.names,
    companiesFound: linked.found,
    newCompanies: linked.created,
    targets,
    id: newId(),
    basedOn,
  };
}

/**
 * Writes a batch's plan in the caller's transaction: the companies it creates, one INSERT of new
 * records, one UPDATE of changed ones, and bulk inserts of conflicts and undo records. Emits the
 * created and changed records in chunks of RECORDS_PER_EVENT.
 */
export async function writeBatch(manager: EntityManager, emit: Emit, spec: ImportedEntity, context: BatchContext, plan: BatchPlan): Promise<BatchOutcome> {
  const writer = new EntityWriter(spec);
  if (plan.newCompanies.length) {
    const companies = new EntityWriter(IMPORTED_COMPANIES);
    const rows = await companies.insert(manager, context.workspaceId, context.requestedBy, plan.newCompanies);
    await recordImported(
      manager,
      context,
      'company',
      plan.newCompanies.map((company) => ({ ...company, isNew: true, original: null, changed: new Set(), conflicts: [] })),
      [],
    );
    await emitImported(emit, IMPORTED_COMPANIES, context, rows);
  }
  const touched = plan.targets.filter((target) => target.isNew || target.changed.size > 0);
  const created = touched.filter((target) => target.isNew);
  const changed = touched.filter((target) => !target.isNew);
  const records = [
    ...(await writer.insert(manager, context.workspaceId, context.requestedBy, created)),
    ...(await writer.update(manager, context.workspaceId, changed)),
  ];
  const newlyUpdated = await recordImported(manager, context, spec.recordType, created, changed);
  const conflicts = plan.targets.flatMap((target) => target.conflicts.map((conflict) => ({ ...conflict, recordId: target.id })));
  if (conflicts.length) {
    await manager.query(
      `INSERT INTO crm.import_conflicts (id, workspace_id, import_id, record_type, record_id, line, field, existing_value, incoming_value)
       SELECT u.id, $1, $2, $3, u."recordId", u.line, u.field, u.existing, u.incoming
       FROM jsonb_to_recordset($4::jsonb) AS u(id uuid, "recordId" uuid, line integer, field text, existing jsonb, incoming jsonb)`,
      [context.workspaceId, context.importId, spec.recordType, JSON.stringify(conflicts.map((conflict) => ({ id: newId(), ...conflict })))],
    );
  }
  await emitImported(emit, spec, context, records);
  return { created: created.length, updated: newlyUpdated, conflicts: conflicts.length };
}

/**
 * Remembers what the import did to each record, for undo: created ones, and the values before
 * the import of the fields it changed. A record changed again by a later batch keeps its first
 * previous values (the state before the import) and gains those of newly changed fields.
 * Returns how many records this import changed for the first time.
 */
export async function recordImported(
  manager: EntityManager,
  context: BatchContext,
  recordType: string,
  created: MergeTarget[],
  changed: MergeTarget[],
): Promise<number> {
  if (created.length) {
    // New ids: nothing to merge with, so a plain insert of the ids.
    await manager.query(
      `INSERT INTO crm.import_records (workspace_id, import_id, record_type, record_id, action) SELECT $1, $2, $3, unnest($4::uuid[]), 'created'`,
      [context.workspaceId, context.importId, recordType, created.map((target) => target.id)],
    );
  }
  if (changed.length === 0) return 0;
  const rows: Array<{ action: string; inserted: boolean }> = await manager.query(
    `INSERT INTO crm.import_records AS i (workspace_id, import_id, record_type, record_id, action, previous)
     SELECT $1, $2, $3, u.id, 'updated', u.previous FROM jsonb_to_recordset($4::jsonb) AS u(id uuid, previous jsonb)
     ON CONFLICT (import_id, record_type, record_id) DO UPDATE SET previous = EXCLUDED.previous || i.previous
     RETURNING i.action, (i.xmax = 0) AS inserted`,
    [context.workspaceId, context.importId, recordType, JSON.stringify(changed.map((target) => ({ id: target.id, previous: previousValues(target) })))],
  );
  return rows.filter((row) => row.inserted && row.action === 'updated').length;
}

async function emitImported(emit: Emit, spec: ImportedEntity, context: BatchContext, rows: Array<{ id: string }>): Promise<void> {
  const parts = chunks(rows, RECORDS_PER_EVENT);
  for (const [index, part] of parts.entries()) {
    const key = spec.recordType === 'contact' ? 'contacts' : 'companies';
    await emit({
      type: spec.importedEvent,
      workspaceId: context.workspaceId,
      actorId: context.requestedBy,
      aggregateId: context.importId,
      data: { importId: context.importId, batch: context.batch, part: index + 1, [key]: part.map((row) => spec.toEvent(row)) },
    });
  }
}

/**
 * Contacts whose company name the batch set are linked to the live company of that name (any
 * case, the oldest when several), created when there is none; the contact keeps the company's
 * own spelling in company_name. Companies created here are undone with the import.
 */
async function linkCompanies(
  reads: BatchReads,
  context: BatchContext,
  targets: MergeTarget[],
): Promise<{ names: string[]; found: Map<string, Company>; created: Array<{ id: string; values: RecordValues }> }> {
  const linking = targets.filter((target) => target.changed.has('companyName') && target.values.companyName);
  if (linking.length === 0) return { names: [], found: new Map(), created: [] };
  const names = [...new Set(linking.map((target) => (target.values.companyName as string).toLowerCase()))];
  const found = await reads.companies(names);
  const byName = new Map(found);
  const created: Array<{ id: string; values: RecordValues }> = [];
  for (const target of linking) {
    const key = (target.values.companyName as string).toLowerCase();
    if (byName.has(key)) continue;
    const company = { id: newId(), name: target.values.companyName as string };
    byName.set(key, company);
    created.push({ id: company.id, values: { ...IMPORTED_COMPANIES.blank(context.requestedBy), name: company.name } });
  }
  for (const target of linking) {
    const company = byName.get((target.values.companyName as string).toLowerCase())!;
    target.values.companyName = company.name;
    if (target.values.companyId !== company.id) {
      target.values.companyId = company.id;
      target.changed.add('companyId');
    }
  }
  return { names, found, created };
}
