import { ListContactsQuery, type CustomFieldConditions } from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import { checkListFilter, type FilterableList } from '../common/list-filter.js';
import type { ListFilter } from '../common/list-query.js';
import type { CustomFieldValidator } from '../custom-fields/custom-field-values.js';

/** A contact filter as stored in a segment: the conditions of GET /contacts, and its search `q`. */
export interface ContactFilter extends ListFilter {
  q?: string;
  customFields?: CustomFieldConditions;
}

const CONTACTS: FilterableList = { filterQuery: ListContactsQuery, customFieldEntity: 'contact' };

/**
 * Checks a contact filter (a dynamic segment's, or a campaign audience's) as the contacts list
 * checks its query (checkListFilter): required, and of live contacts only (no `deleted`). Every
 * problem is a 422 naming `filter.<key>`. Returns the filter to store, absent conditions dropped.
 */
export async function checkContactFilter(
  manager: EntityManager,
  customFields: CustomFieldValidator,
  workspaceId: string,
  filter: unknown,
): Promise<ContactFilter> {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw RpcError.validation([{ field: 'filter', issue: 'must be an object of contact list filters' }]);
  }
  return checkListFilter(manager, customFields, workspaceId, CONTACTS, filter, { trash: false });
}

/** The filter of a list request for a stored filter: its search goes to `q`. */
export function splitSearch(filter: ContactFilter): { filter: ListFilter; q: string | null } {
  const { q, ...conditions } = filter;
  return { filter: conditions, q: q ?? null };
}
