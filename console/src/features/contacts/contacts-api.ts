import type { components, operations } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';

export type Contact = components['schemas']['Contact'];
export type ContactBody = components['schemas']['ContactBody'];
type ContactQuery = NonNullable<operations['crm.contacts.list']['parameters']['query']>;
/** A text field's value holding the text, any case. */
export interface CustomFieldContains {
  contains: string;
}
/** A number's (numbers) or a date field's (YYYY-MM-DD) value within inclusive bounds; either may be left out. */
export interface CustomFieldRange {
  from?: number | string;
  to?: number | string;
}
/** A condition on one custom field as GET /contacts takes it: a value (equality), {contains} or {from, to}. */
export type CustomFieldCondition = string | number | boolean | CustomFieldContains | CustomFieldRange;
/** Custom field conditions by key, as a filter holds them. */
export type CustomFieldConditions = Record<string, CustomFieldCondition>;
/**
 * The filters of GET /contacts as the list, a saved view, an export and a segment keep them:
 * customFields as an object (the query string carries it as JSON).
 */
export type ContactFilters = Omit<ContactQuery, 'cursor' | 'limit' | 'sort' | 'q' | 'customFields'> & { customFields?: CustomFieldConditions };

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other'] as const;

export function contactName(contact: Pick<Contact, 'firstName' | 'lastName' | 'email' | 'id'>): string {
  return [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || contact.id;
}

export const contactsApi = {
  list: ({ customFields, ...query }: ContactFilters & Pick<ContactQuery, 'cursor' | 'limit' | 'sort' | 'q'>) =>
    unwrap(api.GET('/api/v1/contacts', { params: { query: { ...query, customFields: customFields && JSON.stringify(customFields) } } })),
  get: (id: string) => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  create: (body: ContactBody) => unwrap(api.POST('/api/v1/contacts', { body })),
  update: (id: string, body: ContactBody) => unwrap(api.PATCH('/api/v1/contacts/{id}', { params: { path: { id } }, body })),
  bulk: (body: components['schemas']['BulkContactsBody']) => unwrap(api.POST('/api/v1/contacts/bulk', { body })),
  timeline: (id: string) => unwrap(api.GET('/api/v1/contacts/{id}/timeline', { params: { path: { id }, query: { limit: 50 } } })),
};
