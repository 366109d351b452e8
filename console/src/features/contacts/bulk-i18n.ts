import { en as bulk } from '../../components/bulk-i18n';
import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The contacts' own bulk actions' strings in English (beside every list's), shipped in the route's own chunk rather than with every first screen. */
export const en = {
  ...bulk,
  'bulk.contacts.ownerTitle': 'Change the owner of {count} contacts',
  'bulk.contacts.tagTitle': 'Add tags to {count} contacts',
  'bulk.noSegments': 'No static segment yet',
  'bulk.segment': 'Add to segment',
  'bulk.segmentTitle': 'Add {count} contacts to a segment',
  'bulk.staticSegment': 'Static segment',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
