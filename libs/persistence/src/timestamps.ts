import pg from 'pg';

/** pg's own parser of `timestamp with time zone`, for every text the fast path does not take. */
const parseAnyTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

/** What PostgreSQL prints for a timestamptz (DateStyle ISO) with a four-digit year: `2026-12-07 03:36:00.123456+00`, `…+05:30`. */
const COMMON_TIMESTAMPTZ = /^[1-9]\d{3}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2})?$/;

const ZERO = 48;

/** The number written by the digits of text from start to end (all digits: COMMON_TIMESTAMPTZ said so). */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) value = value * 10 + text.charCodeAt(index) - ZERO;
  return value;
}

/**
 * A timestamptz as pg's parser (postgres-date) makes it, the same Date to the millisecond, without
 * its three regular expressions' match arrays and substrings: it was most of what a contacts list
 * page allocated in pg (two timestamps a row). Other texts (infinity, BC, years before 1000,
 * offsets with seconds) go to pg's parser.
 */
export function parseTimestamptz(text: string): Date | number | null {
  if (!COMMON_TIMESTAMPTZ.test(text)) return parseAnyTimestamptz(text);
  const fractionEnd = text.length - (text.charCodeAt(text.length - 3) === 58 /* : */ ? 6 : 3);
  // As postgres-date: 1000 × the fraction (digits ÷ 10^n is the double parseFloat makes of it), which Date.UTC truncates.
  const fractionDigits = fractionEnd - 20;
  const milliseconds = fractionDigits > 0 ? 1000 * (digitsAt(text, 20, fractionEnd) / 10 ** fractionDigits) : 0;
  const sign = text.charCodeAt(fractionEnd) === 45 /* - */ ? -1 : 1;
  const offsetMinutes =
    digitsAt(text, fractionEnd + 1, fractionEnd + 3) * 60 + (fractionEnd + 3 < text.length ? digitsAt(text, fractionEnd + 4, fractionEnd + 6) : 0);
  const utc = Date.UTC(
    digitsAt(text, 0, 4),
    digitsAt(text, 5, 7) - 1,
    digitsAt(text, 8, 10),
    digitsAt(text, 11, 13),
    digitsAt(text, 14, 16),
    digitsAt(text, 17, 19),
    milliseconds,
  );
  return new Date(utc - sign * offsetMinutes * 60_000);
}

/** The type parsers of a service's connections: pg's, with parseTimestamptz for timestamptz. */
export const POSTGRES_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (oid === pg.types.builtins.TIMESTAMPTZ && (format ?? 'text') === 'text') return parseTimestamptz;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};
