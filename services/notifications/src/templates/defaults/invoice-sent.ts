import type { DefaultTemplate } from '../default-template.js';

export const invoiceSent: DefaultTemplate = {
  key: 'invoice_sent',
  name: 'Invoice sent',
  description: 'Sent to a customer with their invoice.',
  subject: 'Invoice {{invoiceNumber}} from {{workspaceName}}',
  body: `<p>Hello {{customerName}},</p>
<p>{{workspaceName}} sent you invoice <strong>{{invoiceNumber}}</strong> for {{amountDue}}, due on {{dueDate}}.</p>
<p><a href="{{invoiceUrl}}">View the invoice</a></p>`,
  sampleData: {
    customerName: 'Charles Babbage',
    workspaceName: 'Analytical Engines Ltd',
    invoiceNumber: 'INV-2026-000042',
    amountDue: '€12,500.00',
    dueDate: '2026-12-21',
    invoiceUrl: 'http://localhost:3000/invoices/example',
  },
};
