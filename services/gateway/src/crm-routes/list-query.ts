import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../auth-routes/fields.js';

/**
 * `?limit=&cursor=&sort=&q=&deleted=` of every crm list. The crm service checks `sort` against
 * the list's sortable fields (400 invalid_parameter naming it) and the cursor against the list (400 invalid_cursor).
 */
export class CrmListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'A field name, or -field for descending order.', example: '-createdAt', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;

  @ApiPropertyOptional({ description: 'Free-text search; every word matches as a prefix.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'true lists the deleted records (restorable) instead of the live ones.' })
  @IsOptional()
  @QueryBoolean()
  deleted?: boolean;
}

/** `?flag=true|false` → boolean; anything else stays a string and fails validation (400). */
export function QueryBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: '$property must be true or false' }),
  );
}

/** `?stage=lead,customer` (or a repeated parameter) → ['lead', 'customer']. */
export function QueryList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    const values = Array.isArray(value) ? value : [value];
    return values.flatMap((item) => (typeof item === 'string' ? item.split(',').map((part) => part.trim()).filter(Boolean) : [item]));
  });
}

/** `?amountFrom=100` → 100. */
export function QueryNumber(): PropertyDecorator {
  return Type(() => Number);
}

/** `?ownerId=a,b`: up to 100 ids, any of them matches. */
export function UuidListQuery(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description }),
    IsOptional(),
    QueryList(),
    IsArray(),
    ArrayMaxSize(100),
    IsUUID('all', { each: true }),
  );
}
