import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCurrency, IsMinorUnits, IsText, Omittable, PageQuery } from '../fields.js';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';

export const SKU_MAX = 64;
/** Tax rates are basis points: 1 = 0.01 %, 10,000 = 100 %. */
export const TAX_RATE_MAX = 10_000;
const SKU = /^[\x21-\x7e]+$/;

const SKU_TAKEN = { status: 409, description: 'Another live product of the workspace has this sku; details name it (existingId).' } as const;

export class CreateProductBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Consulting hour' }) @IsText(NAME_MAX) @IsNotEmpty() name!: string;

  @ApiProperty({
    minLength: 1,
    maxLength: SKU_MAX,
    example: 'CONSULT-H',
    description: 'Unique among the workspace’s live products; printable ASCII without spaces.',
  })
  @IsString()
  @Matches(SKU, { message: 'sku must be printable ASCII without spaces' })
  @MaxLength(SKU_MAX)
  sku!: string;

  @ApiProperty({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, example: 12000, description: 'Integer minor units of the currency (12000 EUR = €120.00).' })
  @IsMinorUnits(0)
  unitPrice!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217.' }) @IsCurrency() currency!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: TAX_RATE_MAX, default: 0, example: 2000, description: 'Basis points: 2000 = 20 %.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(TAX_RATE_MAX)
  taxRate?: number;

  @ApiPropertyOptional({ default: true, description: 'Inactive products stay on existing invoices but cannot be put on new lines.' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Absent fields stay; none may be null. */
export class UpdateProductBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX }) @Omittable() @IsText(NAME_MAX) @IsNotEmpty() name?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: SKU_MAX })
  @Omittable()
  @IsString()
  @Matches(SKU, { message: 'sku must be printable ASCII without spaces' })
  @MaxLength(SKU_MAX)
  sku?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) @Omittable() @IsMinorUnits(0) unitPrice?: number;
  @ApiPropertyOptional({ example: 'EUR' }) @Omittable() @IsCurrency() currency?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: TAX_RATE_MAX }) @Omittable() @IsInt() @Min(0) @Max(TAX_RATE_MAX) taxRate?: number;
  @ApiPropertyOptional() @Omittable() @IsBoolean() active?: boolean;
}

export class ListProductsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true lists the deleted products (restorable) instead of the live ones.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  deleted?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}

export class Product {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ description: 'Integer minor units.' }) unitPrice!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ description: 'Basis points.' }) taxRate!: number;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class ProductPage {
  @ApiProperty({ type: [Product] }) data!: Product[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export const CreateProduct = defineOperation({
  pattern: 'billing.products.create',
  summary: 'Create a product',
  description: 'A product priced in integer minor units of one currency, with a tax rate in basis points.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'products', status: 201 },
  input: CreateProductBody,
  output: Product,
  errors: [SKU_TAKEN],
});

export const ListProducts = defineOperation({
  pattern: 'billing.products.list',
  summary: 'List products',
  description: 'Oldest first, live products unless deleted=true.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'products', status: 200 },
  input: ListProductsQuery,
  output: ProductPage,
  errors: [],
});

export const GetProduct = defineOperation({
  pattern: 'billing.products.get',
  summary: 'Read a product',
  description: 'Live or deleted (deletedAt set).',
  permission: 'billing:read',
  route: { method: 'GET', path: 'products/:id', status: 200 },
  params: RecordIdParams,
  output: Product,
  errors: [NOT_FOUND],
});

export const UpdateProduct = defineOperation({
  pattern: 'billing.products.update',
  summary: 'Change a product',
  description: 'Absent fields stay. Invoices already written keep the price and tax rate their lines were given.',
  permission: 'billing:write',
  route: { method: 'PATCH', path: 'products/:id', status: 200 },
  params: RecordIdParams,
  input: UpdateProductBody,
  output: Product,
  errors: [NOT_FOUND, SKU_TAKEN],
});

export const DeleteProduct = defineOperation({
  pattern: 'billing.products.delete',
  summary: 'Delete a product',
  description: 'Soft delete: restorable; its sku is free for another product meanwhile.',
  permission: 'billing:write',
  route: { method: 'DELETE', path: 'products/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND],
});

export const RestoreProduct = defineOperation({
  pattern: 'billing.products.restore',
  summary: 'Restore a deleted product',
  description: 'A live product is returned unchanged. 409 when another live product has taken its sku meanwhile.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'products/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Product,
  errors: [NOT_FOUND, SKU_TAKEN],
});

export const PRODUCT_OPERATIONS = [CreateProduct, ListProducts, GetProduct, UpdateProduct, DeleteProduct, RestoreProduct] as const;
