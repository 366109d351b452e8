import { defineOperation } from '../operation.js';
import { EmailField, PasswordField, TokenField } from './common.js';

export class ForgotPasswordBody {
  @EmailField() email!: string;
}

export class ResetPasswordBody {
  @TokenField({ description: 'The one-time token from the reset email.' }) token!: string;
  @PasswordField() password!: string;
}

export const ForgotPassword = defineOperation({
  pattern: 'auth.passwords.forgot',
  summary: 'Ask for a password reset',
  description: 'Emails a one-time reset link when the email is known; answers the same (202, no body) either way.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/password/forgot', status: 202 },
  input: ForgotPasswordBody,
  errors: [{ status: 429, description: 'Too many reset requests for this account or from this address; see Retry-After.' }],
});

export const ResetPassword = defineOperation({
  pattern: 'auth.passwords.reset',
  summary: 'Reset a password',
  description: 'With the one-time token of the reset link; every session of the user ends.',
  permission: 'public',
  route: { method: 'POST', path: 'auth/password/reset', status: 204 },
  input: ResetPasswordBody,
  errors: [{ status: 400, description: 'The token is unknown, used or expired (invalid_token).' }],
});

export const PASSWORD_OPERATIONS = [ForgotPassword, ResetPassword] as const;
