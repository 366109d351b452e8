import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The imports wizard's strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'imports.closedByUndo': 'Closed by the undo',
  'imports.column': 'Column in the file',
  'imports.conflicts': 'Conflicts',
  'imports.counts': '{status}: {processed} of {total} rows · {created} created · {updated} updated · {conflicts} conflicts · {failed} failed',
  'imports.drop': 'Drop a CSV file here, or click to choose one',
  'imports.dropLabel': 'CSV file to import',
  'imports.errors': 'Rows not imported',
  'imports.existing': 'Existing',
  'imports.field': 'Field',
  'imports.fieldFor': 'Field for column {column}',
  'imports.incoming': 'Incoming',
  'imports.keepExisting': 'Keep existing',
  'imports.mapping': 'Map columns',
  'imports.mappingHelp': 'Choose the contact field each column of {file} fills; known column names are filled in.',
  'imports.merged': 'Merged',
  'imports.merge': 'Merge into matches',
  'imports.mode': 'When a row matches a contact',
  'imports.overwrite': 'Overwrite matches',
  'imports.previewRow': 'Row {row}',
  'imports.progress': 'Progress',
  'imports.resolution': 'Resolution',
  'imports.keptExisting': 'Kept existing',
  'imports.row': 'Row',
  'imports.rowRecord': 'Row {row}',
  'imports.tookIncoming': 'Took incoming',
  'imports.rowError': 'Row {row}: {message}',
  'imports.skip': 'Not imported',
  'imports.start': 'Start import',
  'imports.takeIncoming': 'Take incoming',
  'imports.undo': 'Undo import',
  'imports.upload': 'Upload',
  'imports.uploading': 'Upload progress',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
