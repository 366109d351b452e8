import type { DefaultTemplate } from '../default-template.js';

export const emailChangeRequested: DefaultTemplate = {
  key: 'email_change_requested',
  name: 'Email change requested',
  description:
    'Sent to the current address of an account when its user asks to move it to another address; the change waits until the new address is verified.',
  subject: 'Your Kinship email address is about to change',
  body: `<p>Hello {{name}},</p>
<p>Someone signed in to your Kinship account asked to change its email address from {{email}} to {{newEmail}}. The change takes effect only once the new address is confirmed.</p>
<p>If it was you, there is nothing to do here. If it was not, sign in and change your password now: that ends every session, and the request with them.</p>`,
  sampleData: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    newEmail: 'ada.lovelace@example.org',
  },
};
