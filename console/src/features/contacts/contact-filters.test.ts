import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from '../../lib/list-filters';
import { contactConditionsOf, contactConditionsQuery, NO_CONTACT_CONDITIONS } from './contact-filters';

describe('the contacts’ owner, company, place and date conditions', () => {
  it('sends only those set: countries upper-cased, days as the instants they span, customer-since days as dates', () => {
    expect(contactConditionsQuery(NO_CONTACT_CONDITIONS)).toEqual({});
    const conditions = {
      ...NO_CONTACT_CONDITIONS,
      ownerId: ['u1'],
      country: ['de'],
      createdFrom: '2026-12-01',
      updatedTo: '2026-12-07',
      customerSinceTo: '2026-06-30',
    };
    expect(contactConditionsQuery(conditions)).toEqual({
      ownerId: ['u1'],
      country: ['DE'],
      createdAtFrom: dayStart('2026-12-01'),
      updatedAtTo: dayEnd('2026-12-07'),
      customerSinceTo: '2026-06-30',
    });
  });

  it('opens a view saved through the API with an owner back into its input', () => {
    expect(contactConditionsOf({ ownerId: ['u1'], city: ['london'], lifecycleStage: ['lead'], createdAtTo: dayEnd('2026-12-07') })).toEqual({
      ...NO_CONTACT_CONDITIONS,
      ownerId: ['u1'],
      city: ['london'],
      createdTo: '2026-12-07',
    });
    expect(contactConditionsOf(null)).toEqual(NO_CONTACT_CONDITIONS);
  });
});
