import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsInt, IsOptional } from 'class-validator';
import { RpcError } from './rpc-error.js';
import { inputProblems, MAX_INPUT_DEPTH, validateData } from './validation.js';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

describe('inputProblems', () => {
  it('names each field holding a NUL character, in a value or a key, at any depth', () => {
    expect(inputProblems({ firstName: 'a\u0000b', tags: ['ok', 'x\u0000'], address: { city: 'Pa\u0000ris' }, customFields: { 'k\u0000': 1 } })).toEqual([
      { field: 'firstName', issue: 'must not contain a NUL character' },
      { field: 'tags.1', issue: 'must not contain a NUL character' },
      { field: 'address.city', issue: 'must not contain a NUL character' },
      { field: 'customFields', issue: 'has a key with a NUL character' },
    ]);
  });

  it('names each string holding a lone UTF-16 surrogate and keeps surrogate pairs (emoji)', () => {
    expect(inputProblems({ email: 'a\uD800@example.com', note: 'tail\uDC00', name: 'Zoë 👋' })).toEqual([
      { field: 'email', issue: 'must be well-formed Unicode (it holds a lone surrogate)' },
      { field: 'note', issue: 'must be well-formed Unicode (it holds a lone surrogate)' },
    ]);
  });

  it('refuses numbers beyond ±Number.MAX_SAFE_INTEGER and keeps those within', () => {
    expect(inputProblems({ amount: Number.MAX_SAFE_INTEGER, balance: -Number.MAX_SAFE_INTEGER, ratio: 0.5 })).toEqual([]);
    expect(inputProblems({ amountFrom: 1e23, amountTo: -(2 ** 53), seats: Infinity }).map((problem) => problem.field)).toEqual([
      'amountFrom',
      'amountTo',
      'seats',
    ]);
  });

  it(`allows ${MAX_INPUT_DEPTH} levels of nesting and refuses one more`, () => {
    expect(inputProblems({ filter: nested(MAX_INPUT_DEPTH - 1) })).toEqual([]);
    expect(inputProblems({ filter: nested(MAX_INPUT_DEPTH) })).toEqual([
      { field: `filter${'.a'.repeat(MAX_INPUT_DEPTH - 1)}`, issue: `nests deeper than ${MAX_INPUT_DEPTH} levels` },
    ]);
  });
});

describe('validateData', () => {
  class NameDto {
    firstName?: string;
  }

  it('refuses what no field may hold with a 422 naming the field, before the DTO is consulted', async () => {
    const refused = await validateData(NameDto, { firstName: 'a\u0000b' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RpcError);
    expect(refused).toMatchObject({ status: 422, details: [{ field: 'firstName', issue: 'must not contain a NUL character' }] });
  });

  class LimitQuery {
    @IsOptional() @Type(() => Number) @IsInt() limit?: number;
  }

  it('turns query text into a number as the class says, but checks a request from NATS as sent', async () => {
    await expect(validateData(LimitQuery, { limit: '10' })).resolves.toEqual({ limit: 10 });
    await expect(validateData(LimitQuery, { limit: 10 }, { asSent: true })).resolves.toEqual({ limit: 10 });
    await expect(validateData(LimitQuery, { limit: '10' }, { asSent: true })).rejects.toMatchObject({ status: 422, details: [{ field: 'limit' }] });
  });
});
