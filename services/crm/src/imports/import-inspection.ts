import type { ImportDateFormat, ImportEntity, ImportPreview, ImportPreviewColumn } from '@kinship/contracts/crm';
import { IMPORT_PREVIEW_ROWS } from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { CUSTOM_FIELD_PREFIX, resolveMapping, type ColumnTarget, type CustomFieldDefinition } from './column-mapping.js';
import { DateFormatDetector, dateFormatQuestion, type DateDetection } from './import-dates.js';
import { IMPORTED_ENTITIES } from './import-entities.js';
import type { ImportFile, ImportRow } from './import-file.js';
import { RowReader, type RowOutcome } from './import-values.js';

/** What reading a workspace's file needs besides the file: its custom fields and the region of its phone numbers. */
export async function readingContext(
  manager: EntityManager,
  workspaceId: string,
  entity: ImportEntity,
): Promise<{ definitions: CustomFieldDefinition[]; region: string }> {
  const definitions: CustomFieldDefinition[] = await manager.query(
    `SELECT key, label, type, options FROM crm.custom_field_definitions WHERE workspace_id = $1 AND entity = $2 AND deleted_at IS NULL ORDER BY created_at`,
    [workspaceId, IMPORTED_ENTITIES[entity].recordType],
  );
  return { definitions, region: await defaultPhoneRegion(manager, workspaceId) };
}

/** The columns holding dates: birthday, customerSince and custom date fields. */
export function dateColumns(targets: ColumnTarget[], definitions: CustomFieldDefinition[]): number[] {
  const dateKeys = new Set(definitions.filter((definition) => definition.type === 'date').map((definition) => `${CUSTOM_FIELD_PREFIX}${definition.key}`));
  return targets.flatMap((target, index) => (target === 'birthday' || target === 'customerSince' || (target !== null && dateKeys.has(target)) ? [index] : []));
}

export function observeDates(detector: DateFormatDetector, row: ImportRow, columns: number[]): void {
  for (const index of columns) {
    const text = row.values[index]?.trim();
    if (text) detector.observe(text, row.line);
  }
}

/**
 * The day/month order of a file's dates from its first rows (at most `rows`, for at most `ms`:
 * the upload's request waits for it). A later value of the other order becomes a bad row naming
 * the format when the import runs.
 */
export async function detectFileDates(file: ImportFile, columns: number[], limits: { rows: number; ms: number }): Promise<DateDetection> {
  const detector = new DateFormatDetector();
  if (columns.length === 0) return detector.result();
  const deadline = Date.now() + limits.ms;
  let read = 0;
  try {
    for await (const row of file.rows) {
      observeDates(detector, row, columns);
      if (++read >= limits.rows || Date.now() > deadline) break;
    }
  } catch {
    // A file that stops parsing is the job's to report, with the line, as it always has: the rows before decide.
  }
  return detector.result();
}

/** A file its parser refuses (an unclosed quote, a broken workbook): a 422 naming file with the parser's words. */
export function unreadableFile(error: unknown, format?: string): RpcError {
  const reason = String((error as Error).message ?? error).slice(0, 200);
  return RpcError.validation([{ field: 'file', issue: format ? `cannot be read as ${format.toUpperCase()}: ${reason}` : `cannot be read: ${reason}` }]);
}

/** The 422 that asks for dateFormat, when the detection cannot decide. */
export function dateFormatRequired(detection: DateDetection): RpcError | null {
  const question = dateFormatQuestion(detection);
  return question ? RpcError.validation([{ field: 'dateFormat', issue: question }]) : null;
}

/** How a preview reads a file: what each column fills, which columns hold dates, and how a row reads once the date order is known. */
export interface PreviewReading {
  columns: Array<Omit<ImportPreviewColumn, 'column'>>;
  unmapped: string[];
  dateColumns: number[];
  reader(dateFormat: ImportDateFormat | null): { read(cells: string[]): RowOutcome };
}

/** A contacts or companies file read as their import reads it. */
export function entityReading(
  entity: ImportEntity,
  requested: Record<string, ColumnTarget>,
  definitions: CustomFieldDefinition[],
  region: string,
): (columns: string[]) => PreviewReading {
  return (columns) => {
    const mapping = resolveMapping(entity, columns, requested, definitions);
    return {
      columns: columns.map((_column, index) => ({
        field: mapping.targets[index] ?? null,
        matchedBy: mapping.matchedBy[index] ?? null,
        alias: mapping.aliases[index] ?? null,
        label: mapping.labels[index] ?? null,
      })),
      unmapped: mapping.unmapped,
      dateColumns: dateColumns(mapping.targets, definitions),
      reader: (dateFormat) =>
        new RowReader(entity, mapping.targets, definitions, region, { dateFormat, labels: mapping.labels, labelColumns: mapping.labelColumns }),
    };
  };
}

/**
 * The first rows of a file as an import would read them. `complete` false: the file went on
 * beyond what was read, so a parse error or the last CSV row (maybe cut) ends the preview
 * rather than being reported.
 */
export async function previewFile(
  file: ImportFile,
  options: { complete: boolean; dateFormat: ImportDateFormat | undefined; reading: (columns: string[]) => PreviewReading },
): Promise<ImportPreview> {
  const reading = options.reading(file.columns);
  const rows: ImportRow[] = [];
  let truncated = false;
  try {
    for await (const row of file.rows) {
      rows.push(row);
      if (rows.length >= IMPORT_PREVIEW_ROWS) break;
    }
    if (!options.complete && rows.length < IMPORT_PREVIEW_ROWS) {
      truncated = true;
      if (file.format === 'csv') rows.pop();
    }
  } catch (error) {
    if (options.complete) throw unreadableFile(error, file.format);
    truncated = true;
  } finally {
    file.close();
  }
  const detector = new DateFormatDetector();
  for (const row of rows) observeDates(detector, row, reading.dateColumns);
  const detection = detector.result();
  const dateFormat = options.dateFormat ?? detection.format;
  const reader = reading.reader(dateFormat);
  return {
    format: file.format,
    encoding: file.encoding,
    delimiter: file.delimiter,
    columns: file.columns,
    mapping: file.columns.map((column, index) => ({ column, ...reading.columns[index]! })),
    unmappedColumns: reading.unmapped,
    dateFormat: {
      format: dateFormat,
      source: options.dateFormat ? 'request' : detection.format ? 'values' : 'none',
      question: options.dateFormat ? null : dateFormatQuestion(detection),
    },
    rows: rows.map((row) => {
      const outcome = reader.read(row.values);
      return { line: row.line, values: outcome.values, problems: outcome.problems };
    }),
    truncated,
  };
}
