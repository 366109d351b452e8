import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Inject } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents } from '@kinship/contracts';
import type { Logger } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents, FileStore, LOGGER, type Emit, type QueueDefinition } from '@kinship/platform';
import type { Job } from 'bull';
import type { DataSource, EntityManager } from 'typeorm';
import { CrmConfig } from '../crm.config.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { ObjectCatalog } from '../objects/object-catalog.js';
import type { RecordValues } from '../objects/object-schema.js';
import { resolveMapping, type ColumnTarget } from './column-mapping.js';
import {
  checkPlan,
  planAhead,
  planLocked,
  transactionId,
  writeBatch,
  type BatchContext,
  type BatchOutcome,
  type BatchPlan,
  type BatchRow,
  type WrittenBatch,
} from './import-batch.js';
import { IMPORTED_ENTITIES } from './import-entities.js';
import { openImportFile, type ImportRow as FileRow } from './import-file.js';
import { ImportMetrics } from './import-metrics.js';
import { readingContext } from './import-inspection.js';
import { describeProblems, RowReader, type RowOutcome } from './import-values.js';
import { ImportsRepository, type ImportErrorRow, type ImportRow } from './imports.repository.js';
import { importRecordBatch, RecordRowReader, resolveRecordMapping } from './record-import.js';

export const IMPORTS_QUEUE = 'imports';
/** Rows read between two turns of the event loop (see runImport). */
const ROWS_BETWEEN_YIELDS = 200;

/** The imports queue: a stalled import is resumed from its committed position, so it may stall many times. */
export function importsQueue(config: CrmConfig): QueueDefinition {
  return {
    name: IMPORTS_QUEUE,
    settings: {
      lockDuration: config.IMPORT_JOB_LOCK_MS,
      lockRenewTime: config.IMPORT_JOB_LOCK_MS / 2,
      stalledInterval: config.IMPORT_STALLED_CHECK_MS,
      maxStalledCount: 100,
    },
  };
}

export interface ImportJob {
  importId: string;
  workspaceId: string;
}

/** Why a batch was not committed: the import was cancelled, or another worker has taken the job over. */
class ImportStopped extends Error {}

/** A row ready to merge, with its cells for the errors file should the merge refuse it. */
type PlannedRow = BatchRow & { cells: string[] };

/** How an import of one kind reads its file's rows. */
interface ReadPlan {
  mapping: { byColumn: Record<string, ColumnTarget>; unmapped: string[] };
  read(cells: string[]): RowOutcome;
}

/** Contacts and companies: each batch planned ahead of its write transaction (planAhead). */
type FieldsPlan = ReadPlan & { kind: 'fields'; entity: keyof typeof IMPORTED_ENTITIES };

/** A custom object's records: each batch merged inside its write transaction. */
type RecordsPlan = ReadPlan & {
  kind: 'records';
  merge(manager: EntityManager, emit: Emit, context: BatchContext, rows: PlannedRow[]): Promise<BatchOutcome & { rejected?: ImportErrorRow[] }>;
};

/**
 * Runs an import: streams the file from the FileStore, reads rows, and commits them in batches.
 * Each batch's records, errors, conflicts and the import's new position commit in one
 * transaction, so a job re-run after its worker died (Bull's stalled-job check) skips exactly
 * the rows already committed: none is lost, none doubled.
 */
@Processor(IMPORTS_QUEUE)
export class ImportsProcessor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: DomainEvents,
    private readonly files: FileStore,
    private readonly imports: ImportsRepository,
    private readonly config: CrmConfig,
    private readonly metrics: ImportMetrics,
    private readonly catalog: ObjectCatalog,
  ) {}

  @Process({ concurrency: 1 })
  async run(job: Job<ImportJob>): Promise<void> {
    const { importId, workspaceId } = job.data;
    try {
      await this.runImport(workspaceId, importId);
    } catch (error) {
      if (error instanceof ImportStopped) return;
      this.logger.error({ err: error, importId }, 'import failed');
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
        await this.fail(workspaceId, importId, 'The import stopped on an unexpected error; what was committed stays.');
      throw error;
    }
  }

  private async runImport(workspaceId: string, importId: string): Promise<void> {
    const current = await withWorkspace(this.dataSource, workspaceId, (manager) => this.imports.find(manager, workspaceId, importId));
    if (!current || (current.status !== 'queued' && current.status !== 'processing')) return;
    const stored = await this.files.get(current.fileKey);
    if (!stored) {
      await this.fail(workspaceId, importId, 'The uploaded file is no longer stored.');
      return;
    }
    const file = await openImportFile(stored.content, current.fileName);
    if (file.columns.length === 0) {
      await this.fail(workspaceId, importId, 'The file is empty: it has no header row.');
      return;
    }
    const plan = current.entity === 'records' ? await this.recordPlan(current, file.columns) : await this.fieldPlan(current, current.entity, file.columns);
    if (!plan) {
      await this.fail(workspaceId, importId, `The custom object ${current.object} was deleted before its records were imported.`);
      return;
    }
    await withWorkspace(this.dataSource, workspaceId, (manager) => this.imports.start(manager, importId, { columns: file.columns, ...plan.mapping }));

    let consumed = 0;
    let position = current.position;
    let batchNumber = current.batches;
    let rows: PlannedRow[] = [];
    let errors: ImportErrorRow[] = [];
    // A pipeline of three: batch N+2 is read while N+1 is merged in memory (planAhead, no
    // transaction open) and N writes. Batches still write one after another, each checking in its
    // transaction that what its plan read still holds (or merging again there), so each sees
    // what the previous one wrote; no write transaction waits for JavaScript to merge.
    let lastPlan: Promise<BatchPlan> | null = null;
    let lastWrite: Promise<WrittenBatch | null> = Promise.resolve(null);
    let writeBefore: Promise<WrittenBatch | null> = Promise.resolve(null);
    const counts = { planned: 0, mergedAgain: 0 };
    const commit = async () => {
      // N+1 is planned once N is planned and N-1 has committed: its read then sees every batch
      // but N, whose writes it takes from N's plan.
      const prior = lastPlan ? await lastPlan : null;
      await writeBefore;
      const batch = { start: position, end: consumed, batch: (batchNumber += 1), rows, errors };
      position = consumed;
      rows = [];
      errors = [];
      const priorWrite = lastWrite;
      let planned: Promise<BatchPlan> | null = null;
      let write: Promise<WrittenBatch | null>;
      if (plan.kind === 'records') {
        // A custom object's records merge inside their write transaction, one batch after another.
        write = (async () => {
          await priorWrite;
          await this.commitRecordBatch(current, plan, batch);
          return null;
        })();
      } else {
        const ahead = this.planAhead(current, plan.entity, batch, prior);
        planned = ahead;
        write = (async () => this.commitBatch(current, plan.entity, batch, await ahead, await priorWrite, counts))();
      }
      // Rejections are awaited at the next boundaries; until then this keeps them from going unhandled.
      planned?.catch(() => undefined);
      write.catch(() => undefined);
      writeBefore = lastWrite;
      lastWrite = write;
      lastPlan = planned;
    };
    for await (const row of file.rows as AsyncIterable<FileRow>) {
      consumed += 1;
      // Rows already buffered arrive as microtasks, which would hold the event loop for a whole
      // batch of parsing (the crm's requests wait behind it).
      if (consumed % ROWS_BETWEEN_YIELDS === 0) await yieldToEventLoop();
      // Rows up to the committed position were merged before a restart.
      if (consumed <= current.position) continue;
      const outcome = plan.read(row.values);
      if (outcome.problems.length === 0) rows.push({ line: row.line, values: outcome.values, cells: row.values });
      else errors.push({ line: row.line, message: describeProblems(outcome.problems), values: row.values });
      if (rows.length + errors.length >= this.config.IMPORT_BATCH_SIZE) await commit();
    }
    if (rows.length + errors.length > 0) await commit();
    await writeBefore;
    await lastWrite;
    this.logger.info({ importId, batches: counts.planned + counts.mergedAgain, ...counts }, 'import batches written');
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const locked = await this.imports.find(manager, workspaceId, importId, { forUpdate: true });
      if (!locked || locked.status !== 'processing' || locked.position !== position) return;
      const finished = await this.imports.finish(manager, importId, 'completed');
      await emit<CrmEvents.ImportCompleted>({
        type: 'import.completed',
        workspaceId,
        actorId: finished.requestedBy,
        aggregateId: importId,
        data: {
          importId,
          entity: finished.entity,
          created: finished.created,
          updated: finished.updated,
          conflicts: finished.conflicts,
          failed: finished.failed,
        },
      });
    });
  }

  /** Contacts and companies: their fields, custom fields and the headers of known exports. */
  private async fieldPlan(current: ImportRow, entity: FieldsPlan['entity'], columns: string[]): Promise<FieldsPlan> {
    const { workspaceId } = current;
    const { definitions, region } = await withWorkspace(this.dataSource, workspaceId, (manager) => readingContext(manager, workspaceId, entity));
    const mapping = resolveMapping(entity, columns, current.requestedMapping, definitions);
    const reader = new RowReader(entity, mapping.targets, definitions, region, {
      dateFormat: current.dateFormat,
      labels: mapping.labels,
      labelColumns: mapping.labelColumns,
    });
    return { kind: 'fields', entity, mapping, read: (cells) => reader.read(cells) };
  }

  /** A custom object's records: the object as defined now (null when it was deleted since the request). */
  private async recordPlan(current: ImportRow, columns: string[]): Promise<RecordsPlan | null> {
    const { workspaceId } = current;
    const { object, region } = await withWorkspace(this.dataSource, workspaceId, async (manager) => ({
      object: (await this.catalog.objects(manager, workspaceId)).get(current.object!),
      region: await defaultPhoneRegion(manager, workspaceId),
    }));
    if (!object) return null;
    const mapping = resolveRecordMapping(object, columns, current.requestedMapping);
    const reader = new RecordRowReader(object, mapping.targets, region, current.dateFormat);
    return {
      kind: 'records',
      mapping,
      read: (cells) => reader.read(cells),
      merge: (manager, emit, context, rows) =>
        importRecordBatch(
          manager,
          emit,
          object,
          current.matchField,
          context,
          rows.map((row) => ({ line: row.line, values: row.values as RecordValues, cells: row.cells })),
        ),
    };
  }

  private batchContext(current: ImportRow, batch: { batch: number }): BatchContext {
    return {
      workspaceId: current.workspaceId,
      importId: current.id,
      requestedBy: current.requestedBy,
      batch: batch.batch,
      rules: { overwrite: current.mode === 'overwrite', lifecycleBackward: current.lifecycleBackward },
    };
  }

  private planAhead(current: ImportRow, entity: FieldsPlan['entity'], batch: { batch: number; rows: BatchRow[] }, prior: BatchPlan | null): Promise<BatchPlan> {
    const spec = IMPORTED_ENTITIES[entity];
    const inWorkspace = <T>(work: (manager: EntityManager) => Promise<T>) => withWorkspace(this.dataSource, current.workspaceId, work);
    return planAhead(inWorkspace, spec, this.batchContext(current, batch), batch.rows, prior);
  }

  private async commitBatch(
    current: ImportRow,
    entity: FieldsPlan['entity'],
    batch: { start: number; end: number; batch: number; rows: BatchRow[]; errors: ImportErrorRow[] },
    plan: BatchPlan,
    prior: WrittenBatch | null,
    counts: { planned: number; mergedAgain: number },
  ): Promise<WrittenBatch> {
    const { workspaceId, id: importId } = current;
    const spec = IMPORTED_ENTITIES[entity];
    const context = this.batchContext(current, batch);
    const { merged, written } = await this.events.transaction(workspaceId, async (manager, emit) => {
      const locked = await this.imports.find(manager, workspaceId, importId, { forUpdate: true });
      if (!locked || locked.status !== 'processing') throw new ImportStopped('the import is no longer running');
      if (locked.position !== batch.start) throw new ImportStopped('another worker has taken the import over');
      // A record or company changed since the plan read it (an edit through the API, or the
      // batch before not written as planned): the batch is merged again, under locks.
      const holds = await checkPlan(manager, spec, workspaceId, plan, prior);
      const used = holds ? plan : await planLocked(manager, spec, context, batch.rows);
      const outcome = await writeBatch(manager, emit, spec, context, used);
      await this.imports.insertErrors(manager, workspaceId, importId, batch.errors);
      await this.imports.addProgress(manager, importId, { position: batch.end, ...outcome, failed: batch.errors.length });
      counts[holds ? 'planned' : 'mergedAgain'] += 1;
      return { merged: outcome, written: { plan: used, transactionId: await transactionId(manager) } };
    });
    this.metrics.recordBatch(current.entity, merged, batch.errors.length);
    // Statistics that follow the table as the import grows it, so matching a batch stays a probe
    // per key (the migration 1765720000000 explains why the crm asks for it).
    if (current.entity === 'contacts') await this.dataSource.query('SELECT crm.analyze_grown_contacts()');
    return written;
  }

  private async commitRecordBatch(
    current: ImportRow,
    plan: RecordsPlan,
    batch: { start: number; end: number; batch: number; rows: PlannedRow[]; errors: ImportErrorRow[] },
  ): Promise<void> {
    const { workspaceId, id: importId } = current;
    const outcome = await this.events.transaction(workspaceId, async (manager, emit) => {
      const locked = await this.imports.find(manager, workspaceId, importId, { forUpdate: true });
      if (!locked || locked.status !== 'processing') throw new ImportStopped('the import is no longer running');
      if (locked.position !== batch.start) throw new ImportStopped('another worker has taken the import over');
      const merged = await plan.merge(
        manager,
        emit,
        {
          workspaceId,
          importId,
          requestedBy: current.requestedBy,
          batch: batch.batch,
          rules: { overwrite: current.mode === 'overwrite', lifecycleBackward: current.lifecycleBackward },
        },
        batch.rows,
      );
      const errors = [...batch.errors, ...(merged.rejected ?? [])];
      const counts = { created: merged.created, updated: merged.updated, conflicts: merged.conflicts };
      await this.imports.insertErrors(manager, workspaceId, importId, errors);
      await this.imports.addProgress(manager, importId, { position: batch.end, ...counts, failed: errors.length });
      return { counts, failed: errors.length };
    });
    this.metrics.recordBatch(current.entity, outcome.counts, outcome.failed);
    // Statistics that follow the records table as the import grows it (migration 1765740200000).
    await this.dataSource.query('SELECT crm.analyze_grown_object_records()');
  }

  private async fail(workspaceId: string, importId: string, reason: string): Promise<void> {
    await this.events.transaction(workspaceId, async (manager) => {
      const locked = await this.imports.find(manager, workspaceId, importId, { forUpdate: true });
      if (locked && (locked.status === 'queued' || locked.status === 'processing')) await this.imports.finish(manager, importId, 'failed', reason);
    });
  }
}
