import { defineOperation } from '../operation.js';

// crm's operation for other services (no route).

/**
 * One of the two ids (contactId wins when both are given). Services call this with input they have
 * validated already (billing: the gateway checked CustomerBody), so crm checks only that the id is a UUID.
 */
export class CustomerLookupInput {
  contactId?: string;
  companyId?: string;
}

export class CustomerRecord {
  type!: 'contact' | 'company';
  id!: string;
  /** The contact's full name (else its email), or the company's name. */
  name!: string;
  /** A contact's email; null for a company or a contact without one. */
  email!: string | null;
}

export const LookupCustomer = defineOperation({
  pattern: 'crm.customers.lookup',
  summary: 'Find a live contact or company of the caller’s workspace',
  description: 'For services that bill or address crm records (billing). Deleted and merged records and other workspaces’ ids are 404.',
  permission: null,
  input: CustomerLookupInput,
  output: CustomerRecord,
  errors: [{ status: 404, description: 'No live contact or company with this id in the workspace.' }],
});
