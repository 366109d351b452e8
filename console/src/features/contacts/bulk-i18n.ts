import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The contacts' bulk actions' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'bulk.done': 'Done for {count}',
  'bulk.export': 'Export CSV',
  'bulk.exportFailed': 'The export failed.',
  'bulk.exported': '{count} contacts exported',
  'bulk.failed': '{count} failed: {message}',
  'bulk.newOwner': 'New owner',
  'bulk.noSegments': 'No static segment yet',
  'bulk.owner': 'Change owner',
  'bulk.ownerTitle': 'Change the owner of {count} contacts',
  'bulk.segment': 'Add to segment',
  'bulk.segmentTitle': 'Add {count} contacts to a segment',
  'bulk.staticSegment': 'Static segment',
  'bulk.tag': 'Add tags',
  'bulk.tagTitle': 'Add tags to {count} contacts',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
