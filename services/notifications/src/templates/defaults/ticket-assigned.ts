import type { DefaultTemplate } from '../default-template.js';

export const ticketAssigned: DefaultTemplate = {
  key: 'ticket_assigned',
  name: 'Ticket assigned',
  description: 'Sent to the assignee of a support ticket.',
  subject: 'New ticket: {{ticketSubject}}',
  body: `<p>Hello {{name}},</p>
<p>A ticket was assigned to you in {{workspaceName}}:</p>
<p><strong>{{ticketSubject}}</strong><br>Priority: {{priority}}{{#if firstResponseDueAt}}<br>First response due: {{firstResponseDueAt}}{{/if}}</p>
<p><a href="{{ticketUrl}}">Open the ticket</a></p>`,
  sampleData: {
    name: 'Ada Lovelace',
    workspaceName: 'Analytical Engines Ltd',
    ticketSubject: 'Cannot download my invoice',
    priority: 'high',
    firstResponseDueAt: '24 November 2026, 09:00 UTC',
    ticketUrl: 'http://localhost:3000/tickets/example',
  },
};
