import { describe, expect, it } from '@jest/globals';
import { RpcError } from '@kinship/messaging';
import { CursorCodec, isPostgresTimestamp } from './cursors.js';
import { SORT_KEY_SHAPES } from './list-query.js';

const KEY = 'an-installation-cursor-key-of-32-characters';
const LIST = 'contacts:-createdAt';
const FIELDS = { k: '2026-12-04 17:43:38.123456+00', i: '019af1c4-8f3e-7c1a-9d2b-3e4f5a6b7c8d' };
const anyFields = () => true;

function refusal(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error instanceof RpcError ? { status: error.status, code: error.code, details: error.details } : error;
  }
  return 'accepted';
}

const INVALID_CURSOR = { status: 400, code: 'invalid_cursor', details: [{ field: 'cursor', issue: 'is not a cursor of this list' }] };

describe('cursor codec', () => {
  const codec = new CursorCodec(KEY);

  it('gives back the fields of a cursor it made for the same list', () => {
    expect(codec.decode(LIST, codec.encode(LIST, FIELDS), anyFields)).toEqual(FIELDS);
  });

  it('refuses a cursor of another list, of another installation’s key, altered, cut or garbage with 400 invalid_cursor', () => {
    const cursor = codec.encode(LIST, FIELDS);
    const [body, mac] = cursor.split('.') as [string, string];
    const altered = `${Buffer.from(JSON.stringify({ ...FIELDS, k: '2000-01-01 00:00:00+00' })).toString('base64url')}.${mac}`;
    for (const [list, given, key] of [
      ['contacts:createdAt', cursor, KEY],
      [LIST, cursor, 'another-installation-cursor-key-of-32-chars'],
      [LIST, altered, KEY],
      [LIST, `${body}.${mac.slice(0, -1)}`, KEY],
      [LIST, body, KEY],
      [LIST, `${cursor}.x`, KEY],
      [LIST, 'garbage', KEY],
    ] as const) {
      expect(refusal(() => new CursorCodec(key).decode(list, given, anyFields))).toEqual(INVALID_CURSOR);
    }
  });

  it('refuses a cursor it made whose fields fail the list’s check, or that is not an object', () => {
    expect(refusal(() => codec.decode(LIST, codec.encode(LIST, FIELDS), ({ k }) => k === 'other'))).toEqual(INVALID_CURSOR);
    expect(refusal(() => codec.decode(LIST, codec.encode(LIST, ['a']), anyFields))).toEqual(INVALID_CURSOR);
  });
});

describe('sort keys read back from a cursor', () => {
  it('are accepted only in the shape PostgreSQL prints for the field’s type', () => {
    expect(isPostgresTimestamp('2026-12-04 17:43:38.123456+00')).toBe(true);
    expect(isPostgresTimestamp('2026-12-04 17:43:38+05:30')).toBe(true);
    expect(isPostgresTimestamp('not-a-date')).toBe(false);
    expect(isPostgresTimestamp(42)).toBe(false);
    expect(SORT_KEY_SHAPES.date('2026-12-04')).toBe(true);
    expect(SORT_KEY_SHAPES.date('2026-12-04; DROP')).toBe(false);
    expect(SORT_KEY_SHAPES.integer('-9223372036854775808')).toBe(true);
    expect(SORT_KEY_SHAPES.integer('9223372036854775808')).toBe(false);
    expect(SORT_KEY_SHAPES.integer('1e3')).toBe(false);
    expect(SORT_KEY_SHAPES.uuid('not-a-uuid')).toBe(false);
    expect(SORT_KEY_SHAPES.text('anything at all')).toBe(true);
  });
});
