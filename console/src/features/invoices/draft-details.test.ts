import { describe, expect, it } from 'vitest';
import { detailsChanges, type DetailsForm } from './draft-details';

const saved: DetailsForm = {
  kind: 'contact',
  customerId: 'c1',
  customerName: 'Ada Lovelace',
  billingEmail: '',
  issueDate: '',
  dueDate: '',
  paymentTerms: 'net_30',
};

describe('detailsChanges', () => {
  it('is empty when nothing changed', () => {
    expect(detailsChanges(saved, { ...saved })).toEqual({});
  });

  it('sends only what changed, dates as typed', () => {
    expect(detailsChanges(saved, { ...saved, issueDate: '2026-12-01', paymentTerms: 'net_15' })).toEqual({ issueDate: '2026-12-01', paymentTerms: 'net_15' });
  });

  it('sends an emptied input as null: the default comes back', () => {
    const dated = { ...saved, issueDate: '2026-12-01', dueDate: '2026-12-31', billingEmail: 'ap@example.com' };
    expect(detailsChanges(dated, { ...dated, dueDate: '', billingEmail: '  ' })).toEqual({ dueDate: null, billingEmail: null });
  });

  it('names the customer by its kind, a company as companyId', () => {
    expect(detailsChanges(saved, { ...saved, kind: 'company', customerId: 'k1', customerName: 'Difference Engines' })).toEqual({
      customer: { companyId: 'k1' },
    });
    expect(detailsChanges(saved, { ...saved, customerId: 'c2' })).toEqual({ customer: { contactId: 'c2' } });
  });

  it('sends no customer while none is picked', () => {
    expect(detailsChanges(saved, { ...saved, kind: 'company', customerId: null, customerName: '' })).toEqual({});
  });
});
