import type { PipeTransform } from '@nestjs/common';
import { RpcError, type ErrorDetail } from './rpc-error.js';
import type { RpcRequest } from './rpc-request.js';
import { cacheValidationMetadata } from './validation-metadata.js';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((issue) => ({ field, issue: issue.replace(`property ${error.property} `, '') }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** How deep objects and arrays of a request may nest; no field needs more (the gateway's JSON parser allows the same). */
export const MAX_INPUT_DEPTH = 32;

/** In a `u` pattern a surrogate pair is one code point, so only an unpaired surrogate is of category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

const NUMBER_RANGE = `must be a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;

/** A field named by the keys on the way to it; joined only when a problem is found. */
function field(path: string[]): string {
  return path.join('.') || 'body';
}

/** Walks a value once, depth first. */
function collectProblems(value: unknown, path: string[], depth: number, problems: ErrorDetail[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) problems.push({ field: field(path), issue: 'must not contain a NUL character' });
    else if (LONE_SURROGATE.test(value)) problems.push({ field: field(path), issue: 'must be well-formed Unicode (it holds a lone surrogate)' });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) problems.push({ field: field(path), issue: NUMBER_RANGE });
  } else if (typeof value === 'object' && value !== null) {
    if (depth >= MAX_INPUT_DEPTH) {
      problems.push({ field: field(path), issue: `nests deeper than ${MAX_INPUT_DEPTH} levels` });
      return;
    }
    for (const key of Object.keys(value)) {
      if (key.includes('\u0000')) {
        problems.push({ field: field(path), issue: 'has a key with a NUL character' });
        continue;
      }
      path.push(key);
      collectProblems((value as Record<string, unknown>)[key], path, depth + 1, problems);
      path.pop();
    }
  }
}

/**
 * What no field of any request may hold, whatever its DTO says: a NUL character in a string or a
 * key (PostgreSQL text cannot store one), a lone UTF-16 surrogate (not Unicode; validators such as
 * IsEmail throw on one), a number beyond ±Number.MAX_SAFE_INTEGER or not finite
 * (no field needs one; integers beyond it are not exact, and bigint columns overflow), or nesting
 * deeper than MAX_INPUT_DEPTH. Each problem names its field (`tags.1`, `address.city`), under
 * `field` when given (`mapping.Email`).
 */
export function inputProblems(value: unknown, field?: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  collectProblems(value, field ? [field] : [], 0, problems);
  return problems;
}

/**
 * Checks the data of a request against its DTO class, as the gateway does with a body: unknown
 * fields are refused, wrong types are not converted, what no field may hold (inputProblems) is
 * refused first, and every failure names its field (422).
 * The service checks again because it must not rely on its caller for its own rules.
 * `asSent`: the data is JSON, so its top-level values are checked as sent, not as a contract's
 * query class turns text into numbers or booleans for the gateway (`{limit: "10"}` is refused).
 */
export async function validateData<T extends object>(dto: ClassConstructor<T>, data: unknown, { asSent = false } = {}): Promise<T> {
  const plain = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
  const problems = inputProblems(plain);
  if (problems.length > 0) throw RpcError.validation(problems);
  const instance = plainToInstance(dto, plain);
  if (asSent) {
    for (const [key, value] of Object.entries(plain)) {
      if (value === null || typeof value !== 'object') (instance as Record<string, unknown>)[key] = value;
    }
  }
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw RpcError.validation(flatten(errors));
  return instance;
}

/** `@Payload(new ValidRequest(SomeDto))`: the request (JSON over NATS) with its data validated, as sent, into the DTO. */
export class ValidRequest<T extends object> implements PipeTransform<RpcRequest, Promise<RpcRequest<T>>> {
  constructor(private readonly dto: ClassConstructor<T>) {
    cacheValidationMetadata();
  }

  async transform(request: RpcRequest): Promise<RpcRequest<T>> {
    return { context: request.context, data: await validateData(this.dto, request.data, { asSent: true }) };
  }
}
