import { describe, expect, it } from 'vitest';
import { stepToColumn } from './board-keyboard';

// Three stages 260 px wide, 10 px apart, listed out of order as a Map may hold them.
const columns = [
  { left: 290, width: 260 },
  { left: 20, width: 260 },
  { left: 560, width: 260 },
];
const card = { left: 30, top: 120, width: 240 };

describe('stepToColumn', () => {
  it('centres the card in the next column that way, at the same height', () => {
    expect(stepToColumn(card, columns, 1)).toEqual({ x: 300, y: 120 });
    expect(stepToColumn({ ...card, left: 570 }, columns, -1)).toEqual({ x: 300, y: 120 });
  });

  it('stays put at either end of the board', () => {
    expect(stepToColumn(card, columns, -1)).toBeUndefined();
    expect(stepToColumn({ ...card, left: 570 }, columns, 1)).toBeUndefined();
  });

  it('from the gap between two columns, takes the nearest one that way', () => {
    const inGap = { ...card, left: 165 }; // centre at 285, between the first and second columns
    expect(stepToColumn(inGap, columns, 1)).toEqual({ x: 300, y: 120 });
    expect(stepToColumn(inGap, columns, -1)).toEqual({ x: 30, y: 120 });
  });
});
