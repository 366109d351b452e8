import { newId } from '@kinship/persistence';
import type { Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { EntityWriter, IMPORTED_COMPANIES, type ImportedEntity } from './import-entities.js';
import type { IncomingValues } from './import-values.js';
import { mergeInto, previousValues, type MergeRules, type MergeTarget } from './record-merge.js';

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

/**
 * Merges one batch of rows into the workspace in the caller's transaction: one SELECT of the
 * records they match, the merge in memory (rows in file order, so an earlier row wins a field and
 * a later one fills gaps, in-file duplicates included), then one INSERT of new records, one
 * UPDATE of changed ones, and bulk inserts of conflicts and undo records. Emits the created and
 * changed records in chunks of RECORDS_PER_EVENT.
 */
export async function importBatch(manager: EntityManager, emit: Emit, spec: ImportedEntity, context: BatchContext, rows: BatchRow[]): Promise<BatchOutcome> {
  const writer = new EntityWriter(spec);
  const keys = spec.identities.map((identity) => [...new Set(rows.flatMap((row) => identity.keys(row.values)))]);
  const stored = await writer.findMatches(manager, context.workspaceId, keys);

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
  for (const row of rows) {
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
  if (spec.recordType === 'contact') await linkCompanies(manager, emit, context, touched);
  for (const target of touched) {
    if (target.isNew && !target.values.lifecycleStage) target.values.lifecycleStage = 'lead';
    if (target.values.lifecycleStage === 'customer' && target.original?.lifecycleStage !== 'customer' && !target.values.customerSince) {
      target.values.customerSince = today();
      target.changed.add('customerSince');
    }
  }

  const created = touched.filter((target) => target.isNew);
  const changed = touched.filter((target) => !target.isNew);
  const records = [
    ...(await writer.insert(manager, context.workspaceId, context.requestedBy, created)),
    ...(await writer.update(manager, context.workspaceId, changed)),
  ];
  const newlyUpdated = await recordImported(manager, context, spec.recordType, created, changed);
  const conflicts = targets.flatMap((target) => target.conflicts.map((conflict) => ({ ...conflict, recordId: target.id })));
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
async function linkCompanies(manager: EntityManager, emit: Emit, context: BatchContext, targets: MergeTarget[]): Promise<void> {
  const linking = targets.filter((target) => target.changed.has('companyName') && target.values.companyName);
  if (linking.length === 0) return;
  const names = [...new Set(linking.map((target) => (target.values.companyName as string).toLowerCase()))];
  const found: Array<{ id: string; name: string }> = await manager.query(
    `SELECT DISTINCT ON (lower(name)) id, name FROM crm.companies
     WHERE workspace_id = $1 AND deleted_at IS NULL AND lower(name) = ANY($2::text[]) ORDER BY lower(name), created_at, id`,
    [context.workspaceId, names],
  );
  const byName = new Map(found.map((company) => [company.name.toLowerCase(), company]));
  const missing: Array<{ id: string; values: Record<string, unknown> }> = [];
  for (const target of linking) {
    const key = (target.values.companyName as string).toLowerCase();
    if (byName.has(key)) continue;
    const company = { id: newId(), name: target.values.companyName as string };
    byName.set(key, company);
    missing.push({ id: company.id, values: { ...IMPORTED_COMPANIES.blank(context.requestedBy), name: company.name } });
  }
  if (missing.length) {
    const companies = new EntityWriter(IMPORTED_COMPANIES);
    const rows = await companies.insert(manager, context.workspaceId, context.requestedBy, missing);
    await recordImported(
      manager,
      context,
      'company',
      missing.map((company) => ({ ...company, isNew: true, original: null, changed: new Set(), conflicts: [] })),
      [],
    );
    await emitImported(emit, IMPORTED_COMPANIES, context, rows);
  }
  for (const target of linking) {
    const company = byName.get((target.values.companyName as string).toLowerCase())!;
    target.values.companyName = company.name;
    if (target.values.companyId !== company.id) {
      target.values.companyId = company.id;
      target.changed.add('companyId');
    }
  }
}
