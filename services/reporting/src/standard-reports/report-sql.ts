import type { ReportInterval } from '@kinship/contracts/reporting';

/** Numbered parameters of one report query: `parameter(value)` gives its `$n`. */
export class SqlParameters {
  readonly values: unknown[] = [];

  parameter(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `from`/`to` (UTC dates, both included) on a date expression, as conditions to AND; none when neither is given. */
  period(dateExpression: string, from: string | undefined, to: string | undefined): string[] {
    const conditions: string[] = [];
    if (from) conditions.push(`${dateExpression} >= ${this.parameter(from)}::date`);
    if (to) conditions.push(`${dateExpression} <= ${this.parameter(to)}::date`);
    return conditions;
  }
}

/** The period label of a date expression: "2026-12" by month, "2026-Q4" by quarter. */
export function periodLabel(dateExpression: string, interval: ReportInterval | undefined): string {
  return interval === 'quarter' ? `to_char(${dateExpression}, 'YYYY-"Q"Q')` : `to_char(${dateExpression}, 'YYYY-MM')`;
}

/** The UTC calendar date of a timestamptz expression. */
export function utcDate(timestampExpression: string): string {
  return `(${timestampExpression} AT TIME ZONE 'UTC')::date`;
}

export function where(conditions: string[]): string {
  return conditions.join(' AND ');
}
