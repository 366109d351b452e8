import type { DefaultTemplate } from '../default-template.js';

export const ticketSla: DefaultTemplate = {
  key: 'ticket_sla',
  name: 'Ticket SLA warning or breach',
  description: 'Sent to the assignee of a ticket when an SLA deadline is near, and when it passed unmet.',
  subject: '{{headline}}: {{ticketSubject}}',
  body: `<p>Hello {{name}},</p>
<p>{{headline}} on a ticket assigned to you: the {{metric}} of <strong>{{ticketSubject}}</strong> was due {{dueAt}}.</p>
<p><a href="{{ticketUrl}}">Open the ticket</a></p>`,
  sampleData: {
    name: 'Ada Lovelace',
    headline: 'SLA breached',
    metric: 'first response',
    ticketSubject: 'Cannot download my invoice',
    dueAt: '24 November 2026, 09:00 UTC',
    ticketUrl: 'http://localhost:3000/tickets/example',
  },
};
