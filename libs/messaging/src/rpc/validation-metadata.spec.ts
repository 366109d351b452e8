import { describe, expect, it } from '@jest/globals';
import { IsInt, IsString, Min, validate } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata.js';

class Parent {
  @IsString()
  name!: unknown;
}

class Child extends Parent {
  @IsInt()
  count!: unknown;
}

function child(values: { name: unknown; count: unknown }): Child {
  return Object.assign(new Child(), values);
}

async function problems(value: object): Promise<string[]> {
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  return errors.flatMap((error) => Object.keys(error.constraints ?? {}).map((constraint) => `${error.property}: ${constraint}`));
}

describe('cached validation rules', () => {
  it('gives the same answers as class-validator’s own lookup, inherited rules included, called twice', async () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
    expect(await problems(child({ name: 'Ada', count: 3 }))).toEqual([]);
    expect(await problems(child({ name: 7, count: 'three' }))).toEqual(['count: isInt', 'name: isString']);
    expect(await problems(child({ name: 7, count: 'three' }))).toEqual(['count: isInt', 'name: isString']);
    expect(await problems(Object.assign(new Child(), { name: 'Ada', count: 3, extra: true }))).toEqual(['extra: whitelistValidation']);
  });

  it('applies a rule added after a class was first validated, and rules of a class decorated later', async () => {
    cacheValidationMetadata();
    expect(await problems(child({ name: 'Ada', count: -1 }))).toEqual([]);
    Min(0)(Child.prototype, 'count');
    expect(await problems(child({ name: 'Ada', count: -1 }))).toEqual(['count: min']);

    class Grandchild extends Child {
      @IsString()
      note!: unknown;
    }
    expect(await problems(Object.assign(new Grandchild(), { name: 'Ada', count: 1, note: 5 }))).toEqual(['note: isString']);
  });
});
