import type { CrmListQuery } from '@kinship/contracts/crm';
import type { ListFilter, ListRequest } from './list-query.js';

/** Splits a list query into its filter and its paging, dropping absent filters. */
export function toListRequest(query: CrmListQuery): ListRequest {
  const { limit, cursor, sort, q, ...rest } = query;
  const filter: ListFilter = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined && value !== null));
  return { filter, q, sort, limit, cursor };
}
