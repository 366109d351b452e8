import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import type { InputOf } from '@kinship/contracts';
import {
  ContactBody,
  type ImportEntity,
  IMPORT_PREVIEW_BYTES,
  UpdateCompanyBody,
  type CreateImportInput,
  type ImportDateFormat,
  type ImportPreview,
  type ListConflicts,
  type PreviewImportInput,
  type ListImportErrors,
  type ResolveConflict,
  type ResolveConflicts,
} from '@kinship/contracts/crm';
import { RpcError, validateData } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, FileStore, type Emit } from '@kinship/platform';
import type { Queue } from 'bull';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { CompaniesService } from '../companies/companies.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ObjectCatalog } from '../objects/object-catalog.js';
import { ObjectRecordsService } from '../objects/object-records.service.js';
import type { CompiledObject } from '../objects/object-schema.js';
import { isMappingTarget, resolveMapping } from './column-mapping.js';
import { openImportFile } from './import-file.js';
import {
  dateColumns,
  dateFormatRequired,
  detectFileDates,
  entityReading,
  previewFile,
  readingContext,
  unreadableFile,
  type PreviewReading,
} from './import-inspection.js';
import { RECORDS_PER_EVENT } from './import-batch.js';
import { EntityWriter, IMPORTED_BY_RECORD_TYPE, type RecordType } from './import-entities.js';
import { IMPORTS_QUEUE, type ImportJob } from './imports.processor.js';
import { ERRORS_SHOWN, ImportsRepository, type ConflictRow, type ImportErrorRow, type ImportRow } from './imports.repository.js';
import {
  checkedRecordMapping,
  matchFieldOf,
  recordDateColumns,
  recordReading,
  resolveRecordMapping,
  undoChangedRecords,
  undoCreatedRecords,
} from './record-import.js';

const PERMISSION = 'imports:write';
const UNDO_WINDOW_MS = 24 * 60 * 60 * 1000;
const UNDO_PAGE = 1000;
const JOB_ATTEMPTS = 3;
/** How much of an upload is read for its date format while the request waits. */
const DATE_SAMPLE = { rows: 10_000, ms: 3_000 };

/** GET /imports/:id */
export interface ImportView {
  id: string;
  entity: string;
  object: string | null;
  matchField: string | null;
  mode: string;
  status: string;
  fileName: string;
  mapping: Record<string, string | null> | null;
  unmappedColumns: string[];
  dateFormat: ImportDateFormat | null;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  conflicts: number;
  failed: number;
  rowsPerSecond: number | null;
  errors: Array<{ row: number; message: string }>;
  failureReason: string | null;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledAt: string | null;
  undoneAt: string | null;
}

export interface ConflictView {
  id: string;
  importId: string;
  recordType: RecordType | 'record';
  recordId: string;
  row: number;
  field: string;
  existingValue: unknown;
  incomingValue: unknown;
  status: string;
  resolution: string | null;
  resolvedValue: unknown;
  resolvedAt: string | null;
}

/** The request's mapping, every target a field of the entity, a custom field key or null (else a 422 naming mapping.<column>). */
function checkedMapping(entity: ImportEntity, mapping: Record<string, string | null> | undefined): Record<string, string | null> {
  const problems = Object.entries(mapping ?? {})
    .filter(([, target]) => !isMappingTarget(entity, target))
    .map(([column]) => ({ field: `mapping.${column}`, issue: `must be a field of ${entity}, customFields.<key> or null` }));
  if (problems.length) throw RpcError.validation(problems);
  return mapping ?? {};
}

function importNotFound(): RpcError {
  return RpcError.notFound('Import');
}

function toConflictView(row: ConflictRow): ConflictView {
  return {
    id: row.id,
    importId: row.importId,
    recordType: row.recordType,
    recordId: row.recordId,
    row: row.line,
    field: row.field,
    existingValue: row.existingValue,
    incomingValue: row.incomingValue,
    status: row.status,
    resolution: row.resolution,
    resolvedValue: row.resolvedValue,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * Imports of contacts and companies from CSV or XLSX: the use cases around the Bull job that
 * does the work (ImportsProcessor) — starting, watching, cancelling, undoing, and the review
 * queue of conflicts an import left.
 */
@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(IMPORTS_QUEUE) private readonly queue: Queue<ImportJob>,
    private readonly events: DomainEvents,
    private readonly files: FileStore,
    private readonly imports: ImportsRepository,
    private readonly contacts: ContactsService,
    private readonly companies: CompaniesService,
    private readonly catalog: ObjectCatalog,
    private readonly records: ObjectRecordsService,
  ) {}

  /** Records the import (queued) and queues its job; the uploaded file is deleted when the request is refused. */
  async create(caller: CrmCaller, input: CreateImportInput): Promise<{ id: string }> {
    try {
      assertHolds(caller, PERMISSION);
      const target = input.entity === 'records' ? await this.recordTarget(caller, input.object, input.matchField) : null;
      if (input.entity !== 'records' && input.object !== undefined) throw RpcError.validation([{ field: 'object', issue: 'is only for entity records' }]);
      if (input.entity !== 'records' && input.matchField !== undefined)
        throw RpcError.validation([{ field: 'matchField', issue: 'is only for entity records' }]);
      const mapping = target ? checkedRecordMapping(target.object, input.mapping) : checkedMapping(input.entity as ImportEntity, input.mapping);
      const dateFormat =
        input.dateFormat ??
        (await this.detectDateFormat(input.fileKey, input.fileName, async (columns) => {
          if (target) return recordDateColumns(target.object, resolveRecordMapping(target.object, columns, mapping).targets);
          const entity = input.entity as ImportEntity;
          const { definitions } = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => readingContext(manager, caller.workspaceId, entity));
          return dateColumns(resolveMapping(entity, columns, mapping, definitions).targets, definitions);
        }));
      const id = newId();
      await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
        this.imports.insert(manager, {
          id,
          workspaceId: caller.workspaceId,
          entity: input.entity,
          object: target?.object.key ?? null,
          matchField: target?.matchField ?? null,
          mode: input.mode ?? 'merge',
          lifecycleBackward: input.lifecycleBackward ?? false,
          fileKey: input.fileKey,
          fileName: input.fileName,
          requestedMapping: mapping,
          dateFormat,
          requestedBy: caller.userId,
        }),
      );
      await this.queue.add(
        { importId: id, workspaceId: caller.workspaceId },
        { jobId: id, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true },
      );
      return { id };
    } catch (error) {
      await this.files.delete(input.fileKey).catch(() => false);
      throw error;
    }
  }

  /**
   * A records import's object (a live one of the workspace, else a 422 naming object) and the
   * field its rows are matched on. Writing records needs records:write besides imports:write, and
   * write access to the object.
   */
  private async recordTarget(
    caller: CrmCaller,
    key: string | undefined,
    matchField: string | undefined,
  ): Promise<{ object: CompiledObject; matchField: string | null }> {
    assertHolds(caller, 'records:write');
    if (key === undefined) throw RpcError.validation([{ field: 'object', issue: 'is required with entity records: the key of a custom object' }]);
    const object = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) =>
      (await this.catalog.objects(manager, caller.workspaceId)).get(key),
    );
    if (!object) throw RpcError.validation([{ field: 'object', issue: `is not a live custom object of this workspace: ${key}` }]);
    object.assertAccess(caller, 'write');
    return { object, matchField: matchFieldOf(object, matchField) };
  }

  /** The first rows of the start of a file as the import would read them (a records file needs what its import needs); writes nothing. */
  async preview(caller: CrmCaller, input: PreviewImportInput): Promise<ImportPreview> {
    assertHolds(caller, PERMISSION);
    if (input.entity !== 'records' && input.object !== undefined) throw RpcError.validation([{ field: 'object', issue: 'is only for entity records' }]);
    const reading = input.entity === 'records' ? await this.recordsReading(caller, input) : await this.entityReading(caller, input.entity, input.mapping);
    // A small file can fail to parse before its first row is asked for: the header read then throws.
    const file = await openImportFile(Readable.from([Buffer.from(input.content, 'base64')]), input.fileName).catch((error: unknown) => {
      if (input.complete) throw unreadableFile(error);
      // exceljs holds a sheet stored before its shared strings until the end of the zip, which a preview never reads.
      throw RpcError.validation([
        {
          field: 'file',
          issue: `cannot be previewed from its first ${IMPORT_PREVIEW_BYTES / 1024} KiB: a workbook this large is read whole (import it, or preview a CSV export)`,
        },
      ]);
    });
    return previewFile(file, { complete: input.complete, dateFormat: input.dateFormat, reading });
  }

  private async recordsReading(caller: CrmCaller, input: PreviewImportInput): Promise<(columns: string[]) => PreviewReading> {
    const { object } = await this.recordTarget(caller, input.object, undefined);
    const mapping = checkedRecordMapping(object, input.mapping);
    const region = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => defaultPhoneRegion(manager, caller.workspaceId));
    return recordReading(object, mapping, region);
  }

  private async entityReading(
    caller: CrmCaller,
    entity: ImportEntity,
    requested: PreviewImportInput['mapping'],
  ): Promise<(columns: string[]) => PreviewReading> {
    const mapping = checkedMapping(entity, requested);
    const { definitions, region } = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => readingContext(manager, caller.workspaceId, entity));
    return entityReading(entity, mapping, definitions, region);
  }

  /** The order of the file's day/month dates from its first rows; a 422 asking for dateFormat when they disagree or none tells. */
  private async detectDateFormat(
    fileKey: string,
    fileName: string,
    columnsOfDates: (columns: string[]) => Promise<number[]>,
  ): Promise<ImportDateFormat | null> {
    const stored = await this.files.get(fileKey);
    if (!stored) return null;
    // A file that does not even open is the job's to report (failed, with the reason), as before.
    const file = await openImportFile(stored.content, fileName).catch(() => null);
    if (!file) return null;
    try {
      const columns = await columnsOfDates(file.columns);
      const detection = await detectFileDates(file, columns, DATE_SAMPLE);
      const required = dateFormatRequired(detection);
      if (required) throw required;
      return detection.format;
    } finally {
      file.close();
    }
  }

  async get(caller: CrmCaller, id: string): Promise<ImportView> {
    assertHolds(caller, PERMISSION);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.findImport(manager, caller.workspaceId, id);
      const errors = await this.imports.errors(manager, row.id, 0, ERRORS_SHOWN);
      return this.view(row, errors);
    });
  }

  /** A page of bad rows in line order, with their original cells (the gateway streams the error CSV from these pages). */
  async errors(caller: CrmCaller, input: InputOf<typeof ListImportErrors>): Promise<{ columns: string[]; errors: ImportErrorRow[] }> {
    assertHolds(caller, PERMISSION);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.findImport(manager, caller.workspaceId, input.id);
      return { columns: row.columns ?? [], errors: await this.imports.errors(manager, row.id, input.afterLine ?? 0, input.limit ?? 1000) };
    });
  }

  /** Stops the job at its next batch boundary; what is committed stays (undo removes it). */
  async cancel(caller: CrmCaller, id: string): Promise<ImportView> {
    assertHolds(caller, PERMISSION);
    await this.events.transaction(caller.workspaceId, async (manager) => {
      const row = await this.findImport(manager, caller.workspaceId, id, true);
      if (row.status !== 'queued' && row.status !== 'processing')
        throw RpcError.conflict(`The import is ${row.status}; only a queued or running import can be cancelled.`, [
          { field: 'status', issue: `is ${row.status}` },
        ]);
      await this.imports.setStatus(manager, row.id, 'cancelled');
    });
    return this.get(caller, id);
  }

  /**
   * Within 24 hours of the start: records the import created are soft-deleted, records it
   * changed get back the values of the fields it changed, open conflicts are closed. Once only.
   */
  async undo(caller: CrmCaller, id: string): Promise<ImportView> {
    assertHolds(caller, PERMISSION);
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const row = await this.findImport(manager, workspaceId, id, true);
      if (row.status === 'undone') throw RpcError.conflict('The import has already been undone.', [{ field: 'status', issue: 'is undone' }]);
      if (row.status === 'queued' || row.status === 'processing') {
        throw RpcError.conflict('The import is still running; cancel it first.', [{ field: 'status', issue: `is ${row.status}` }]);
      }
      if (Date.now() - row.createdAt.getTime() > UNDO_WINDOW_MS)
        throw RpcError.conflict('An import can be undone within 24 hours only.', [{ field: 'createdAt', issue: 'is more than 24 hours ago' }]);
      // Contacts first: companies created for them are deleted after the contacts pointing at them.
      if (row.entity === 'records') await this.undoObjectRecords(manager, emit, row);
      else for (const recordType of ['contact', 'company'] as const) await this.undoRecords(manager, emit, row, recordType);
      await this.imports.closeOpenConflicts(manager, row.id);
      await this.imports.setStatus(manager, row.id, 'undone');
    });
    return this.get(caller, id);
  }

  async conflicts(caller: CrmCaller, input: InputOf<typeof ListConflicts>): Promise<{ data: ConflictView[]; nextCursor: string | null }> {
    assertHolds(caller, PERMISSION);
    const limit = input.limit ?? 100;
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.findImport(manager, caller.workspaceId, input.id);
      const rows = await this.imports.conflicts(manager, row.id, { status: input.status, afterId: input.cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { data: page.map(toConflictView), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
    });
  }

  /**
   * keep_existing closes the conflict; take_incoming writes the file's value, merge the values
   * given in `fields`, both through the record's normal update (its validation, its events, its
   * 409 when a unique value is now held by another record).
   */
  async resolve(caller: CrmCaller, input: InputOf<typeof ResolveConflict>): Promise<ConflictView> {
    assertHolds(caller, PERMISSION);
    const conflict = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.findImport(manager, caller.workspaceId, input.id);
      const found = isUuid(input.conflictId) ? await this.imports.findConflict(manager, row.id, input.conflictId) : null;
      if (!found) throw RpcError.notFound('Conflict');
      return found;
    });
    if (conflict.status === 'resolved') throw RpcError.conflict('The conflict is already resolved.', [{ field: 'conflictId', issue: 'is resolved' }]);
    let value: unknown = null;
    if (input.action !== 'keep_existing') {
      const fields = input.action === 'take_incoming' ? { [conflict.field]: conflict.incomingValue } : (input.fields ?? {});
      if (input.action === 'merge' && !Object.hasOwn(fields, conflict.field)) {
        throw RpcError.validation([{ field: `fields.${conflict.field}`, issue: 'must hold the value to keep for the conflicting field' }]);
      }
      await this.applyFields(caller, conflict, fields);
      value = fields[conflict.field];
    }
    await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.imports.resolveConflicts(manager, [conflict.id], input.action, caller.userId, new Map([[conflict.id, value]])),
    );
    const resolved = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.imports.findConflict(manager, conflict.importId, conflict.id));
    return toConflictView(resolved!);
  }

  /** Resolves many open conflicts with one action; take_incoming stops at the first refused value (what was applied stays resolved). */
  async resolveMany(caller: CrmCaller, input: InputOf<typeof ResolveConflicts>): Promise<{ resolved: number }> {
    assertHolds(caller, PERMISSION);
    if (input.all !== true && !input.conflictIds?.length)
      throw RpcError.validation([{ field: 'conflictIds', issue: 'must list conflicts, or all must be true' }]);
    const conflicts = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const row = await this.findImport(manager, caller.workspaceId, input.id);
      return this.imports.findConflicts(manager, row.id, input.all === true ? 'all' : input.conflictIds!);
    });
    if (input.action === 'keep_existing') {
      await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
        this.imports.resolveConflicts(
          manager,
          conflicts.map((conflict) => conflict.id),
          'keep_existing',
          caller.userId,
        ),
      );
      return { resolved: conflicts.length };
    }
    let resolved = 0;
    for (const conflict of conflicts) {
      await this.applyFields(caller, conflict, { [conflict.field]: conflict.incomingValue });
      await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
        this.imports.resolveConflicts(manager, [conflict.id], 'take_incoming', caller.userId, new Map([[conflict.id, conflict.incomingValue]])),
      );
      resolved++;
    }
    return { resolved };
  }

  /** Writes field values (names as conflicts use them: `email`, `customFields.tier`, `address.city`) through the record's own update. */
  private async applyFields(caller: CrmCaller, conflict: ConflictRow, fields: Record<string, unknown>): Promise<void> {
    const changes: Record<string, unknown> = {};
    const nested: Record<string, Record<string, unknown>> = {};
    for (const [field, value] of Object.entries(fields)) {
      const dot = field.indexOf('.');
      if (dot === -1) changes[field] = value;
      else (nested[field.slice(0, dot)] ??= {})[field.slice(dot + 1)] = value;
    }
    if (conflict.recordType === 'record') {
      const imported = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.imports.find(manager, caller.workspaceId, conflict.importId));
      const current = await this.records.get(caller, imported!.object!, conflict.recordId);
      const values: Record<string, unknown> = { ...changes };
      for (const [key, parts] of Object.entries(nested)) values[key] = { ...(current.values[key] as Record<string, unknown> | undefined), ...parts };
      await this.records.update(caller, { object: imported!.object!, id: conflict.recordId, values });
    } else if (conflict.recordType === 'contact') {
      if (nested.customFields) changes.customFields = nested.customFields;
      if ('companyName' in changes) {
        const name = changes.companyName;
        delete changes.companyName;
        changes.companyId = typeof name === 'string' && name.trim() ? await this.companyNamed(caller, name.trim()) : null;
      }
      const checked = await validateData(ContactBody, changes);
      await this.contacts.update(caller, { ...checked, id: conflict.recordId });
    } else {
      if (nested.customFields) changes.customFields = nested.customFields;
      if (nested.address) {
        const current = await this.companies.get(caller, conflict.recordId);
        changes.address = { ...current.address, ...nested.address };
      }
      const checked = await validateData(UpdateCompanyBody, changes);
      await this.companies.update(caller, { ...checked, id: conflict.recordId });
    }
  }

  /** The live company of that name (any case, the oldest), created when there is none. */
  private async companyNamed(caller: CrmCaller, name: string): Promise<string> {
    const found: Array<{ id: string }> = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      manager.query(`SELECT id FROM crm.companies WHERE workspace_id = $1 AND deleted_at IS NULL AND lower(name) = lower($2) ORDER BY created_at, id LIMIT 1`, [
        caller.workspaceId,
        name,
      ]),
    );
    return found[0]?.id ?? (await this.companies.create(caller, { name })).id;
  }

  /** A records import's undo, as contacts': created records deleted, changed ones restored (search text rewritten by the object as defined now). */
  private async undoObjectRecords(manager: EntityManager, emit: Emit, row: ImportRow): Promise<void> {
    const object = (await this.catalog.objects(manager, row.workspaceId)).get(row.object!);
    if (!object)
      throw RpcError.conflict(`The custom object ${row.object} is deleted; restore it to undo this import.`, [{ field: 'object', issue: 'is deleted' }]);
    const base = { workspaceId: row.workspaceId, actorId: row.requestedBy, aggregateId: row.id, object };
    for (const action of ['created', 'updated'] as const) {
      for (let after: string | null = null; ;) {
        const page = await this.imports.importedRecords(manager, row.id, 'record', action, after, UNDO_PAGE);
        if (page.length === 0) break;
        after = page[page.length - 1]!.id;
        if (action === 'created')
          await undoCreatedRecords(
            manager,
            emit,
            base,
            page.map((record) => record.id),
          );
        else
          await undoChangedRecords(
            manager,
            emit,
            base,
            page.map((record) => ({ id: record.id, previous: record.previous ?? {} })),
          );
      }
    }
  }

  private async undoRecords(manager: EntityManager, emit: Emit, row: ImportRow, recordType: RecordType): Promise<void> {
    const spec = IMPORTED_BY_RECORD_TYPE[recordType];
    const writer = new EntityWriter(spec);
    const base = { workspaceId: row.workspaceId, actorId: row.requestedBy, aggregateId: row.id };
    for (let after: string | null = null; ;) {
      const page = await this.imports.importedRecords(manager, row.id, recordType, 'created', after, UNDO_PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const deleted = await writer.softDelete(
        manager,
        row.workspaceId,
        page.map((record) => record.id),
      );
      for (let index = 0; index < deleted.length; index += RECORDS_PER_EVENT) {
        await emit({ ...base, type: spec.undoneEvent, data: { importId: row.id, deletedIds: deleted.slice(index, index + RECORDS_PER_EVENT), restored: [] } });
      }
    }
    for (let after: string | null = null; ;) {
      const page = await this.imports.importedRecords(manager, row.id, recordType, 'updated', after, UNDO_PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const restored = await writer.restore(
        manager,
        row.workspaceId,
        page.map((record) => ({ id: record.id, previous: record.previous ?? {} })),
      );
      for (let index = 0; index < restored.length; index += RECORDS_PER_EVENT) {
        await emit({
          ...base,
          type: spec.undoneEvent,
          data: { importId: row.id, deletedIds: [], restored: restored.slice(index, index + RECORDS_PER_EVENT).map((record) => spec.toEvent(record)) },
        });
      }
    }
  }

  private async findImport(manager: EntityManager, workspaceId: string, id: string, forUpdate = false): Promise<ImportRow> {
    const row = isUuid(id) ? await this.imports.find(manager, workspaceId, id, { forUpdate }) : null;
    if (!row) throw importNotFound();
    return row;
  }

  private view(row: ImportRow, errors: ImportErrorRow[]): ImportView {
    const end = row.finishedAt ?? (row.status === 'processing' ? new Date() : null);
    const seconds = row.startedAt && end ? (end.getTime() - row.startedAt.getTime()) / 1000 : 0;
    return {
      id: row.id,
      entity: row.entity,
      object: row.object,
      matchField: row.matchField,
      mode: row.mode,
      status: row.status,
      fileName: row.fileName,
      mapping: row.mapping,
      unmappedColumns: row.unmappedColumns,
      dateFormat: row.dateFormat,
      total: row.total,
      processed: row.position,
      created: row.created,
      updated: row.updated,
      conflicts: row.conflicts,
      failed: row.failed,
      rowsPerSecond: seconds > 0 ? Math.round(row.position / seconds) : null,
      errors: errors.map((error) => ({ row: error.line, message: error.message })),
      failureReason: row.failureReason,
      requestedBy: row.requestedBy,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      cancelledAt: row.cancelledAt?.toISOString() ?? null,
      undoneAt: row.undoneAt?.toISOString() ?? null,
    };
  }
}
