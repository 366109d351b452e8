import { useQuery } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';

export type Deal = components['schemas']['Deal'];
export type Pipeline = components['schemas']['Pipeline'];
export type Stage = components['schemas']['Stage'];

const BOARD_LIMIT = 2000;

/** Where a moved deal goes in its stage: just above or below another deal of it; without one, first. */
export type Place = { beforeDealId: string } | { afterDealId: string };

export const dealsApi = {
  pipelines: () => unwrap(api.GET('/api/v1/pipelines', { params: { query: { limit: 100 } } })),
  /** The pipeline's deals in the board's order (each stage's in its own), page after page up to what one board can show. */
  async board(pipelineId: string): Promise<Deal[]> {
    const deals: Deal[] = [];
    let cursor: string | undefined;
    do {
      const page = await unwrap(api.GET('/api/v1/deals', { params: { query: { pipelineId: [pipelineId], sort: 'position', limit: 500, cursor } } }));
      deals.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && deals.length < BOARD_LIMIT);
    return deals;
  },
  move: (id: string, stageId: string, lostReason?: string, place?: Place) =>
    unwrap(api.POST('/api/v1/deals/{id}/stage', { params: { path: { id } }, body: { stageId, lostReason, ...place } })),
  create: (body: components['schemas']['CreateDealBody']) => unwrap(api.POST('/api/v1/deals', { body })),
  get: (id: string) => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id } } })),
  update: (id: string, body: components['schemas']['UpdateDealBody']) => unwrap(api.PATCH('/api/v1/deals/{id}', { params: { path: { id } }, body })),
  bulk: (body: components['schemas']['BulkDealsBody']) => unwrap(api.POST('/api/v1/deals/bulk', { body })),
  /** A draft invoice of one line for the deal's amount, billed to its company or first contact. */
  invoice: (dealId: string) => unwrap(api.POST('/api/v1/invoices', { body: { dealId, fromDeal: true } })),
};

/** The board's deals after a move, as the API will order them: the deal taken out and put in its new stage, next to the deal named or first. */
export function moveOnBoard(deals: Deal[], dealId: string, stageId: string, place?: Place): Deal[] {
  const moving = deals.find((deal) => deal.id === dealId);
  if (!moving) return deals;
  const rest = deals.filter((deal) => deal.id !== dealId);
  const moved = { ...moving, stageId };
  const next = place && 'beforeDealId' in place ? place.beforeDealId : undefined;
  const previous = place && 'afterDealId' in place ? place.afterDealId : undefined;
  const at = next
    ? rest.findIndex((deal) => deal.id === next)
    : previous
      ? rest.findIndex((deal) => deal.id === previous) + 1
      : rest.findIndex((deal) => deal.stageId === stageId);
  if (at < 0 || (previous && at === 0)) return [...rest, moved];
  return [...rest.slice(0, at), moved, ...rest.slice(at)];
}

/** Sums per currency (amounts of different currencies are never added) and weighted by the stage's probability. */
export function columnTotals(deals: Deal[], probability: number): Array<{ currency: string; amount: number; weighted: number }> {
  const byCurrency = new Map<string, number>();
  for (const deal of deals) byCurrency.set(deal.currency, (byCurrency.get(deal.currency) ?? 0) + deal.amount);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount, weighted: Math.round((amount * probability) / 100) }));
}

/** The workspace's pipelines with their stages, one cache entry for the board, the deal page, the editor and the reports. */
export function usePipelines(enabled = true) {
  return useQuery({ queryKey: ['pipelines'], queryFn: dealsApi.pipelines, enabled });
}
