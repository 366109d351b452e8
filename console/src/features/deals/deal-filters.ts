import type { operations } from '../../api/schema';
import { parseScaled } from '../../lib/money';

export type DealQuery = NonNullable<operations['crm.deals.list']['parameters']['query']>;
export type DealFilterQuery = Omit<DealQuery, 'cursor' | 'limit' | 'sort' | 'q' | 'deleted'>;
export type DealStatus = NonNullable<DealQuery['status']>[number];

export const DEAL_STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];

/**
 * The deals table's filters as the inputs hold them. Amounts are typed in major units with two
 * decimals: the API compares minor units whatever the deal's currency.
 */
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

const AMOUNT_DECIMALS = 2;

/** An amount as typed ("1250.50") in minor units; undefined when empty, null when it is not an amount. */
export function amountFilter(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  const minor = parseScaled(text, AMOUNT_DECIMALS);
  return minor === null || minor < 0n || minor > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(minor);
}

/** The filters as GET /deals takes them: empty ones left out, an amount that is not one too (its input says so). */
export function dealQuery(state: DealFilterState): DealFilterQuery {
  const list = <T>(values: T[]) => (values.length ? values : undefined);
  return {
    pipelineId: list(state.pipelineId),
    stageId: list(state.stageId),
    ownerId: list(state.ownerId),
    status: list(state.status),
    amountFrom: amountFilter(state.amountFrom) ?? undefined,
    amountTo: amountFilter(state.amountTo) ?? undefined,
    expectedCloseDateFrom: state.expectedCloseDateFrom || undefined,
    expectedCloseDateTo: state.expectedCloseDateTo || undefined,
  };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const minorToText = (value: unknown): string => {
  if (typeof value !== 'number') return '';
  const text = String(value).padStart(AMOUNT_DECIMALS + 1, '0');
  return `${text.slice(0, -AMOUNT_DECIMALS)}.${text.slice(-AMOUNT_DECIMALS)}`;
};

/** A saved view's filters (GET /deals parameters) back into the inputs. */
export function dealFilterState(filters: Record<string, unknown>): DealFilterState {
  return {
    pipelineId: strings(filters.pipelineId),
    stageId: strings(filters.stageId),
    ownerId: strings(filters.ownerId),
    status: strings(filters.status).filter((status): status is DealStatus => (DEAL_STATUSES as readonly string[]).includes(status)),
    amountFrom: minorToText(filters.amountFrom),
    amountTo: minorToText(filters.amountTo),
    expectedCloseDateFrom: typeof filters.expectedCloseDateFrom === 'string' ? filters.expectedCloseDateFrom : '',
    expectedCloseDateTo: typeof filters.expectedCloseDateTo === 'string' ? filters.expectedCloseDateTo : '',
  };
}
