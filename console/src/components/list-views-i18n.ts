import { withCatalog, type KeyOf } from '../lib/i18n';

/** The views menu's strings, shipped in its own lazy chunk rather than with every list. */
export const en = {
  'views.default': '{name} (opens first)',
  'views.delete': 'Delete this view',
  'views.deleted': 'View “{name}” deleted',
  'views.makeDefault': 'Open this view first',
  'views.menu': 'View: {name}',
  'views.name': 'View name',
  'views.readOnly': 'Shared by a colleague: save it as your own view to change it',
  'views.rename': 'Rename this view…',
  'views.renameTitle': 'Rename view',
  'views.saveAs': 'Save as new view…',
  'views.saveAsTitle': 'Save as new view',
  'views.saveChanges': 'Save filters and sort into this view',
  'views.saved': 'View “{name}” saved',
  'views.share': 'Share with the workspace',
  'views.sharedBy': '{name} · by {owner}',
  'views.sharedByColleagues': 'Shared by colleagues',
  'views.sharedMark': ' · shared',
  'views.standard': 'Standard view',
  'views.unsetDefault': 'Stop opening this view first',
  'views.unshare': 'Stop sharing',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
