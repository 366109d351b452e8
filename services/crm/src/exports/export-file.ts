import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ExportFormat } from '@kinship/contracts/crm';
import type { Cell } from './export-entities.js';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** An XLSX sheet holds 1,048,576 rows, the header among them. */
export const XLSX_MAX_ROWS = 1_048_575;

/** Rows go in, the file's bytes come out of `content`; `write` waits while the reader is behind. */
export interface ExportFileWriter {
  content: Readable;
  write(rows: Cell[][]): Promise<void>;
  end(): Promise<void>;
}

/**
 * exceljs' streaming writer: each row is committed (serialised and released) as it is added, and
 * strings are written inline rather than into a shared-strings table that would grow with the file.
 */
export function xlsxWriter(headers: string[], sheetName: string): ExportFileWriter {
  const content = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: content, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(headers).commit();
  return {
    content,
    async write(rows) {
      for (const row of rows) sheet.addRow(row).commit();
      // The zip writer pushes into `content` without waiting; hold the next page until it is read.
      if (content.writableNeedDrain) await once(content, 'drain');
    },
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}
