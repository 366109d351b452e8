import type { operations } from '../../api/schema';
import { amountBound, amountBoundText } from '../../lib/money';

export type DealQuery = NonNullable<operations['crm.deals.list']['parameters']['query']>;
export type DealFilterQuery = Omit<DealQuery, 'cursor' | 'limit' | 'sort' | 'q' | 'deleted'>;
export type DealStatus = NonNullable<DealQuery['status']>[number];

export const DEAL_STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];

/** The deals table's filters as the inputs hold them (amounts as amountBound reads them). */
export interface DealFilterState {
  pipelineId: string[];
  stageId: string[];
  ownerId: string[];
  status: DealStatus[];
  amountFrom: string;
  amountTo: string;
  expectedCloseDateFrom: string;
  expectedCloseDateTo: string;
}

export const NO_DEAL_FILTERS: DealFilterState = {
  pipelineId: [],
  stageId: [],
  ownerId: [],
  status: [],
  amountFrom: '',
  amountTo: '',
  expectedCloseDateFrom: '',
  expectedCloseDateTo: '',
};

/** The filters as GET /deals takes them: empty ones left out, an amount that is not one too (its input says so). */
export function dealQuery(state: DealFilterState): DealFilterQuery {
  const list = <T>(values: T[]) => (values.length ? values : undefined);
  return {
    pipelineId: list(state.pipelineId),
    stageId: list(state.stageId),
    ownerId: list(state.ownerId),
    status: list(state.status),
    amountFrom: amountBound(state.amountFrom) ?? undefined,
    amountTo: amountBound(state.amountTo) ?? undefined,
    expectedCloseDateFrom: state.expectedCloseDateFrom || undefined,
    expectedCloseDateTo: state.expectedCloseDateTo || undefined,
  };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
/** A saved view's filters (GET /deals parameters) back into the inputs. */
export function dealFilterState(filters: Record<string, unknown>): DealFilterState {
  return {
    pipelineId: strings(filters.pipelineId),
    stageId: strings(filters.stageId),
    ownerId: strings(filters.ownerId),
    status: strings(filters.status).filter((status): status is DealStatus => (DEAL_STATUSES as readonly string[]).includes(status)),
    amountFrom: amountBoundText(filters.amountFrom),
    amountTo: amountBoundText(filters.amountTo),
    expectedCloseDateFrom: typeof filters.expectedCloseDateFrom === 'string' ? filters.expectedCloseDateFrom : '',
    expectedCloseDateTo: typeof filters.expectedCloseDateTo === 'string' ? filters.expectedCloseDateTo : '',
  };
}
