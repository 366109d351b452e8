import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';

// Shape rules only; the auth service owns the business rules (password strength, who may
// invite whom, ...). Upper bounds keep absurd inputs from reaching it (argon2 on a megabyte).
const EMAIL_MAX = 254;
const NAME_MAX = 200;
const PASSWORD_MAX = 1024;
const TOKEN_MAX = 512;

type FieldOptions = Pick<ApiPropertyOptions, 'description' | 'example'>;

/** Optional, but not null: absent leaves the value unchanged, null is not a value. */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

export function EmailField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(ApiProperty({ format: 'email', maxLength: EMAIL_MAX, example: 'ada@example.com', ...options }), IsEmail(), MaxLength(EMAIL_MAX));
}

/** A person's or a workspace's name. */
export function NameField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(ApiProperty({ minLength: 1, maxLength: NAME_MAX, ...options }), IsString(), IsNotEmpty(), MaxLength(NAME_MAX));
}

export function PasswordField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'password', maxLength: PASSWORD_MAX, description: 'At least 12 characters, not a common password (checked by the auth service).', ...options }),
    IsString(),
    IsNotEmpty(),
    MaxLength(PASSWORD_MAX),
  );
}

/** An opaque token the auth service issued (refresh, reset, verification, invitation). */
export function TokenField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(ApiProperty({ maxLength: TOKEN_MAX, ...options }), IsString(), IsNotEmpty(), MaxLength(TOKEN_MAX));
}

/** `/:id` of a resource. */
export class IdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id!: string;
}

/** `?limit=&cursor=` of every list (API.md "Conventions"). */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', maxLength: TOKEN_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(TOKEN_MAX)
  cursor?: string;
}
