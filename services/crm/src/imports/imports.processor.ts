import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Inject } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents } from '@kinship/contracts';
import type { Logger } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents, FileStore, LOGGER, type QueueDefinition } from '@kinship/platform';
import type { Job } from 'bull';
import type { DataSource, EntityManager } from 'typeorm';
import { CrmConfig } from '../crm.config.js';
import { resolveMapping } from './column-mapping.js';
import {
  checkPlan,
  planAhead,
  planLocked,
  transactionId,
  writeBatch,
  type BatchContext,
  type BatchPlan,
  type BatchRow,
  type WrittenBatch,
} from './import-batch.js';
import { IMPORTED_ENTITIES } from './import-entities.js';
import { openImportFile, type ImportRow as FileRow } from './import-file.js';
import { ImportMetrics } from './import-metrics.js';
import { readingContext } from './import-inspection.js';
import { describeProblems, RowReader } from './import-values.js';
import { ImportsRepository, type ImportErrorRow, type ImportRow } from './imports.repository.js';

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
    const { definitions, region } = await withWorkspace(this.dataSource, workspaceId, (manager) => readingContext(manager, workspaceId, current.entity));
    const mapping = resolveMapping(current.entity, file.columns, current.requestedMapping, definitions);
    await withWorkspace(this.dataSource, workspaceId, (manager) => this.imports.start(manager, importId, { columns: file.columns, ...mapping }));
    const reader = new RowReader(current.entity, mapping.targets, definitions, region, {
      dateFormat: current.dateFormat,
      labels: mapping.labels,
      labelColumns: mapping.labelColumns,
    });

    let consumed = 0;
    let position = current.position;
    let batchNumber = current.batches;
    let rows: BatchRow[] = [];
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
      const plan = this.planAhead(current, batch, prior);
      const priorWrite = lastWrite;
      const write = (async () => this.commitBatch(current, batch, await plan, await priorWrite, counts))();
      // Rejections are awaited at the next boundaries; until then this keeps them from going unhandled.
      plan.catch(() => undefined);
      write.catch(() => undefined);
      writeBefore = lastWrite;
      lastWrite = write;
      lastPlan = plan;
    };
    for await (const row of file.rows as AsyncIterable<FileRow>) {
      consumed += 1;
      // Rows already buffered arrive as microtasks, which would hold the event loop for a whole
      // batch of parsing (the crm's requests wait behind it).
      if (consumed % ROWS_BETWEEN_YIELDS === 0) await yieldToEventLoop();
      // Rows up to the committed position were merged before a restart.
      if (consumed <= current.position) continue;
      const outcome = reader.read(row.values);
      if (outcome.problems.length === 0) rows.push({ line: row.line, values: outcome.values });
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

  private batchContext(current: ImportRow, batch: { batch: number }): BatchContext {
    return {
      workspaceId: current.workspaceId,
      importId: current.id,
      requestedBy: current.requestedBy,
      batch: batch.batch,
      rules: { overwrite: current.mode === 'overwrite', lifecycleBackward: current.lifecycleBackward },
    };
  }

  private planAhead(current: ImportRow, batch: { batch: number; rows: BatchRow[] }, prior: BatchPlan | null): Promise<BatchPlan> {
    const spec = IMPORTED_ENTITIES[current.entity];
    const inWorkspace = <T>(work: (manager: EntityManager) => Promise<T>) => withWorkspace(this.dataSource, current.workspaceId, work);
    return planAhead(inWorkspace, spec, this.batchContext(current, batch), batch.rows, prior);
  }

  private async commitBatch(
    current: ImportRow,
    batch: { start: number; end: number; batch: number; rows: BatchRow[]; errors: ImportErrorRow[] },
    plan: BatchPlan,
    prior: WrittenBatch | null,
    counts: { planned: number; mergedAgain: number },
  ): Promise<WrittenBatch> {
    const { workspaceId, id: importId } = current;
    const spec = IMPORTED_ENTITIES[current.entity];
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

  private async fail(workspaceId: string, importId: string, reason: string): Promise<void> {
    await this.events.transaction(workspaceId, async (manager) => {
      const locked = await this.imports.find(manager, workspaceId, importId, { forUpdate: true });
      if (locked && (locked.status === 'queued' || locked.status === 'processing')) await this.imports.finish(manager, importId, 'failed', reason);
    });
  }
}
