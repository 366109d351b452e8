import { escapeLiteral } from 'pg';
import type { ExportColumn } from './export-entities.js';

/**
 * csvText (@kinship/platform) in SQL: a cell a spreadsheet would run as a formula gets a leading `'`;
 * plain numbers stay as they are. The first character is compared before any regular expression
 * runs (PostgreSQL's regex first converts the whole value to wide characters), and `value` is a
 * column of the inner query (csvSelect), so it is computed once however often it appears here.
 */
function guarded(value: string): string {
  return `CASE WHEN left(${value}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') AND ${value} !~ '^[+-]?[0-9]+(\\.[0-9]+)?$' THEN '''' || ${value} ELSE ${value} END`;
}

/**
 * A column's cell as PostgreSQL's CSV output should hold it: what the API shows, text guarded,
 * booleans as true/false. `value` names the column's raw value (its `sql`) in the inner query.
 */
export function csvCellSql(column: ExportColumn, value: string): string {
  switch (column.kind) {
    case 'text':
      return guarded(value);
    case 'json':
      return `CASE jsonb_typeof(${value}) WHEN 'string' THEN ${guarded(`(${value} #>> '{}')`)} ELSE ${value} #>> '{}' END`;
    case 'plain':
      return value;
    case 'number':
    case 'boolean':
      return `${value}::text`;
  }
}

/**
 * The CSV's SELECT over the list's (`rows`, which selects each column's raw value as c0, c1, …):
 * the outer query formats the cells. The inner query's ORDER BY keeps PostgreSQL from merging the
 * two (a sorted subquery is not pulled up, and its rows come out in its order), so each raw value
 * is computed once per row, not once per mention in the guard.
 */
export function csvSelect(columns: ExportColumn[], rows: string): string {
  return `SELECT ${columns.map((column, index) => csvCellSql(column, `q.c${index}`)).join(', ')} FROM (${rows}) q`;
}

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? `ARRAY[${value.map(sqlLiteral).join(', ')}]` : `'{}'`;
  return escapeLiteral(String(value));
}

/**
 * The statement with its `$n` parameters written in as literals: COPY takes no parameters. The
 * list engine writes every parameter with a cast after it (`$3::uuid`), so a literal means what the
 * bound value did; text goes through pg's escapeLiteral.
 */
export function withParametersInline(sql: string, parameters: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, index: string) => sqlLiteral(parameters[Number(index) - 1]));
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Counts the records in CSV bytes as they go by: a newline ends a record unless it is inside
 * quotes (a doubled quote inside a quoted value toggles twice, so the parity holds).
 */
export class CsvRecordCounter {
  records = 0;
  private quoted = false;

  add(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) this.quoted = !this.quoted;
      else if (byte === NEWLINE && !this.quoted) this.records++;
    }
  }
}
