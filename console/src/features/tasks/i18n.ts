import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The tasks' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'tasks.bulkOwnerTitle': 'Assign {count} tasks',
  'tasks.complete': 'Complete',
  'tasks.search': 'Search tasks',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
