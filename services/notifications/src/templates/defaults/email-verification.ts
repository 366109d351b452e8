import type { DefaultTemplate } from '../default-template.js';

export const emailVerification: DefaultTemplate = {
  key: 'email_verification',
  name: 'Email verification',
  description: 'Sent to a new or changed address, with the one-time link that proves it belongs to the user.',
  subject: 'Confirm your email address',
  body: `<p>Hello {{name}},</p>
<p>Please confirm that {{email}} is your email address with the link below.</p>
<p>The link expires on {{expiresAt}}. If you did not sign up for Kinship, ignore this email.</p>`,
  action: { variable: 'verifyUrl', label: 'Confirm my address' },
  sampleData: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    verifyUrl: 'http://localhost:3000/verify-email?token=example',
    expiresAt: '22 November 2026, 10:00 UTC',
  },
};
