import type { DefaultTemplate } from '../default-template.js';

export const passwordReset: DefaultTemplate = {
  key: 'password_reset',
  name: 'Password reset',
  description: 'Sent when someone asks to reset the password of an account, with the one-time reset link.',
  subject: 'Reset your Kinship password',
  body: `<p>Hello {{name}},</p>
<p>Someone asked to reset the password of your Kinship account. If it was you, choose a new password with the link below.</p>
<p>The link works once and expires on {{expiresAt}}. If you did not ask for this, ignore this email: your password stays as it is.</p>`,
  action: { variable: 'resetUrl', label: 'Reset my password' },
  sampleData: {
    name: 'Ada Lovelace',
    resetUrl: 'http://localhost:3000/reset-password?token=example',
    expiresAt: '21 November 2026, 11:00 UTC',
  },
};
