import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The tasks' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'tasks.assignee': 'Assignee',
  'tasks.assigneeMe': 'Me',
  'tasks.bulkOwnerTitle': 'Assign {count} tasks',
  'tasks.complete': 'Complete',
  'tasks.dueFrom': 'Due from',
  'tasks.dueTo': 'Due to',
  'tasks.overdue': 'Overdue',
  'tasks.related.company': 'Company',
  'tasks.related.contact': 'Contact',
  'tasks.related.deal': 'Deal',
  'tasks.related.record': 'Custom object record',
  'tasks.relatedRecord': 'Related record',
  'tasks.relatedRecordId': 'Related record id',
  'tasks.relatedType': 'Related to',
  'tasks.search': 'Search tasks',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
