import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { csvText } from '@kinship/platform';
import { reportCsv } from './report-csv.js';

export type ReportFileFormat = 'csv' | 'xlsx' | 'pdf';

/** A report's rows as a file: the columns in order, and for the PDF's bar chart which column labels a bar and which gives its height. */
export interface ReportTable<Row extends object> {
  name: string;
  title: string;
  columns: Array<keyof Row & string>;
  rows: Row[];
  chart: { label: Array<keyof Row & string>; value: keyof Row & string };
}

export interface ReportFile {
  contentType: string;
  fileName: string;
  body: string | Buffer;
}

const CONTENT_TYPES: Record<ReportFileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** The bars a PDF draws at most; the table below the chart has every row. */
const CHART_BARS = 24;

export async function reportFile<Row extends object>(format: ReportFileFormat, table: ReportTable<Row>): Promise<ReportFile> {
  const body = format === 'csv' ? reportCsv(table.columns, table.rows) : format === 'xlsx' ? await workbook(table) : await pdf(table);
  return { contentType: CONTENT_TYPES[format], fileName: `${table.name}.${format}`, body };
}

function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : String(value);
}

async function workbook<Row extends object>(table: ReportTable<Row>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(table.name);
  sheet.columns = table.columns.map((column) => ({ header: column, key: column, width: Math.max(12, column.length + 2) }));
  // Text cells are plain strings (never formulas in exceljs); csvText still guards a copy pasted elsewhere.
  for (const row of table.rows)
    sheet.addRow(table.columns.map((column) => (typeof row[column] === 'string' ? csvText(row[column] as string) : cell(row[column]))));
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A title, a bar chart of the chart column (first rows), then the table. */
function pdf<Row extends object>(table: ReportTable<Row>): Promise<Buffer> {
  const document = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36 });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.font('Helvetica-Bold').fontSize(16).text(table.title);
  document.moveDown();
  barChart(document, table);
  document.font('Helvetica').fontSize(8);
  document.text(table.columns.join('  |  '));
  for (const row of table.rows) document.text(table.columns.map((column) => String(cell(row[column]) ?? '')).join('  |  '));
  document.end();
  return done;
}

function barChart<Row extends object>(document: PDFKit.PDFDocument, table: ReportTable<Row>): void {
  const bars = table.rows.slice(0, CHART_BARS).map((row) => ({
    label: table.chart.label.map((column) => String(cell(row[column]) ?? '—')).join(' '),
    value: Number(row[table.chart.value] ?? 0),
  }));
  const left = document.page.margins.left;
  const top = document.y;
  const height = 160;
  const width = document.page.width - left - document.page.margins.right;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const slot = bars.length ? width / bars.length : width;
  document.font('Helvetica').fontSize(7).text(`${table.chart.value} (max ${max})`, left, top);
  document
    .moveTo(left, top + 12 + height)
    .lineTo(left + width, top + 12 + height)
    .stroke();
  bars.forEach((bar, index) => {
    const barHeight = (Math.max(0, bar.value) / max) * height;
    const x = left + index * slot + slot * 0.15;
    document.rect(x, top + 12 + height - barHeight, slot * 0.7, barHeight).fill('#3b6ea5');
    document.fillColor('black').text(bar.label, x, top + 16 + height, { width: slot * 0.7, height: 40, ellipsis: true });
  });
  document.x = left;
  document.y = top + 12 + height + 48;
}
