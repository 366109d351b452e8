import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';

/** RFC 5321 limits a forward path to 256 octets, so an address is at most 254 characters. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 200;

export function IsEmailAddress(): PropertyDecorator {
  return applyDecorators(IsString(), MaxLength(MAX_EMAIL_LENGTH), IsEmail());
}

/** A person's or a workspace's name: up to 200 characters, not only blanks. */
export function IsName(): PropertyDecorator {
  return applyDecorators(IsString(), MaxLength(MAX_NAME_LENGTH), Matches(/\S/, { message: '$property must not be blank' }));
}

/** Any string: a token that is not one of ours is refused like an unknown one (invalid_token), not as bad input. */
export function IsToken(): PropertyDecorator {
  return IsString();
}
