import { describe, expect, it } from 'vitest';
import { placeOf, stepInColumn, stepToColumn } from './board-keyboard';

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

describe('stepInColumn', () => {
  // A column's other cards, 60 px high and 8 px apart (centres at 130, 198, 266), listed out of order.
  const cards = [
    { top: 168, height: 60 },
    { top: 100, height: 60 },
    { top: 236, height: 60 },
  ];
  const dragged = { left: 30, top: 168, width: 240, height: 60 };

  it('puts the card a pixel past the next card that way, so that it drops above (↑) or below (↓) it', () => {
    const up = stepInColumn(dragged, cards, -1)!;
    expect(up).toEqual({ x: 30, y: 99 });
    expect(placeOf({ top: up.y, height: 60 }, cards[1]!)).toBe('before');
    const down = stepInColumn(dragged, cards, 1)!;
    expect(down).toEqual({ x: 30, y: 237 });
    expect(placeOf({ top: down.y, height: 60 }, cards[2]!)).toBe('after');
  });

  it('goes one card further on each press, and stays put past the first or the last', () => {
    const above = { ...dragged, top: 99 }; // just above the card centred at 130
    expect(stepInColumn(above, cards, -1)).toBeUndefined();
    expect(stepInColumn(above, cards, 1)).toEqual({ x: 30, y: 101 }); // just below it
    const below = { ...dragged, top: 237 };
    expect(stepInColumn(below, cards, 1)).toBeUndefined();
    expect(stepInColumn(below, cards, -1)).toEqual({ x: 30, y: 235 });
  });

  it('has nowhere to go in a column of its own', () => {
    expect(stepInColumn(dragged, [], -1)).toBeUndefined();
    expect(stepInColumn(dragged, [], 1)).toBeUndefined();
  });
});
