import { describe, expect, it } from 'vitest';
import { amountBound } from '../../lib/money';
import { dealFilterState, dealQuery, NO_DEAL_FILTERS } from './deal-filters';

describe('the deals table’s filters', () => {
  it('sends only the filters set, amounts in minor units', () => {
    expect(dealQuery({ ...NO_DEAL_FILTERS, status: ['won'], amountFrom: '1250.5', expectedCloseDateTo: '2026-12-31' })).toEqual({
      pipelineId: undefined,
      stageId: undefined,
      ownerId: undefined,
      status: ['won'],
      amountFrom: 125050,
      amountTo: undefined,
      expectedCloseDateFrom: undefined,
      expectedCloseDateTo: '2026-12-31',
    });
  });

  it('leaves out an amount that is not one, so the list is not asked for what it would refuse', () => {
    expect(amountBound('12.345')).toBeNull();
    expect(amountBound('-5')).toBeNull();
    expect(amountBound('ten')).toBeNull();
    expect(amountBound(' ')).toBeUndefined();
    expect(dealQuery({ ...NO_DEAL_FILTERS, amountTo: 'ten' }).amountTo).toBeUndefined();
  });

  it('opens a saved view’s filters back into the inputs, dropping what the table does not show', () => {
    const state = dealFilterState({ pipelineId: ['p1'], status: ['lost', 'archived'], amountFrom: 5, amountTo: 125050, q: 'acme' });
    expect(state).toEqual({ ...NO_DEAL_FILTERS, pipelineId: ['p1'], status: ['lost'], amountFrom: '0.05', amountTo: '1250.50' });
    expect(dealQuery(state)).toMatchObject({ amountFrom: 5, amountTo: 125050 });
  });
});
