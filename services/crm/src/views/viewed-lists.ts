import { DECORATORS } from '@nestjs/swagger';
import type { ContractClass, Permission } from '@kinship/contracts';
import {
  Company,
  Contact,
  Deal,
  ListCompaniesQuery,
  ListContactsQuery,
  ListDealsQuery,
  ListObjectRecordsQuery,
  ListTasksQuery,
  ListTicketsQuery,
  ObjectRecord,
  Task,
  Ticket,
} from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import type { FilterableList, StoredListFilter } from '../common/list-filter.js';
import { SqlConditions, type ListDefinition } from '../common/list-query.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { COMPANY_LIST } from '../companies/companies.repository.js';
import { CONTACT_LIST } from '../contacts/contact.model.js';
import { DEALS_LIST } from '../deals/deals.repository.js';
import { parseFilter } from '../objects/object-records.service.js';
import type { CompiledObject } from '../objects/object-schema.js';
import { TASK_LIST } from '../tasks/tasks.repository.js';
import { TICKET_LIST } from '../tickets/tickets.repository.js';

/** The prefix of a custom field's column (`customFields.tier`), as the field is named on the wire. */
export const CUSTOM_FIELD_COLUMN = 'customFields.';

/**
 * What a view of one list is checked against: the list's sortable fields, the query class (and
 * custom fields) that check its filters, the columns it may show, and what reading it needs.
 */
export interface ViewedList extends FilterableList {
  list: ListDefinition;
  /** The record's fields on the wire; custom fields come on top as `customFields.<key>` when customFieldEntity is set. */
  columns: ReadonlySet<string>;
  readPermission: Permission;
  /** A custom object's list: its `filter` parameter is checked by the object itself. */
  object?: CompiledObject;
}

/** The fields a record class puts on the wire, as its ApiProperty decorators declare them for the OpenAPI document. */
function wireFields(record: ContractClass<object>): string[] {
  const names = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, record.prototype) as string[];
  // Nest's swagger keeps each name as `:name`.
  return names.map((name) => name.replace(/^:/, ''));
}

export const BUILT_IN_LISTS: Record<'contacts' | 'companies' | 'deals' | 'tasks' | 'tickets', ViewedList> = {
  contacts: {
    list: CONTACT_LIST,
    filterQuery: ListContactsQuery,
    customFieldEntity: 'contact',
    columns: new Set(wireFields(Contact)),
    readPermission: 'contacts:read',
  },
  companies: {
    list: COMPANY_LIST,
    filterQuery: ListCompaniesQuery,
    customFieldEntity: 'company',
    columns: new Set(wireFields(Company)),
    readPermission: 'companies:read',
  },
  deals: { list: DEALS_LIST, filterQuery: ListDealsQuery, customFieldEntity: 'deal', columns: new Set(wireFields(Deal)), readPermission: 'deals:read' },
  tasks: { list: TASK_LIST, filterQuery: ListTasksQuery, customFieldEntity: null, columns: new Set(wireFields(Task)), readPermission: 'tasks:read' },
  tickets: {
    list: TICKET_LIST,
    filterQuery: ListTicketsQuery,
    customFieldEntity: null,
    columns: new Set(wireFields(Ticket)),
    readPermission: 'tickets:read',
  },
};

/** A record's own fields beside its values (`object` and `values` are not columns: the values are, one per declared field). */
const RECORD_COLUMNS = wireFields(ObjectRecord).filter((field) => field !== 'object' && field !== 'values');

/** The list of a custom object's records: its declared fields are its columns. */
export function objectList(object: CompiledObject): ViewedList {
  return {
    list: object.list,
    filterQuery: ListObjectRecordsQuery,
    customFieldEntity: null,
    columns: new Set([...RECORD_COLUMNS, ...object.fields.keys()]),
    readPermission: 'records:read',
    object,
  };
}

/**
 * A custom object's `filter` (the JSON text of GET /objects/:key/records?filter=) checked as the
 * list checks it; what the list answers with a 400 is a 422 naming `<name>.filter` in a body.
 */
export async function checkObjectFilter(
  manager: EntityManager,
  workspaceId: string,
  object: CompiledObject,
  filters: StoredListFilter,
  name: string,
): Promise<void> {
  if (typeof filters.filter !== 'string') return;
  try {
    object.addFilter(parseFilter(filters.filter), new SqlConditions(), await defaultPhoneRegion(manager, workspaceId));
  } catch (error) {
    if (!(error instanceof RpcError) || error.status !== 400) throw error;
    throw RpcError.validation(error.details.map((detail) => ({ ...detail, field: `${name}.${detail.field ?? 'filter'}` })));
  }
}
