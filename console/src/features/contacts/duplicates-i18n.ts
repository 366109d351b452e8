import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The duplicates page's strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'duplicates.field': 'Field',
  'duplicates.keep': 'Keep',
  'duplicates.kept': 'Kept',
  'duplicates.merge': 'Merge {other} into {survivor}',
  'duplicates.mergeIn': 'Merge into it and delete',
  'duplicates.merged': 'Merged into {name}',
  'duplicates.none': 'No duplicate contacts.',
  'duplicates.owner': 'Owner',
  'duplicates.reason.email': 'Same email',
  'duplicates.reason.name_company': 'Same name at the same company',
  'duplicates.reason.phone': 'Same phone',
  'duplicates.removed': 'Merged in, then deleted',
  'duplicates.result': 'After the merge',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
