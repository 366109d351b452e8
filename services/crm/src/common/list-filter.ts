import type { ClassConstructor } from 'class-transformer';
import { CUSTOM_FIELD_CONDITIONS_MAX, type CustomFieldConditions, type CustomFieldEntity } from '@kinship/contracts/crm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import type { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { checkFilterFields } from './json-filter.js';
import type { ListFilter } from './list-query.js';

/** Paging of a list request, not conditions: a stored filter (an export's, a view's, a segment's) has none of them. */
const PAGING_KEYS = ['limit', 'cursor', 'sort'];

/** A list filter as stored: the list's conditions, `q` (its search) and `deleted` (the trash). */
export type StoredListFilter = ListFilter & { q?: string };

/** What checks a list's filter: the query class of GET /<entity>, and the entity of its custom fields (null: it has none). */
export interface FilterableList {
  filterQuery: ClassConstructor<object>;
  customFieldEntity: CustomFieldEntity | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function prefixed(error: unknown, prefix: string): ErrorDetail[] {
  if (!(error instanceof RpcError) || error.status !== 422) throw error;
  return error.details.map((detail) => ({ ...detail, field: detail.field ? `${prefix}.${detail.field}` : prefix }));
}

/**
 * Checks a stored filter (an export's, a view's, a dynamic segment's) with the DTO of GET
 * /<entity>'s query, and its customFields against the live definitions, so a filter means what it
 * means on the list: every problem is a 422 naming `<name>.<key>` (e.g. filter.lifecycleStage,
 * filters.customFields.tier). `trash: false` refuses `deleted` too (a segment's members are live).
 */
export async function checkListFilter(
  manager: EntityManager,
  customFields: CustomFieldValidator,
  workspaceId: string,
  list: FilterableList,
  filter: unknown,
  { name = 'filter', trash = true }: { name?: string; trash?: boolean } = {},
): Promise<StoredListFilter> {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter)) throw RpcError.validation([{ field: name, issue: 'must be an object of list filters' }]);
  const notFilters = trash ? PAGING_KEYS : [...PAGING_KEYS, 'deleted'];
  const problems: ErrorDetail[] = notFilters.filter((key) => filter[key] !== undefined).map((key) => ({ field: `${name}.${key}`, issue: 'is not a filter' }));
  const { customFields: customFieldConditions, ...conditions } = filter;
  const checked = await checkFilterFields(list.filterQuery, conditions).catch((error: unknown) => {
    problems.push(...prefixed(error, name));
    return null;
  });
  let checkedConditions: CustomFieldConditions = {};
  if (customFieldConditions !== undefined) {
    const field = `${name}.customFields`;
    if (list.customFieldEntity === null) {
      problems.push({ field, issue: 'is not a filter of this list: it has no custom fields' });
    } else if (!isPlainObject(customFieldConditions) || Object.keys(customFieldConditions).length > CUSTOM_FIELD_CONDITIONS_MAX) {
      problems.push({ field, issue: `must be an object of at most ${CUSTOM_FIELD_CONDITIONS_MAX} custom field conditions` });
    } else {
      checkedConditions = await customFields.checkConditions(manager, workspaceId, list.customFieldEntity, customFieldConditions).catch((error: unknown) => {
        problems.push(...prefixed(error, name));
        return {};
      });
    }
  }
  if (problems.length || !checked) throw RpcError.validation(problems);
  const stored: StoredListFilter = Object.fromEntries(Object.entries(checked).filter(([, value]) => value !== undefined && value !== null));
  if (Object.keys(checkedConditions).length) stored.customFields = checkedConditions;
  return stored;
}
