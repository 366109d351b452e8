import { perRecord, RecordBulkActions } from '../../components/BulkActions';
import { objectsApi } from './objects-api';

/**
 * A custom object's list's bulk action on the selected records: delete. Records have no bulk
 * request: one request per record, a few at a time. Loaded with the first selection, not with the list.
 */
export function RecordsBulkActions({ object, selected, clear }: { object: string; selected: string[]; clear: (keep?: string[]) => void }) {
  return <RecordBulkActions selected={selected} clear={clear} list={`object:${object}`} remove={perRecord((id) => objectsApi.remove(object, id))} />;
}
