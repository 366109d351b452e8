import { defineOperation } from '../operation.js';

// crm's operations for other services (no route).

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

export class DealForInvoiceInput {
  dealId!: string;
}

export class DealForInvoice {
  id!: string;
  name!: string;
  /** Minor units of `currency`. */
  amount!: number;
  currency!: string;
  /** Whom to bill: the deal's company if it is live, else its first live contact (oldest); null when it has neither. */
  customer!: CustomerRecord | null;
}

export const GetDealForInvoice = defineOperation({
  pattern: 'crm.deals.for-invoice',
  summary: 'What a deal puts on an invoice',
  description:
    'For billing’s POST /invoices {dealId, fromDeal}: the deal’s name, amount and currency and whom to bill. Deleted deals and other workspaces’ ids are 404.',
  permission: null,
  input: DealForInvoiceInput,
  output: DealForInvoice,
  errors: [{ status: 404, description: 'No live deal with this id in the workspace.' }],
});
