import type { DefaultTemplate } from '../default-template.js';

export const creditNoteIssued: DefaultTemplate = {
  key: 'credit_note_issued',
  name: 'Credit note issued',
  description: 'Sent to a customer when a credit note reduces one of their invoices.',
  subject: 'Credit note {{creditNoteNumber}} for {{invoiceNumber}}',
  body: `<p>Hello {{customerName}},</p>
<p>We issued credit note <strong>{{creditNoteNumber}}</strong> of {{amount}} for invoice <strong>{{invoiceNumber}}</strong>.</p>
<p>Taken off what was due: {{appliedToDue}}. Refunded: {{refunded}}. Added to your balance with us: {{toWallet}}.</p>
<p>Left to pay on this invoice: {{amountDue}}.</p>
<p><a href="{{invoiceUrl}}">View the invoice</a></p>`,
  sampleData: {
    customerName: 'Charles Babbage',
    creditNoteNumber: 'CN-2026-000001',
    invoiceNumber: 'INV-2026-000042',
    amount: '€100.00',
    appliedToDue: '€100.00',
    refunded: '€0.00',
    toWallet: '€0.00',
    amountDue: '€400.00',
    invoiceUrl: 'http://localhost:3000/invoices/example',
  },
};
