import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The tickets' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'tickets.addNote': 'Add internal note',
  'tickets.agent': 'Agent',
  'tickets.breached': 'SLA breached',
  'tickets.comments': 'Conversation',
  'tickets.customer': 'Customer',
  'tickets.description': 'Description',
  'tickets.dueAt': 'due {at}',
  'tickets.firstResponse': 'First response',
  'tickets.internal': 'Internal note (the customer never sees it)',
  'tickets.internalBadge': 'Internal',
  'tickets.metAt': 'met {at}',
  'tickets.new': 'New ticket',
  'tickets.newComment': 'New comment',
  'tickets.nextResponse': 'Next response',
  'tickets.noSla': 'No SLA policy applies to this ticket.',
  'tickets.number': 'Number',
  'tickets.reply': 'Reply',
  'tickets.resolution': 'Resolution',
  'tickets.search': 'Search tickets',
  'tickets.sla': 'SLA',
  'tickets.subject': 'Subject',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
