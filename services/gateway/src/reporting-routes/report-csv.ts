import { csvText } from '@kinship/platform';
import { stringify } from 'csv-stringify/sync';

/** Rows as CSV with a header row of `columns`; null cells are empty. Stage names come from users, hence csvText. */
export function reportCsv<Row extends object>(columns: Array<keyof Row & string>, rows: Row[]): string {
  return stringify(rows, { header: true, columns, cast: { string: csvText } });
}
