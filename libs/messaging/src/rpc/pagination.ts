import { RpcError } from './rpc-error.js';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@kinship/contracts';
import { isUuid } from '@kinship/persistence';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

/** `limit` and `cursor` of every list request. */
export class PageDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string | null;
}

/** Where a page starts: after the row with this id, in the list's order. */
export interface PagePosition {
  limit: number;
  afterId: string | null;
}

/**
 * Lists are ordered by id (UUIDv7, so by age): the cursor is the base64url of the last id
 * returned. A cursor that does not decode to an id was not made here: 400 invalid_cursor.
 */
export function pagePosition(page: PageDto): PagePosition {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  if (page.cursor === undefined || page.cursor === null) return { limit, afterId: null };
  const afterId = Buffer.from(page.cursor, 'base64url').toString('utf8');
  if (!isUuid(afterId) || Buffer.from(afterId).toString('base64url') !== page.cursor) {
    throw new RpcError(400, 'invalid_cursor', 'The cursor is not valid; start again from the first page.', [
      { field: 'cursor', issue: 'is not a cursor of this list' },
    ]);
  }
  return { limit, afterId };
}

/**
 * Turns up to limit + 1 rows into a page: the extra row only tells that there is a next page.
 */
export function toPage<Row extends { id: string }, Item>(
  rows: Row[],
  position: PagePosition,
  toItem: (row: Row) => Item,
): { data: Item[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, position.limit);
  const last = pageRows.at(-1);
  const nextCursor = rows.length > position.limit && last ? Buffer.from(last.id).toString('base64url') : null;
  return { data: pageRows.map(toItem), nextCursor };
}
