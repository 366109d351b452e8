import { withCatalog, type KeyOf } from '../lib/i18n';

/** The lists' bulk actions' strings in English, shipped in the bulk actions' lazy chunk rather than with every first screen. */
export const en = {
  'bulk.delete': 'Delete selected',
  'bulk.done': 'Done for {count}',
  'bulk.export': 'Export CSV',
  'bulk.exportFailed': 'The export failed.',
  'bulk.exportSelected': 'Export selected',
  'bulk.exportTooMany': 'Export selected takes at most {max} records; Export CSV exports the whole filtered list.',
  'bulk.exported': '{count} rows exported',
  'bulk.failed': '{count} of {total} failed and stay selected: {message}',
  'bulk.newOwner': 'New owner',
  'bulk.owner': 'Change owner',
  'bulk.progress': '{done} of {count} done',
  'bulk.tag': 'Add tags',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
