import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The companies' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'companies.bulkOwnerTitle': 'Change the owner of {count} companies',
  'companies.bulkTagTitle': 'Add tags to {count} companies',
  'companies.counts': '{contacts} contacts · {deals} deals',
  'companies.linkedin': 'LinkedIn',
  'companies.new': 'New company',
  'companies.owner': 'Owner',
  'companies.search': 'Search companies',
  'companies.website': 'Website',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
