import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart } from '../../lib/list-filters';
import { dealAmountBound, dealFilterState, dealQuery, NO_DEAL_FILTERS } from './deal-filters';

describe('the deals table’s filters', () => {
  it('sends only the filters set, amounts in minor units', () => {
    expect(dealQuery({ ...NO_DEAL_FILTERS, status: ['won'], amountFrom: '1250.5', expectedCloseDateTo: '2026-12-31' })).toEqual({
      pipelineId: undefined,
      stageId: undefined,
      ownerId: undefined,
      companyId: undefined,
      contactId: undefined,
      status: ['won'],
      amountFrom: 125050,
      amountTo: undefined,
      expectedCloseDateFrom: undefined,
      expectedCloseDateTo: '2026-12-31',
      createdAtFrom: undefined,
      createdAtTo: undefined,
    });
  });

  it('reads the amounts in the picked currency’s own decimals: none for JPY, three for BHD', () => {
    expect(dealQuery({ ...NO_DEAL_FILTERS, amountCurrency: 'JPY', amountFrom: '1250', amountTo: '1250.5' })).toMatchObject({
      amountFrom: 1250,
      amountTo: undefined,
    });
    expect(dealAmountBound('1250.5', 'JPY')).toBeNull();
    expect(dealQuery({ ...NO_DEAL_FILTERS, amountCurrency: 'BHD', amountFrom: '1.25', amountTo: '1.255' })).toMatchObject({ amountFrom: 1250, amountTo: 1255 });
    expect(dealAmountBound('1.2555', 'BHD')).toBeNull();
    // A view's bounds shown in those decimals, and sent back unchanged.
    expect(dealFilterState({ amountFrom: 1250, amountTo: 5 }, 'JPY')).toMatchObject({ amountFrom: '1250', amountTo: '5' });
    expect(dealFilterState({ amountFrom: 1250, amountTo: 5 }, 'BHD')).toMatchObject({ amountFrom: '1.250', amountTo: '0.005' });
    expect(dealQuery(dealFilterState({ amountFrom: 1250, amountTo: 5 }, 'BHD'))).toMatchObject({ amountFrom: 1250, amountTo: 5 });
  });

  it('leaves out an amount that is not one, so the list is not asked for what it would refuse', () => {
    expect(dealAmountBound('12.345', 'EUR')).toBeNull();
    expect(dealAmountBound('-5', 'EUR')).toBeNull();
    expect(dealAmountBound('ten', 'EUR')).toBeNull();
    expect(dealAmountBound(' ', 'EUR')).toBeUndefined();
    expect(dealQuery({ ...NO_DEAL_FILTERS, amountTo: 'ten' }).amountTo).toBeUndefined();
  });

  it('sends the company, the contact and the created days as the instants they span', () => {
    const query = dealQuery({ ...NO_DEAL_FILTERS, companyId: ['c1'], contactId: 'p1', createdFrom: '2026-12-01', createdTo: '2026-12-07' });
    expect(query).toMatchObject({ companyId: ['c1'], contactId: 'p1', createdAtFrom: dayStart('2026-12-01'), createdAtTo: dayEnd('2026-12-07') });
  });

  it('opens a saved view’s filters back into the inputs, dropping what the table does not show', () => {
    const state = dealFilterState({ pipelineId: ['p1'], status: ['lost', 'archived'], amountFrom: 5, amountTo: 125050, q: 'acme' });
    expect(state).toEqual({ ...NO_DEAL_FILTERS, pipelineId: ['p1'], status: ['lost'], amountFrom: '0.05', amountTo: '1250.50' });
    expect(dealQuery(state)).toMatchObject({ amountFrom: 5, amountTo: 125050 });
    const linked = dealFilterState({ companyId: ['c1'], contactId: 'p1', createdAtFrom: dayStart('2026-12-01'), createdAtTo: dayEnd('2026-12-07') });
    expect(linked).toMatchObject({ companyId: ['c1'], contactId: 'p1', createdFrom: '2026-12-01', createdTo: '2026-12-07' });
  });
});
