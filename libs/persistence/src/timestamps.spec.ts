import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { parseTimestamptz } from './timestamps.js';

const pgParser = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

/** The instant (or ±Infinity) a parser made of a text, comparable with toEqual. */
function instant(value: Date | number | null): number | null {
  return value instanceof Date ? value.getTime() : value;
}

describe('parseTimestamptz', () => {
  it('makes the Date pg makes of what PostgreSQL prints, to the millisecond, fractions and offsets included', () => {
    const texts = [
      '2026-12-07 03:36:00+00',
      '2026-12-07 03:36:00.5+00',
      '2026-12-07 03:36:00.57+00',
      '2026-12-07 03:36:00.123456+00',
      '2026-12-07 03:36:00.999999+00',
      '2026-12-07 03:36:00.000001+00',
      '2026-12-07 09:06:00.25+05:30',
      '2026-12-06 23:06:00.75-03:30',
      '2026-12-06 19:36:00-08',
      '2024-02-29 23:59:59.999+00',
      '1970-01-01 00:00:00+00',
      '1000-01-01 00:00:00+00',
      '9999-12-31 23:59:59.999999+14',
    ];
    for (const text of texts) expect([text, instant(parseTimestamptz(text))]).toEqual([text, instant(pgParser(text))]);
  });

  it('agrees with pg on 10,000 random timestamps of every fraction length and offset', () => {
    const two = (value: number) => String(value).padStart(2, '0');
    for (let index = 0; index < 10_000; index++) {
      const random = (below: number) => Math.floor(Math.random() * below);
      const fraction =
        random(7) === 0
          ? ''
          : `.${String(random(1_000_000))
              .padStart(6, '0')
              .slice(0, 1 + random(6))}`;
      const offset = `${random(2) ? '+' : '-'}${two(random(15))}${random(3) === 0 ? `:${two(random(4) * 15)}` : ''}`;
      const text = `${1000 + random(9000)}-${two(1 + random(12))}-${two(1 + random(28))} ${two(random(24))}:${two(random(60))}:${two(random(60))}${fraction}${offset}`;
      expect([text, instant(parseTimestamptz(text))]).toEqual([text, instant(pgParser(text))]);
    }
  });

  it('leaves infinity, BC dates, years before 1000 and offsets with seconds to pg', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '0099-06-01 00:00:00+00',
      '0999-12-31 23:59:59+00',
      '1900-01-01 00:00:00+00:19:32',
    ]) {
      expect([text, instant(parseTimestamptz(text))]).toEqual([text, instant(pgParser(text))]);
    }
  });
});
