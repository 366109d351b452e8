import { RecordBulkActions } from '../../components/BulkActions';
import { objectsApi } from './objects-api';

/**
 * A custom object's list's bulk action on the selected records: delete, through
 * POST /objects/:object/records/bulk. Loaded with the first selection, not with the list.
 */
export function RecordsBulkActions({ object, selected, clear }: { object: string; selected: string[]; clear: (keep?: string[]) => void }) {
  return <RecordBulkActions selected={selected} clear={clear} list={`object:${object}`} remove={(ids) => objectsApi.bulk(object, { action: 'delete', ids })} />;
}
