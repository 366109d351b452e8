import { Injectable } from '@nestjs/common';
import { PASSWORD_MAX } from '@kinship/contracts/auth';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { COMMON_PASSWORDS_LIST } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 12;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  COMMON_PASSWORDS_LIST.split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line.length > 0),
);

/** Whose password it is: a password equal to their email or name is refused. */
export interface PasswordOwner {
  email: string;
  name: string;
}

/** What a new password must be (NIST SP 800-63B: length and a blocklist, no composition rules). */
@Injectable()
export class PasswordPolicy {
  /** Throws 422 naming `password` (or the field given) with every rule the password breaks. */
  assertAcceptable(password: string, owner: PasswordOwner, field = 'password'): void {
    const issues = this.problems(password, owner).map((issue): ErrorDetail => ({ field, issue }));
    if (issues.length > 0) throw RpcError.validation(issues);
  }

  private problems(password: string, owner: PasswordOwner): string[] {
    const problems: string[] = [];
    const length = [...password].length;
    if (length < MIN_PASSWORD_LENGTH) problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters long`);
    if (length > PASSWORD_MAX) problems.push(`must be at most ${PASSWORD_MAX} characters long`);
    const lowered = password.trim().toLowerCase();
    if (COMMON_PASSWORDS.has(lowered)) problems.push('is one of the most common passwords');
    const personal = [owner.email, owner.email.split('@')[0] ?? '', owner.name].map((text) => text.trim().toLowerCase()).filter((text) => text.length > 0);
    if (personal.includes(lowered)) problems.push('must not be your email or name');
    return problems;
  }
}
