import { ADDRESS_PARTS, EXPORT_IDS_MAX } from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { escapeLiteral } from 'pg';
import { SqlConditions } from '../common/list-query.js';
import type { CompiledObject, ObjectFieldDefinition } from '../objects/object-schema.js';
import { LIST_SEPARATOR, type ExportColumn } from './export-entities.js';
import type { StoredListFilter } from '../common/list-filter.js';

const TIME = (header: string, sql: string): ExportColumn => ({
  header,
  sql: `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  kind: 'plain',
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field's cells, headed by its key (an address or an amount is one column per part: `address.city`, `price.amount`), as imports map them back. */
function fieldColumns(field: ObjectFieldDefinition): ExportColumn[] {
  const value = `r.values -> ${escapeLiteral(field.key)}`;
  switch (field.type) {
    case 'number':
    case 'boolean':
      return [{ header: field.key, sql: value, kind: 'json' }];
    case 'currency':
      return [
        { header: `${field.key}.amount`, sql: `${value} -> 'amount'`, kind: 'json' },
        { header: `${field.key}.currency`, sql: `${value} ->> 'currency'`, kind: 'plain' },
      ];
    case 'address':
      return ADDRESS_PARTS.map((part) => ({ header: `${field.key}.${part}`, sql: `${value} ->> '${part}'`, kind: 'text' }));
    case 'multi_select':
      return [
        {
          header: field.key,
          sql: `CASE WHEN jsonb_typeof(${value}) = 'array' THEN array_to_string(ARRAY(SELECT jsonb_array_elements_text(${value})), '${LIST_SEPARATOR}') END`,
          kind: 'text',
        },
      ];
    case 'date':
    case 'relation':
      return [{ header: field.key, sql: `${value} #>> '{}'`, kind: 'plain' }];
    default:
      return [{ header: field.key, sql: `${value} #>> '{}'`, kind: 'text' }];
  }
}

/** The file's columns for an object's records: id, its fields in their order, then who created it and when. */
export function recordColumns(object: CompiledObject): ExportColumn[] {
  return [
    { header: 'id', sql: 'r.id::text', kind: 'plain' },
    ...[...object.fields.values()].flatMap(fieldColumns),
    { header: 'createdBy', sql: 'r.created_by::text', kind: 'plain' },
    TIME('createdAt', 'r.created_at'),
    TIME('updatedAt', 'r.updated_at'),
    TIME('deletedAt', 'r.deleted_at'),
  ];
}

/**
 * A records export's filter: `{q, deleted, id, fields}`, `id` the selected records (up to
 * EXPORT_IDS_MAX, as the other entities' exports take them) and `fields` the filter of GET
 * /objects/:object/records (checked by the object itself: 422 naming filter.fields.<key>).
 */
export function checkRecordExportFilter(object: CompiledObject, filter: unknown, region: string): StoredListFilter {
  if (filter === undefined || filter === null) return {};
  const problem = (field: string, issue: string) => RpcError.validation([{ field, issue }]);
  if (!isPlainObject(filter)) throw problem('filter', 'must be an object: {q, deleted, id, fields}');
  const { q, deleted, id, fields, ...others } = filter;
  const unknown = Object.keys(others)[0];
  if (unknown !== undefined) throw problem(`filter.${unknown}`, 'is not a filter of records: put field conditions under filter.fields');
  if (q !== undefined && (typeof q !== 'string' || q.length > 200)) throw problem('filter.q', 'must be a text of at most 200 characters');
  if (deleted !== undefined && typeof deleted !== 'boolean') throw problem('filter.deleted', 'must be true or false');
  if (id !== undefined && !Array.isArray(id)) throw problem('filter.id', 'must be a list of record ids');
  if (Array.isArray(id) && id.length > EXPORT_IDS_MAX) throw problem('filter.id', `id must name at most ${EXPORT_IDS_MAX} records`);
  if (Array.isArray(id) && !id.every((value) => typeof value === 'string' && isUuid(value))) throw problem('filter.id', 'each value of id must be a UUID');
  if (fields !== undefined && !isPlainObject(fields)) throw problem('filter.fields', 'must be an object of field conditions');
  if (fields) {
    try {
      object.addFilter(fields, new SqlConditions(), region);
    } catch (error) {
      // The list answers a bad query parameter with 400; in a request body it is a 422, named where it sits.
      if (!(error instanceof RpcError) || error.status !== 400) throw error;
      throw RpcError.validation(error.details.map((detail) => ({ ...detail, field: detail.field?.replace(/^filter\b/, 'filter.fields') })));
    }
  }
  return {
    ...(q ? { q } : {}),
    ...(deleted ? { deleted } : {}),
    ...(id ? { id } : {}),
    ...(fields && Object.keys(fields).length ? { fields } : {}),
  } as StoredListFilter;
}
