import { formatValue } from '../../lib/typed-values';
import type { ObjectRecord, ObjectType } from './objects-api';

// Apart from objects-api, which the shell loads for the navigation: the value formatting stays in the record screens' chunks.
/** A record's name: the value of its object's first text-like field that holds one, else its id. */
export function recordTitle(type: ObjectType, record: ObjectRecord): string {
  for (const field of type.fields) {
    if (!['text', 'email', 'phone', 'url', 'select'].includes(field.type)) continue;
    const shown = formatValue(field.type, record.values[field.key]);
    if (shown) return shown;
  }
  return record.id;
}
