import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { NAME_MAX } from '../limits.js';

// The field kit of auth's requests. Shape rules only; the auth service owns the business rules
// (password strength, who may invite whom, ...). Upper bounds keep absurd inputs from reaching it
// (argon2 on a megabyte).

/** RFC 5321 limits a forward path to 256 octets, so an address is at most 254 characters. */
export const EMAIL_MAX = 254;
/** Long enough for any passphrase, short enough that nobody makes the auth service hash megabytes. */
export const PASSWORD_MAX = 256;
/** Refresh, reset, verification and invitation tokens are far shorter. */
const TOKEN_MAX = 512;

type FieldOptions = Pick<ApiPropertyOptions, 'description' | 'example'>;

export function EmailField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'email', maxLength: EMAIL_MAX, example: 'ada@example.com', ...options }),
    IsString(),
    MaxLength(EMAIL_MAX),
    IsEmail(),
  );
}

/** A person's or a workspace's name: up to 200 characters, not only blanks. */
export function NameField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: NAME_MAX, ...options }),
    IsString(),
    MaxLength(NAME_MAX),
    Matches(/\S/, { message: '$property must not be blank' }),
  );
}

/** A new password; the rest of the policy (length, common passwords) is the auth service's, so that every rule is reported together. */
export function PasswordField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      format: 'password',
      maxLength: PASSWORD_MAX,
      description: 'At least 12 characters, not a common password (checked by the auth service).',
      ...options,
    }),
    IsString(),
    IsNotEmpty(),
    MaxLength(PASSWORD_MAX),
  );
}

/** An opaque token the auth service issued; one that is not one of ours is refused like an unknown one (invalid_token). */
export function TokenField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(ApiProperty({ maxLength: TOKEN_MAX, ...options }), IsString(), IsNotEmpty(), MaxLength(TOKEN_MAX));
}

/** `:id` of a member, an invitation or an API key. */
export class AuthIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}
