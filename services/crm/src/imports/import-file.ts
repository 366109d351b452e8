import { Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { readVcards, VCARD_COLUMNS, vcardRow } from './vcard.js';

/** A data row of an import file: its line number (the header is line 1) and its cell texts. */
export interface ImportRow {
  line: number;
  values: string[];
}

/** A file opened for import: the header's column names, then the data rows one at a time. */
export interface ImportFile {
  format: 'csv' | 'xlsx' | 'vcard';
  /** CSV and vCard: how the bytes were decoded; CSV: the delimiter. */
  encoding: TextEncoding | null;
  delimiter: string | null;
  columns: string[];
  rows: AsyncIterable<ImportRow>;
  /** Stops reading the file (rows left unread are never parsed). */
  close(): void;
}

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Enough of the start of a file to see its encoding and its header line. */
const HEAD_BYTES = 64 * 1024;
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const DELIMITERS = [',', ';', '\t'] as const;

/**
 * The encoding of a text file from its first bytes: a BOM decides; without one, text whose
 * every other byte is zero is UTF-16 (spreadsheet programs write it so); anything else is UTF-8.
 */
export function detectEncoding(head: Buffer): { encoding: TextEncoding; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const sample = head.subarray(0, Math.min(head.length, 200) & ~1);
  if (sample.length >= 4) {
    let evenZeros = 0;
    let oddZeros = 0;
    for (let index = 0; index < sample.length; index += 2) {
      if (sample[index] === 0) evenZeros++;
      if (sample[index + 1] === 0) oddZeros++;
    }
    const pairs = sample.length / 2;
    if (oddZeros > pairs * 0.8 && evenZeros === 0) return { encoding: 'utf-16le', bomLength: 0 };
    if (evenZeros > pairs * 0.8 && oddZeros === 0) return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

/** The delimiter of a CSV file: whichever of comma, semicolon and tab its header line holds most often outside quotes (comma on a tie). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && (character === '\n' || character === '\r')) break;
    else if (!quoted && counts.has(character)) counts.set(character, counts.get(character)! + 1);
  }
  let best = ',';
  for (const delimiter of DELIMITERS) if (counts.get(delimiter)! > counts.get(best)!) best = delimiter;
  return best;
}

/** Decodes bytes to text chunk by chunk; a character split across chunks is kept for the next one. */
function decoder(encoding: TextEncoding): Transform {
  const text = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      done(null, text.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

/** Reads the first bytes of a stream and gives back a stream that still yields every byte. */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; whole: Readable }> {
  const chunks = source[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < bytes) {
    const next = await chunks.next();
    if (next.done) {
      finished = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    buffered.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(buffered);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (finished) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    }
  }
  return { head, whole: Readable.from(rest(), { objectMode: false }) };
}

function countNewlines(values: string[]): number {
  let count = 0;
  for (const value of values) for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count++;
  return count;
}

async function openCsv(head: Buffer, whole: Readable): Promise<ImportFile> {
  const { encoding, bomLength } = detectEncoding(head);
  const headText = new TextDecoder(encoding).decode(head.subarray(bomLength, Math.min(head.length, HEAD_BYTES)));
  const delimiter = detectDelimiter(headText);
  const parser = parse({ delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: false });
  // pipe() holds the file back while the parser's buffer is full: back-pressure from the batch loop to NATS.
  whole.on('error', (error) => parser.destroy(error));
  whole
    .pipe(decoder(encoding))
    .on('error', (error) => parser.destroy(error))
    .pipe(parser);
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  const first = await records.next();
  const columns = first.done ? [] : first.value.record.map((column) => column.trim());
  async function* rows(): AsyncGenerator<ImportRow> {
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) return;
        const { record, info } = next.value;
        yield { line: info.lines - countNewlines(record), values: record };
      }
    } finally {
      whole.destroy();
    }
  }
  return { format: 'csv', encoding, delimiter, columns, rows: rows(), close: () => whole.destroy() };
}

/** A cell of a spreadsheet as the text a CSV would have held. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, value.getUTCHours() || value.getUTCMinutes() ? 19 : 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

function rowTexts(row: ExcelJS.Row): string[] {
  // row.values is 1-based: index 0 is always empty.
  const values = (row.values as ExcelJS.CellValue[]).slice(1);
  return Array.from({ length: values.length }, (_unused, index) => cellText(values[index]));
}

async function openXlsx(whole: Readable): Promise<ImportFile> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(whole, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  const worksheets = reader[Symbol.asyncIterator]();
  const sheet = await worksheets.next();
  const close = () => whole.destroy();
  if (sheet.done) return { format: 'xlsx', encoding: null, delimiter: null, columns: [], rows: (async function* () {})(), close };
  const sheetRows = (sheet.value as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
  let header = await sheetRows.next();
  while (!header.done && rowTexts(header.value).every((text) => text.trim() === '')) header = await sheetRows.next();
  const columns = header.done ? [] : rowTexts(header.value).map((column) => column.trim());
  const headerLine = header.done ? 1 : header.value.number;
  async function* rows(): AsyncGenerator<ImportRow> {
    try {
      for (;;) {
        const next = await sheetRows.next();
        if (next.done) return;
        const values = rowTexts(next.value);
        if (values.every((text) => text.trim() === '')) continue;
        // Line numbers count from the header as line 1, as in a CSV file.
        yield { line: next.value.number - headerLine + 1, values };
      }
    } finally {
      whole.destroy();
    }
  }
  return { format: 'xlsx', encoding: null, delimiter: null, columns, rows: rows(), close };
}

/** Each card becomes a row of VCARD_COLUMNS; its line is the line of its BEGIN:VCARD. */
function openVcard(head: Buffer, whole: Readable): ImportFile {
  const { encoding } = detectEncoding(head);
  const text = new TextDecoder(encoding);
  async function* chunks(): AsyncGenerator<string> {
    for await (const chunk of whole) yield text.decode(chunk as Buffer, { stream: true });
    yield text.decode();
  }
  async function* rows(): AsyncGenerator<ImportRow> {
    try {
      for await (const card of readVcards(chunks())) yield { line: card.line, values: vcardRow(card) };
    } finally {
      whole.destroy();
    }
  }
  return { format: 'vcard', encoding, delimiter: null, columns: [...VCARD_COLUMNS], rows: rows(), close: () => whole.destroy() };
}

/** Whether a file is a vCard: its name says .vcf/.vcard, or its text starts with BEGIN:VCARD. */
function isVcard(head: Buffer, fileName: string | undefined): boolean {
  if (fileName && /\.(vcf|vcard)$/i.test(fileName)) return true;
  const { encoding, bomLength } = detectEncoding(head);
  return /^\s*BEGIN:VCARD/i.test(new TextDecoder(encoding).decode(head.subarray(bomLength, 256)));
}

/**
 * Opens an uploaded file as a stream of rows: XLSX (a zip) through exceljs' streaming reader,
 * vCard by its name or its first line, anything else as CSV with its encoding and delimiter
 * detected. Nothing is read ahead beyond what the parsers buffer, so memory stays flat whatever
 * the size of the file.
 */
export async function openImportFile(source: Readable, fileName?: string): Promise<ImportFile> {
  const { head, whole } = await peek(source, HEAD_BYTES);
  const file = head.subarray(0, 4).equals(ZIP_SIGNATURE)
    ? await openXlsx(whole)
    : isVcard(head, fileName)
      ? openVcard(head, whole)
      : await openCsv(head, whole);
  // The stream over the head does not own the source: closing the file closes both.
  const close = file.close;
  return {
    ...file,
    close: () => {
      close();
      source.destroy();
    },
  };
}
