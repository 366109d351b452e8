import { describe, expect, it } from 'vitest';
import { columnTotals, type Deal } from './deals-api';

const deal = (amount: number, currency: string) => ({ amount, currency }) as Deal;

describe('kanban column totals', () => {
  it('sums each currency apart and weighs it by the stage’s probability', () => {
    expect(columnTotals([deal(10_000, 'USD'), deal(5_001, 'USD'), deal(20_000, 'EUR')], 25)).toEqual([
      { currency: 'EUR', amount: 20_000, weighted: 5_000 },
      { currency: 'USD', amount: 15_001, weighted: 3_750 },
    ]);
  });
});
