import { stringify } from 'csv-stringify/sync';

/** A report as CSV, for the gateway to send as a file. */
export interface CsvReport {
  format: 'csv';
  fileName: string;
  content: string;
}

/** What a spreadsheet reads as the start of a formula (OWASP, CSV injection); the same rule as crm's exports. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

function csvText(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** Rows as CSV with a header row of `columns` (keys of the rows); null cells are empty. Stage names come from users, hence csvText. */
export function toCsv<Row extends object>(fileName: string, columns: Array<keyof Row & string>, rows: Row[]): CsvReport {
  const content = stringify(rows, { header: true, columns, cast: { string: csvText } });
  return { format: 'csv', fileName, content };
}
