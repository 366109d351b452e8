import { Inject } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import { loadConfig } from '@kinship/config';
import type { Logger } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { FileStore, FilesConfig, LOGGER } from '@kinship/platform';
import type { Job } from 'bull';
import type { DataSource } from 'typeorm';
import { matchingRowsQuery, SqlConditions } from '../common/list-query.js';
import { EXPORTED_ENTITIES, type Cell, type ExportColumn } from './export-entities.js';
import { CONTENT_TYPES, openExportFile, XLSX_MAX_ROWS } from './export-file.js';
import { exportFileName, ExportsRepository, type ExportRow } from './exports.repository.js';

export const EXPORTS_QUEUE = 'exports';

export interface ExportJob {
  exportId: string;
  workspaceId: string;
}

/** Rows fetched from the cursor at a time; each batch is one write to the file, one progress update, and all the memory an export holds. */
const BATCH_SIZE = 5_000;

/** A reason the export cannot be made, for the caller to read (not a fault to retry). */
class ExportRefused extends Error {}

/**
 * Writes an export's file: the rows of the entity's list (the filter and search of GET
 * /<entity>, in its default order) are read through one server-side cursor, in one transaction
 * (one snapshot: a row changed during the export appears once, as it was), turned into rows and
 * streamed through the CSV or XLSX writer into the FileStore, each batch waiting until the file
 * has taken the previous one.
 */
@Processor(EXPORTS_QUEUE)
export class ExportsProcessor {
  private readonly ttlDays = loadConfig('crm', FilesConfig).FILES_TTL_DAYS;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly files: FileStore,
    private readonly exports: ExportsRepository,
  ) {}

  @Process({ concurrency: 1 })
  async run(job: Job<ExportJob>): Promise<void> {
    const { exportId, workspaceId } = job.data;
    const current = await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.find(manager, workspaceId, exportId));
    if (!current || current.status === 'completed' || current.status === 'failed') return;
    await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.start(manager, workspaceId, exportId));
    try {
      const result = await this.writeFile(workspaceId, current);
      await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.complete(manager, workspaceId, exportId, { ...result, ttlDays: this.ttlDays }));
    } catch (error) {
      if (error instanceof ExportRefused) {
        await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.fail(manager, workspaceId, exportId, error.message));
        return;
      }
      this.logger.error({ err: error, exportId }, 'export failed');
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.fail(manager, workspaceId, exportId, 'The export stopped on an unexpected error; ask for it again.'));
      }
      throw error;
    }
  }

  private async writeFile(workspaceId: string, exported: ExportRow): Promise<{ totalRows: number; fileKey: string; size: number }> {
    const entity = EXPORTED_ENTITIES[exported.entity];
    const customFieldKeys = await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.customFieldKeys(manager, workspaceId, entity.customFieldEntity));
    const columns: Array<ExportColumn<{ customFields: object }>> = [
      ...entity.fileColumns,
      ...customFieldKeys.map((key) => ({ header: `cf:${key}`, value: (record: { customFields: object }) => ((record.customFields as Record<string, Cell>)[key] ?? null) })),
    ];
    const file = openExportFile(exported.format, columns.map((column) => column.header), exported.entity);
    const fileKey = `exports/${exported.id}.${exported.format}`;
    const stored = this.files.put(fileKey, file.content, { fileName: exportFileName(exported), contentType: CONTENT_TYPES[exported.format] });
    // A store that fails stops the writer (its wait for 'drain' rejects) instead of leaving it waiting.
    stored.catch((error: unknown) => file.content.destroy(error as Error));
    const { q, ...filter } = exported.filter;
    let totalRows = 0;
    try {
      await withWorkspace(this.dataSource, workspaceId, async (manager) => {
        const where = new SqlConditions();
        const conditions = entity.extraConditions ? entity.extraConditions(filter, where) : filter;
        const query = matchingRowsQuery(workspaceId, entity.list, conditions, q, entity.columns, where);
        await manager.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${query.sql}`, query.parameters);
        for (;;) {
          const rows: Array<{ id: string }> = await manager.query(`FETCH ${BATCH_SIZE} FROM export_rows`);
          if (!rows.length) break;
          totalRows += rows.length;
          if (exported.format === 'xlsx' && totalRows > XLSX_MAX_ROWS) {
            throw new ExportRefused(`An XLSX sheet holds at most ${XLSX_MAX_ROWS} rows; export these records as CSV or narrow the filter.`);
          }
          await file.write(
            rows.map((row) => {
              const record = entity.toRecord(row);
              return columns.map((column) => column.value(record));
            }),
          );
          // Its own transaction (another connection), so progress shows while the cursor's stays open.
          await withWorkspace(this.dataSource, workspaceId, (progress) => this.exports.progress(progress, workspaceId, exported.id, totalRows));
        }
      });
      await file.end();
    } catch (error) {
      file.content.destroy(error as Error);
      await stored.catch(() => undefined);
      await this.files.delete(fileKey).catch(() => false);
      throw error;
    }
    const info = await stored;
    return { totalRows, fileKey, size: info.size };
  }
}
