import type { DefaultTemplate } from '../default-template.js';

export const paymentReceived: DefaultTemplate = {
  key: 'payment_received',
  name: 'Payment received',
  description: 'Sent to a customer to confirm a payment of an invoice.',
  subject: 'Payment received for {{invoiceNumber}}',
  body: `<p>Hello {{customerName}},</p>
<p>We received your payment of {{amount}} for invoice <strong>{{invoiceNumber}}</strong> on {{paidAt}}. Thank you!</p>
<p>Left to pay on this invoice: {{amountDue}}.</p>
<p><a href="{{invoiceUrl}}">View the invoice</a></p>`,
  sampleData: {
    customerName: 'Charles Babbage',
    invoiceNumber: 'INV-2026-000042',
    amount: '€5,000.00',
    amountDue: '€0.00',
    paidAt: 'December 5, 2026 at 11:00 AM UTC',
    invoiceUrl: 'http://localhost:3000/invoices/example',
  },
};
