import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from '../../lib/list-filters';
import { companyFilterState, companyQuery, NO_COMPANY_FILTERS } from './companies-api';

describe('the companies list’s filters', () => {
  it('sends the domain and the created and updated days', () => {
    expect(companyQuery({ ...NO_COMPANY_FILTERS, domain: ' acme.com ', createdFrom: '2026-12-01', updatedTo: '2026-12-07' })).toEqual({
      ownerId: undefined,
      industry: undefined,
      size: undefined,
      tags: undefined,
      domain: 'acme.com',
      createdAtFrom: dayStart('2026-12-01'),
      createdAtTo: undefined,
      updatedAtFrom: undefined,
      updatedAtTo: dayEnd('2026-12-07'),
    });
  });

  it('opens a saved view back into the inputs', () => {
    expect(companyFilterState({ domain: 'acme.com', size: ['1-10', 'huge'], createdAtTo: dayEnd('2026-12-07') })).toEqual({
      ...NO_COMPANY_FILTERS,
      domain: 'acme.com',
      size: ['1-10'],
      createdTo: '2026-12-07',
    });
  });
});
