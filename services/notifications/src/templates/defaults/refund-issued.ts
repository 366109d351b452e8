import type { DefaultTemplate } from '../default-template.js';

export const refundIssued: DefaultTemplate = {
  key: 'refund_issued',
  name: 'Refund issued',
  description: 'Sent to a customer when a payment of an invoice is refunded (through Stripe or by hand).',
  subject: 'Refund for {{invoiceNumber}}',
  body: `<p>Hello {{customerName}},</p>
<p>We refunded {{amount}} of your payment for invoice <strong>{{invoiceNumber}}</strong> on {{refundedAt}}.</p>
<p>{{destination}}</p>
<p><a href="{{invoiceUrl}}">View the invoice</a></p>`,
  sampleData: {
    customerName: 'Charles Babbage',
    invoiceNumber: 'INV-2026-000042',
    amount: '€50.00',
    refundedAt: 'December 5, 2026 at 11:00 AM UTC',
    destination: 'It goes back to the card you paid with.',
    invoiceUrl: 'http://localhost:3000/invoices/example',
  },
};
