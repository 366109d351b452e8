import { describe, expect, it } from 'vitest';
import { columnTotals, moveOnBoard, type Deal } from './deals-api';

const deal = (amount: number, currency: string) => ({ amount, currency }) as Deal;

describe('kanban column totals', () => {
  it('sums each currency apart and weighs it by the stage’s probability', () => {
    expect(columnTotals([deal(10_000, 'USD'), deal(5_001, 'USD'), deal(20_000, 'EUR')], 25)).toEqual([
      { currency: 'EUR', amount: 20_000, weighted: 5_000 },
      { currency: 'USD', amount: 15_001, weighted: 3_750 },
    ]);
  });
});

describe('a move on the board, before the API answers', () => {
  const board = [
    { id: 'a', stageId: 's1' },
    { id: 'b', stageId: 's1' },
    { id: 'c', stageId: 's1' },
    { id: 'x', stageId: 's2' },
  ] as Deal[];
  const column = (deals: Deal[], stageId: string) => deals.filter((deal) => deal.stageId === stageId).map((deal) => deal.id);

  it('puts the deal just above or below the deal named, in its stage or another', () => {
    expect(column(moveOnBoard(board, 'c', 's1', { beforeDealId: 'a' }), 's1')).toEqual(['c', 'a', 'b']);
    expect(column(moveOnBoard(board, 'a', 's1', { afterDealId: 'b' }), 's1')).toEqual(['b', 'a', 'c']);
    const across = moveOnBoard(board, 'b', 's2', { afterDealId: 'x' });
    expect([column(across, 's1'), column(across, 's2')]).toEqual([
      ['a', 'c'],
      ['x', 'b'],
    ]);
  });

  it('puts a deal moved without a place first in its new stage', () => {
    expect(column(moveOnBoard(board, 'c', 's2'), 's2')).toEqual(['c', 'x']);
    expect(column(moveOnBoard(board, 'x', 's3'), 's3')).toEqual(['x']);
  });
});
