import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

interface Box {
  left: number;
  top: number;
  width: number;
}

/**
 * Where a card dragged from the keyboard goes on ← or →: centred in the next column that way
 * (columns in any order; the one under the card's centre is where it is). Undefined at either end.
 */
export function stepToColumn(card: Box, columns: Array<Pick<Box, 'left' | 'width'>>, direction: 1 | -1): { x: number; y: number } | undefined {
  const ordered = [...columns].sort((a, b) => a.left - b.left);
  const centre = card.left + card.width / 2;
  const here = ordered.findIndex((column) => centre >= column.left && centre < column.left + column.width);
  // Between two columns (or off them): the nearest one that way.
  const target =
    here >= 0
      ? ordered[here + direction]
      : direction === 1
        ? ordered.find((column) => column.left > centre)
        : ordered.findLast((column) => column.left + column.width <= centre);
  if (!target) return undefined;
  return { x: target.left + (target.width - card.width) / 2, y: card.top };
}

/**
 * dnd-kit's keyboard sensor steps 25 px per arrow key, a tenth of a column: here ← and → move the
 * card a whole stage. ↑ and ↓ do nothing, since a stage's deals have no order to change.
 */
export const boardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const direction = event.code === 'ArrowRight' ? 1 : event.code === 'ArrowLeft' ? -1 : 0;
  const card = context.collisionRect;
  if (direction === 0 || !card) return undefined;
  event.preventDefault();
  return stepToColumn(card, [...context.droppableRects.values()], direction);
};
