import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan } from './json-body.js';

const json = (text: string) => Buffer.from(text);

describe('nestsDeeperThan', () => {
  it('counts objects and arrays inside one another', () => {
    expect(nestsDeeperThan(json('{"a":[{"b":[]}]}'), 4)).toBe(false);
    expect(nestsDeeperThan(json('{"a":[{"b":[[]]}]}'), 4)).toBe(true);
    expect(nestsDeeperThan(json('['.repeat(10_000) + ']'.repeat(10_000)), 32)).toBe(true);
  });

  it('counts siblings once, not their sum', () => {
    expect(nestsDeeperThan(json(`[${'[[]],'.repeat(1000)}[]]`), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(json('{"a":"[[[[{{{{","b":"\\"[[[[[","c":"é[[[["}'), 1)).toBe(false);
    expect(nestsDeeperThan(json('{"a":"\\\\","b":[[]]}'), 2)).toBe(true);
  });
});
