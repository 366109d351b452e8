import { stringify } from 'csv-stringify/sync';

/** What a spreadsheet reads as the start of a formula (OWASP, CSV injection); the rule of crm's exports. */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

function csvText(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** Rows as CSV with a header row of `columns`; null cells are empty. Stage names come from users, hence csvText. */
export function reportCsv<Row extends object>(columns: Array<keyof Row & string>, rows: Row[]): string {
  return stringify(rows, { header: true, columns, cast: { string: csvText } });
}
