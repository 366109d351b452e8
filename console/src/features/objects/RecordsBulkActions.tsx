import { RecordBulkActions } from '../../components/BulkActions';
import { objectsApi } from './objects-api';

/**
 * A custom object's list's bulk actions on the selected records: delete, through
 * POST /objects/:object/records/bulk, and for a caller who may export, "Export selected" (one
 * records export of their ids). Loaded with the first selection, not with the list.
 */
export function RecordsBulkActions({
  object,
  selected,
  clear,
  canExport,
}: {
  object: string;
  selected: string[];
  clear: (keep?: string[]) => void;
  canExport: boolean;
}) {
  return (
    <RecordBulkActions
      selected={selected}
      clear={clear}
      list={`object:${object}`}
      remove={(ids) => objectsApi.bulk(object, { action: 'delete', ids })}
      exportEntity={canExport ? 'records' : undefined}
      exportObject={object}
    />
  );
}
