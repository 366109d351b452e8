import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Inject } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import { loadConfig } from '@kinship/config';
import type { Logger } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { FileStore, FilesConfig, LOGGER } from '@kinship/platform';
import type { Job } from 'bull';
import { stringify } from 'csv-stringify/sync';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource, EntityManager } from 'typeorm';
import { matchingRowsQuery, SqlConditions } from '../common/list-query.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { ObjectCatalog } from '../objects/object-catalog.js';
import type { RecordValues } from '../objects/object-schema.js';
import { CsvRecordCounter, csvSelect, withParametersInline } from './csv-copy.js';
import { customFieldColumn, EXPORTED_ENTITIES, type Cell, type ExportColumn } from './export-entities.js';
import { CONTENT_TYPES, xlsxWriter, XLSX_MAX_ROWS, type ExportFileWriter } from './export-file.js';
import { exportFileName, ExportsRepository, type ExportRow } from './exports.repository.js';
import { recordColumns } from './record-export.js';

export const EXPORTS_QUEUE = 'exports';

export interface ExportJob {
  exportId: string;
  workspaceId: string;
}

/** Rows an XLSX export fetches from its cursor at a time: one write to the file, one progress update, and all the memory it holds. */
const BATCH_SIZE = 5_000;
/**
 * CSV bytes held between PostgreSQL and the object store: while the store waits for a chunk's
 * acknowledgement, COPY goes on writing into this instead of stopping (the default 16 KiB is an
 * eighth of one 128 KiB object chunk). It bounds the export's memory, whatever the rows.
 */
const CSV_BUFFER_BYTES = 1024 * 1024;
/** How often a CSV export writes its progress. */
const PROGRESS_EVERY_MS = 1_000;

/** A reason the export cannot be made, for the caller to read (not a fault to retry). */
class ExportRefused extends Error {}

/**
 * Writes an export's file: the rows of the entity's list (the filter and search of GET
 * /<entity>, in its default order) are read in one statement, in one transaction (one snapshot: a
 * row changed during the export appears once, as it was), and streamed into the FileStore, each
 * part waiting until the file has taken the previous one.
 */
@Processor(EXPORTS_QUEUE)
export class ExportsProcessor {
  private readonly ttlDays = loadConfig('crm', FilesConfig).FILES_TTL_DAYS;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly files: FileStore,
    private readonly exports: ExportsRepository,
    private readonly catalog: ObjectCatalog,
  ) {}

  @Process({ concurrency: 1 })
  async run(job: Job<ExportJob>): Promise<void> {
    const { exportId, workspaceId } = job.data;
    const current = await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.find(manager, workspaceId, exportId));
    if (!current || current.status === 'completed' || current.status === 'failed') return;
    await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.start(manager, workspaceId, exportId));
    try {
      const result = await this.writeFile(workspaceId, current);
      await withWorkspace(this.dataSource, workspaceId, (manager) =>
        this.exports.complete(manager, workspaceId, exportId, { ...result, ttlDays: this.ttlDays }),
      );
    } catch (error) {
      if (error instanceof ExportRefused) {
        await withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.fail(manager, workspaceId, exportId, error.message));
        return;
      }
      this.logger.error({ err: error, exportId }, 'export failed');
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await withWorkspace(this.dataSource, workspaceId, (manager) =>
          this.exports.fail(manager, workspaceId, exportId, 'The export stopped on an unexpected error; ask for it again.'),
        );
      }
      throw error;
    }
  }

  /** The file's columns and the statement reading its rows: the entity's list with the export's filter, in the list's order. */
  private async rowsQuery(workspaceId: string, exported: ExportRow): Promise<{ columns: ExportColumn[]; query: { sql: string; parameters: unknown[] } }> {
    const select = (columns: ExportColumn[]) => columns.map((column, index) => `${column.sql} AS c${index}`).join(', ');
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      // The filter with its selected ids, which the export's answer (ExportRow) leaves out.
      const { q, ...filter } = await this.exports.storedFilter(manager, workspaceId, exported.id);
      const where = new SqlConditions();
      if (exported.entity === 'records') {
        // The object as defined now: a field added or removed since the request is in the file or not.
        const object = (await this.catalog.objects(manager, workspaceId)).get(exported.object!);
        if (!object) throw new ExportRefused(`The custom object ${exported.object} was deleted before its records were exported.`);
        const { fields, id, ...conditions } = filter;
        where.add(`r.object_id = ${where.param(object.id)}::uuid`);
        // The selected records: the object's list has no id field (its filter is the object's fields).
        if (id) where.add(`r.id = ANY(${where.param(id)}::uuid[])`);
        if (fields) object.addFilter(fields as RecordValues, where, await defaultPhoneRegion(manager, workspaceId));
        const columns = recordColumns(object);
        return { columns, query: matchingRowsQuery(workspaceId, object.list, conditions, q, select(columns), where) };
      }
      const entity = EXPORTED_ENTITIES[exported.entity];
      const customFieldKeys = await this.exports.customFieldKeys(manager, workspaceId, entity.customFieldEntity);
      const columns = [...entity.fileColumns, ...customFieldKeys.map(customFieldColumn)];
      const conditions = entity.extraConditions ? entity.extraConditions(filter, where) : filter;
      return { columns, query: matchingRowsQuery(workspaceId, entity.list, conditions, q, select(columns), where) };
    });
  }

  private async writeFile(workspaceId: string, exported: ExportRow): Promise<{ totalRows: number; fileKey: string; size: number }> {
    const { columns, query } = await this.rowsQuery(workspaceId, exported);
    const headers = columns.map((column) => column.header);
    const xlsx = exported.format === 'xlsx' ? xlsxWriter(headers, exported.object ?? exported.entity) : null;
    const content = xlsx?.content ?? new PassThrough({ highWaterMark: CSV_BUFFER_BYTES });
    const fileKey = `exports/${exported.id}.${exported.format}`;
    const stored = this.files.put(fileKey, content, { fileName: exportFileName(exported), contentType: CONTENT_TYPES[exported.format] });
    // A store that fails stops the writer (its wait for 'drain' rejects) instead of leaving it waiting.
    stored.catch((error: unknown) => content.destroy(error as Error));
    let totalRows: number;
    try {
      totalRows = await withWorkspace(this.dataSource, workspaceId, (manager) =>
        xlsx
          ? this.writeXlsx(manager, workspaceId, exported.id, query, columns, xlsx)
          : this.copyCsv(manager, workspaceId, exported.id, query, columns, content as PassThrough),
      );
    } catch (error) {
      content.destroy(error as Error);
      await stored.catch(() => undefined);
      await this.files.delete(fileKey).catch(() => false);
      throw error;
    }
    const info = await stored;
    return { totalRows, fileKey, size: info.size };
  }

  /**
   * PostgreSQL writes the CSV itself (`COPY (SELECT …) TO STDOUT`, the cells formatted in SQL as
   * the API shows them): the worker only passes the bytes on, counting records for the progress.
   */
  private async copyCsv(
    manager: EntityManager,
    workspaceId: string,
    exportId: string,
    query: { sql: string; parameters: unknown[] },
    columns: ExportColumn[],
    content: PassThrough,
  ): Promise<number> {
    const client = (await manager.queryRunner!.connect()) as PoolClient;
    content.write(stringify([columns.map((column) => column.header)]));
    const counter = new CsvRecordCounter();
    let reportedAt = Date.now();
    const rows = client.query(copyTo(`COPY (${csvSelect(columns, withParametersInline(query.sql, query.parameters))}) TO STDOUT WITH (FORMAT csv)`));
    for await (const chunk of rows as AsyncIterable<Buffer>) {
      counter.add(chunk);
      if (!content.write(chunk)) await once(content, 'drain');
      if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
        await this.reportProgress(workspaceId, exportId, counter.records);
        reportedAt = Date.now();
      }
    }
    content.end();
    return counter.records;
  }

  /** exceljs takes typed cells: the rows are fetched from a server-side cursor, a batch at a time. */
  private async writeXlsx(
    manager: EntityManager,
    workspaceId: string,
    exportId: string,
    query: { sql: string; parameters: unknown[] },
    columns: ExportColumn[],
    file: ExportFileWriter,
  ): Promise<number> {
    let totalRows = 0;
    await manager.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${query.sql}`, query.parameters);
    for (;;) {
      const rows: Array<Record<string, Cell>> = await manager.query(`FETCH ${BATCH_SIZE} FROM export_rows`);
      if (!rows.length) break;
      totalRows += rows.length;
      if (totalRows > XLSX_MAX_ROWS) {
        throw new ExportRefused(`An XLSX sheet holds at most ${XLSX_MAX_ROWS} rows; export these records as CSV or narrow the filter.`);
      }
      // bigint amounts come back from pg as text.
      await file.write(
        rows.map((row) =>
          columns.map((column, index) => (column.kind === 'number' && row[`c${index}`] !== null ? Number(row[`c${index}`]) : row[`c${index}`]!)),
        ),
      );
      await this.reportProgress(workspaceId, exportId, totalRows);
    }
    await file.end();
    return totalRows;
  }

  /** In its own transaction (another connection), so progress shows while the export's stays open. */
  private reportProgress(workspaceId: string, exportId: string, rows: number): Promise<void> {
    return withWorkspace(this.dataSource, workspaceId, (manager) => this.exports.progress(manager, workspaceId, exportId, rows));
  }
}
