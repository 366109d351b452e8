import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The campaigns' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'campaigns.scheduledAt': 'Scheduled',
  'campaigns.sent': 'Sent',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
