import { escapeLiteral } from 'pg';
import type { ExportColumn } from './export-entities.js';

/** csvText (@kinship/platform) in SQL: a cell a spreadsheet would run as a formula gets a leading `'`; plain numbers stay as they are. */
function guarded(value: string): string {
  return `CASE WHEN ${value} ~ '^[=+\\-@\\t\\r]' AND ${value} !~ '^[+-]?[0-9]+(\\.[0-9]+)?$' THEN '''' || ${value} ELSE ${value} END`;
}

/** A column's cell as PostgreSQL's CSV output should hold it: what the API shows, text guarded, booleans as true/false. */
export function csvCellSql(column: ExportColumn): string {
  switch (column.kind) {
    case 'text':
      return guarded(`(${column.sql})`);
    case 'json':
      return `CASE jsonb_typeof(${column.sql}) WHEN 'string' THEN ${guarded(`(${column.sql} #>> '{}')`)} ELSE ${column.sql} #>> '{}' END`;
    case 'plain':
      return column.sql;
    case 'number':
    case 'boolean':
      return `(${column.sql})::text`;
  }
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
