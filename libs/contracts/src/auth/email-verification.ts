import { defineOperation } from '../operation.js';
import { TokenField } from './common.js';

export class VerifyEmailBody {
  @TokenField({ description: 'The one-time token from the verification email.' }) token!: string;
}

export const VerifyEmail = defineOperation({
  pattern: 'auth.email.verify',
  summary: 'Verify an email address',
  description: 'With the one-time token of the verification link; the address is marked verified.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/email/verify', status: 204 },
  input: VerifyEmailBody,
  errors: [{ status: 400, description: 'The token is unknown, used or expired (invalid_token).' }],
});

export const EMAIL_VERIFICATION_OPERATIONS = [VerifyEmail] as const;
