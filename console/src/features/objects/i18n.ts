import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The custom objects' strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'objects.amountBoundInvalid': 'An amount like 1250.00',
  'objects.amountInvalidIn': 'Not an amount in {currency}',
  'objects.anyCurrency': 'Any currency (amounts read with two decimals)',
  'objects.boundInvalid': 'Not a number',
  'objects.clearFilters': 'Clear filters',
  'objects.contains': '{label} contains',
  'objects.currency': '{label} currency',
  'objects.delete': 'Delete',
  'objects.deleted': 'Record deleted',
  'objects.fields': 'Fields',
  'objects.filters': 'Filters',
  'objects.filtersActive': 'Filters ({count})',
  'objects.from': '{label} from',
  'objects.isDeleted': 'Deleted',
  'objects.key': 'Key',
  'objects.new': 'New {label}',
  'objects.noFields': 'This object has no fields yet.',
  'objects.none': 'No custom objects are defined in this workspace yet.',
  'objects.object': 'Object',
  'objects.restore': 'Restore',
  'objects.search': 'Search {label}',
  'objects.to': '{label} to',
  'objects.updated': 'updated {at}',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
