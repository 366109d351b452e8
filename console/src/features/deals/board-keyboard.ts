import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What a droppable of the board is: a stage's column, or a card (dropped on, the deal goes next to it). */
export type BoardTarget = { type: 'stage' } | { type: 'deal'; stageId: string };

const centreY = (box: Pick<Box, 'top' | 'height'>) => box.top + box.height / 2;

/**
 * Where a card dragged from the keyboard goes on ← or →: centred in the next column that way
 * (columns in any order; the one under the card's centre is where it is). Undefined at either end.
 */
export function stepToColumn(card: Omit<Box, 'height'>, columns: Array<Pick<Box, 'left' | 'width'>>, direction: 1 | -1): { x: number; y: number } | undefined {
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
 * Where a card dragged from the keyboard goes on ↑ or ↓: past the next card of its column that
 * way, its centre a pixel beyond that card's, so that it is over that card and dropped above (↑)
 * or below (↓) it (see placeOf). `cards` are the column's other cards. Undefined at either end.
 */
export function stepInColumn(card: Box, cards: Array<Pick<Box, 'top' | 'height'>>, direction: 1 | -1): { x: number; y: number } | undefined {
  const centre = centreY(card);
  const beyond = cards.map(centreY).filter((other) => (direction === 1 ? other > centre + 0.5 : other < centre - 0.5));
  if (beyond.length === 0) return undefined;
  const next = direction === 1 ? Math.min(...beyond) : Math.max(...beyond);
  return { x: card.left, y: next + direction - card.height / 2 };
}

/** A card dropped on another goes above it when its centre is higher than the other's, else below. */
export function placeOf(dragged: Pick<Box, 'top' | 'height'>, over: Pick<Box, 'top' | 'height'>): 'before' | 'after' {
  return centreY(dragged) < centreY(over) ? 'before' : 'after';
}

/**
 * dnd-kit's keyboard sensor steps 25 px per arrow key, a tenth of a column: here ← and → move the
 * card a whole stage, ↑ and ↓ one place within its column (past the next card of the column).
 */
export const boardCoordinates: KeyboardCoordinateGetter = (event, { active, context }) => {
  const card = context.collisionRect;
  if (!card) return undefined;
  const horizontal = event.code === 'ArrowRight' ? 1 : event.code === 'ArrowLeft' ? -1 : 0;
  const vertical = event.code === 'ArrowDown' ? 1 : event.code === 'ArrowUp' ? -1 : 0;
  if (horizontal === 0 && vertical === 0) return undefined;
  event.preventDefault();
  const rects = [...context.droppableContainers.getEnabled()].flatMap((container) => {
    const rect = context.droppableRects.get(container.id);
    return rect && container.id !== active ? [{ rect, target: container.data.current as BoardTarget | undefined }] : [];
  });
  if (horizontal !== 0) {
    return stepToColumn(
      card,
      rects.filter(({ target }) => target?.type === 'stage').map(({ rect }) => rect),
      horizontal,
    );
  }
  const centre = card.left + card.width / 2;
  const column = rects.filter(({ target, rect }) => target?.type === 'deal' && centre >= rect.left && centre < rect.left + rect.width).map(({ rect }) => rect);
  return stepInColumn(card, column, vertical as 1 | -1);
};
