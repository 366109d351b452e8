import { IMPORT_DATE_FORMATS, type ImportDateFormat } from '@kinship/contracts/crm';

export { IMPORT_DATE_FORMATS, type ImportDateFormat };

/** The two day/month orders a file can write; ISO dates read the same under either. */
export type DayMonthOrder = Exclude<ImportDateFormat, 'yyyy-mm-dd'>;

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/;
const DAY_MONTH = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

function calendarDate(year: string, month: number, day: number): string | null {
  const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text) ? text : null;
}

/** What one value says about the file's order: decided by a part above 12, ambiguous when both parts are ≤ 12 and differ. */
export function dateEvidence(text: string): DayMonthOrder | 'ambiguous' | null {
  const match = DAY_MONTH.exec(text.trim());
  if (!match) return null;
  const first = Number(match[1]);
  const second = Number(match[3]);
  if (first > 12 && second <= 12) return 'dd/mm/yyyy';
  if (second > 12 && first <= 12) return 'mm/dd/yyyy';
  return first <= 12 && second <= 12 && first !== second ? 'ambiguous' : null;
}

/**
 * A calendar date (YYYY-MM-DD) from ISO (a timestamp's date too) or from dd/mm/yyyy or
 * mm/dd/yyyy with `/`, `-` or `.` in the file's order. A day/month value is read only when the
 * order is known, or when both parts are equal (it reads the same either way).
 */
export function readDate(text: string, format: ImportDateFormat | null): string | { problem: string } {
  const iso = ISO.exec(text);
  if (iso) return calendarDate(iso[1]!, Number(iso[2]), Number(iso[3])) ?? { problem: 'is not a date' };
  const match = DAY_MONTH.exec(text);
  if (!match) return { problem: 'is not a date (YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY)' };
  const first = Number(match[1]);
  const second = Number(match[3]);
  if (format === 'yyyy-mm-dd') return { problem: 'is not a date in yyyy-mm-dd (the import’s dateFormat)' };
  if (format === null && first !== second)
    return { problem: 'is not an ISO date and the file’s day/month order is unknown: send dateFormat (dd/mm/yyyy or mm/dd/yyyy)' };
  const [day, month] = format === 'mm/dd/yyyy' ? [second, first] : [first, second];
  return calendarDate(match[4]!, month, day) ?? { problem: `is not a date in ${format ?? 'dd/mm/yyyy'}` };
}

/** An example of a value of one order, with its line, for the message that asks. */
interface Example {
  value: string;
  line: number;
}

/** The outcome of reading a file's date values: an order, or why it must be asked. */
export type DateDetection =
  | { status: 'detected'; format: DayMonthOrder }
  | { status: 'none'; format: null }
  | { status: 'ambiguous'; format: null; example: Example }
  | { status: 'mixed'; format: null; dayFirst: Example; monthFirst: Example };

/** Collects the evidence of a file's date cells, row by row. */
export class DateFormatDetector {
  private dayFirst: Example | null = null;
  private monthFirst: Example | null = null;
  private ambiguous: Example | null = null;

  observe(text: string, line: number): void {
    const evidence = dateEvidence(text);
    if (evidence === 'dd/mm/yyyy') this.dayFirst ??= { value: text.trim(), line };
    else if (evidence === 'mm/dd/yyyy') this.monthFirst ??= { value: text.trim(), line };
    else if (evidence === 'ambiguous') this.ambiguous ??= { value: text.trim(), line };
  }

  result(): DateDetection {
    if (this.dayFirst && this.monthFirst) return { status: 'mixed', format: null, dayFirst: this.dayFirst, monthFirst: this.monthFirst };
    if (this.dayFirst) return { status: 'detected', format: 'dd/mm/yyyy' };
    if (this.monthFirst) return { status: 'detected', format: 'mm/dd/yyyy' };
    if (this.ambiguous) return { status: 'ambiguous', format: null, example: this.ambiguous };
    return { status: 'none', format: null };
  }
}

/** Why the import needs a dateFormat, as the 422's issue; null when the values decide. */
export function dateFormatQuestion(detection: DateDetection): string | null {
  if (detection.status === 'mixed')
    return (
      `is required: the file's dates read as dd/mm/yyyy ("${detection.dayFirst.value}", line ${detection.dayFirst.line}) ` +
      `and as mm/dd/yyyy ("${detection.monthFirst.value}", line ${detection.monthFirst.line}); send dd/mm/yyyy or mm/dd/yyyy`
    );
  if (detection.status === 'ambiguous')
    return `is required: no date of the file tells day from month ("${detection.example.value}", line ${detection.example.line}); send dd/mm/yyyy or mm/dd/yyyy`;
  return null;
}
