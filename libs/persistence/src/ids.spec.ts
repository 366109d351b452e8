import { describe, expect, it } from '@jest/globals';
import { validate, version } from 'uuid';
import { newId } from './ids.js';

describe('newId', () => {
  it('makes valid, distinct UUIDv7s in creation order, across refills of its random bytes', () => {
    // 1,000 ids: about four refills of the 256-id pool, and many ids within one millisecond.
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(ids.every((id) => validate(id) && version(id) === 7)).toBe(true);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('starts with the current time in milliseconds', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const msecs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(msecs).toBeGreaterThanOrEqual(before);
    // One more: a burst in the same millisecond may borrow the next one.
    expect(msecs).toBeLessThanOrEqual(after + 1);
  });
});
