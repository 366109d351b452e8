import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';

// The field kit of contract classes: formats and limits every operation shares, written once.

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A property check of its own: `validate` sees the value and the object holding it. */
export function fieldDecorator(
  name: string,
  message: (property: string) => string,
  validate: (value: unknown, object: object) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: message(String(propertyName)), ...options },
      validator: { validate: (value: unknown, args) => validate(value, args?.object ?? {}) },
    });
}

/** An ISO 4217 code in upper case, as the runtime's currency list (ICU) knows it. */
export function isCurrency(value: unknown): value is string {
  return typeof value === 'string' && CURRENCIES.has(value);
}

export function IsCurrency(options?: ValidationOptions): PropertyDecorator {
  return fieldDecorator('isCurrency', (property) => `${property} must be an ISO 4217 currency code, e.g. EUR`, isCurrency, options);
}

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return fieldDecorator('isCalendarDate', (property) => `${property} must be a date (YYYY-MM-DD)`, isCalendarDate, options);
}

/** An amount in minor units that JavaScript and JSON carry exactly: an integer of at most 2^53 − 1. */
export function IsMinorUnits(minimum: number, options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsInt(options),
    Min(minimum, options),
    Max(Number.MAX_SAFE_INTEGER, { message: '$property must not be greater than 2^53 - 1', ...options }),
  );
}

/**
 * A positive number with at most `decimals` decimal places, up to `maximum`: written in decimal it
 * is exactly its value rounded to those places (1e-7 and 0.12345 fail; 1.5 and 2 pass).
 */
export function isPositiveDecimal(value: unknown, decimals: number, maximum: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= maximum && Number(value.toFixed(decimals)) === value;
}

export function IsPositiveDecimal(decimals: number, maximum: number, options?: ValidationOptions): PropertyDecorator {
  return fieldDecorator(
    'isPositiveDecimal',
    (property) => `${property} must be a number greater than 0 and at most ${maximum}, with at most ${decimals} decimal places`,
    (value) => isPositiveDecimal(value, decimals, maximum),
    options,
  );
}

/**
 * Text PostgreSQL can store: a string of at most `maximum` characters without NUL (U+0000), which
 * a text column refuses, so it is a 422 naming the field rather than a failed write.
 */
export function IsText(maximum: number, options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsString(options),
    MaxLength(maximum, options),
    fieldDecorator(
      'isTextWithoutNul',
      (property) => `${property} must not contain NUL characters`,
      (value) => typeof value !== 'string' || !value.includes('\u0000'),
      options,
    ),
  );
}

/** A PATCH field that may be absent but, when present, not null. */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** `?limit=&cursor=` of every list (API.md "Lists"). */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
