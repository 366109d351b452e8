import { ListContactsQuery } from '@kinship/contracts/crm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import type { ListFilter } from '../common/list-query.js';
import { checkFilterFields } from '../common/json-filter.js';
import type { CustomFieldValidator } from '../custom-fields/custom-field-values.js';

/** Paging of a list request, not conditions on contacts: a stored filter has none of them. */
const PAGING_KEYS = ['limit', 'cursor', 'sort', 'deleted'];
const MAX_CUSTOM_FIELD_CONDITIONS = 20;

/** A contact filter as stored in a segment: the conditions of GET /contacts, and its search `q`. */
export interface ContactFilter extends ListFilter {
  q?: string;
  customFields?: Record<string, string | number | boolean>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function prefixed(error: unknown, prefix: string): ErrorDetail[] {
  if (!(error instanceof RpcError) || error.status !== 422) throw error;
  return error.details.map((detail) => ({ ...detail, field: detail.field ? `${prefix}.${detail.field}` : prefix }));
}

/**
 * Checks a contact filter (a dynamic segment's, or a campaign audience's) with the same class as
 * the query of GET /contacts, and its customFields against the live contact definitions: every
 * problem is a 422 naming `<name>.<key>` (e.g. filter.lifecycleStage, filter.customFields.tier).
 * Returns the filter to store, with absent conditions dropped.
 */
export async function checkContactFilter(
  manager: EntityManager,
  customFields: CustomFieldValidator,
  workspaceId: string,
  filter: unknown,
  name = 'filter',
): Promise<ContactFilter> {
  if (!isPlainObject(filter)) throw RpcError.validation([{ field: name, issue: 'must be an object of contact list filters' }]);
  const problems: ErrorDetail[] = PAGING_KEYS.filter((key) => filter[key] !== undefined).map((key) => ({ field: `${name}.${key}`, issue: 'is not a filter' }));
  const { customFields: customFieldConditions, ...conditions } = filter;
  const checked = await checkFilterFields(ListContactsQuery, conditions).catch((error: unknown) => {
    problems.push(...prefixed(error, name));
    return null;
  });
  let customFieldValues: Record<string, string | number | boolean> = {};
  if (customFieldConditions !== undefined) {
    const field = `${name}.customFields`;
    if (!isPlainObject(customFieldConditions) || Object.keys(customFieldConditions).length > MAX_CUSTOM_FIELD_CONDITIONS) {
      problems.push({ field, issue: `must be an object of at most ${MAX_CUSTOM_FIELD_CONDITIONS} custom field values` });
    } else {
      const nulls = Object.keys(customFieldConditions).filter((key) => customFieldConditions[key] === null);
      problems.push(...nulls.map((key) => ({ field: `${field}.${key}`, issue: 'must be a value of the field' })));
      customFieldValues = await customFields.apply(manager, workspaceId, 'contact', {}, customFieldConditions).catch((error: unknown) => {
        problems.push(...prefixed(error, name));
        return {};
      });
    }
  }
  if (problems.length || !checked) throw RpcError.validation(problems);
  const stored: ContactFilter = Object.fromEntries(Object.entries(checked).filter(([, value]) => value !== undefined && value !== null));
  if (Object.keys(customFieldValues).length) stored.customFields = customFieldValues;
  return stored;
}

/** The filter of a list request for a stored filter: its search goes to `q`. */
export function splitSearch(filter: ContactFilter): { filter: ListFilter; q: string | null } {
  const { q, ...conditions } = filter;
  return { filter: conditions, q: q ?? null };
}
