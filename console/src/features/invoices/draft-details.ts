import type { components } from '../../api/schema';

type UpdateInvoiceBody = components['schemas']['UpdateInvoiceBody'];
export type PaymentTerms = NonNullable<UpdateInvoiceBody['paymentTerms']>;
export const PAYMENT_TERMS: readonly PaymentTerms[] = ['due_on_receipt', 'net_7', 'net_15', 'net_30', 'net_60'];

/** A draft's details as the form holds them: text inputs hold '' for "none". */
export interface DetailsForm {
  kind: 'contact' | 'company';
  customerId: string | null;
  customerName: string;
  billingEmail: string;
  issueDate: string;
  dueDate: string;
  paymentTerms: PaymentTerms;
}

/**
 * What the form changed, as the draft update takes it: only the fields that differ, an emptied
 * input as null (no issue date: the day of finalization; no billing email: the customer's).
 * A new customer goes with its email cleared unless one was typed, as billing does.
 */
export function detailsChanges(
  saved: DetailsForm,
  form: DetailsForm,
): Pick<UpdateInvoiceBody, 'customer' | 'billingEmail' | 'issueDate' | 'dueDate' | 'paymentTerms'> {
  const changes: ReturnType<typeof detailsChanges> = {};
  if (form.customerId && (form.customerId !== saved.customerId || form.kind !== saved.kind))
    changes.customer = form.kind === 'contact' ? { contactId: form.customerId } : { companyId: form.customerId };
  const text = (value: string) => (value.trim() === '' ? null : value.trim());
  if (form.billingEmail.trim() !== saved.billingEmail) changes.billingEmail = text(form.billingEmail);
  if (form.issueDate !== saved.issueDate) changes.issueDate = text(form.issueDate);
  if (form.dueDate !== saved.dueDate) changes.dueDate = text(form.dueDate);
  if (form.paymentTerms !== saved.paymentTerms) changes.paymentTerms = form.paymentTerms;
  return changes;
}
