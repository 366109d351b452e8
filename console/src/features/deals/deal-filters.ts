import type { operations } from '../../api/schema';
import { dayEnd, dayOf, dayStart, listOf, strings, text } from '../../lib/list-filters';
import { amountBound, amountBoundText, currencyDigits } from '../../lib/money';

export type DealQuery = NonNullable<operations['crm.deals.list']['parameters']['query']>;
export type DealFilterQuery = Omit<DealQuery, 'cursor' | 'limit' | 'sort' | 'q' | 'deleted'>;
export type DealStatus = NonNullable<DealQuery['status']>[number];

export const DEAL_STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];

/** The currency the amount bounds are read in until one is picked. */
export const DEFAULT_AMOUNT_CURRENCY = 'USD';

/**
 * The deals table's filters as the inputs hold them: amounts as typed in `amountCurrency`'s own
 * decimals (the API compares minor units; the currency is how they are read, not a condition), days
 * for the dates.
 */
export interface DealFilterState {
  pipelineId: string[];
  stageId: string[];
  ownerId: string[];
  companyId: string[];
  contactId: string;
  status: DealStatus[];
  amountCurrency: string;
  amountFrom: string;
  amountTo: string;
  expectedCloseDateFrom: string;
  expectedCloseDateTo: string;
  createdFrom: string;
  createdTo: string;
}

export const NO_DEAL_FILTERS: DealFilterState = {
  pipelineId: [],
  stageId: [],
  ownerId: [],
  companyId: [],
  contactId: '',
  status: [],
  amountCurrency: DEFAULT_AMOUNT_CURRENCY,
  amountFrom: '',
  amountTo: '',
  expectedCloseDateFrom: '',
  expectedCloseDateTo: '',
  createdFrom: '',
  createdTo: '',
};

/** An amount bound as typed, in minor units of the currency the bounds are read in (see amountBound). */
export const dealAmountBound = (text: string, currency: string) => amountBound(text, currencyDigits(currency));

/** The filters as GET /deals takes them: empty ones left out, an amount that is not one too (its input says so). */
export function dealQuery(state: DealFilterState): DealFilterQuery {
  return {
    pipelineId: listOf(state.pipelineId),
    stageId: listOf(state.stageId),
    ownerId: listOf(state.ownerId),
    companyId: listOf(state.companyId),
    contactId: state.contactId || undefined,
    status: listOf(state.status),
    amountFrom: dealAmountBound(state.amountFrom, state.amountCurrency) ?? undefined,
    amountTo: dealAmountBound(state.amountTo, state.amountCurrency) ?? undefined,
    expectedCloseDateFrom: state.expectedCloseDateFrom || undefined,
    expectedCloseDateTo: state.expectedCloseDateTo || undefined,
    createdAtFrom: dayStart(state.createdFrom),
    createdAtTo: dayEnd(state.createdTo),
  };
}

/** A saved view's filters (GET /deals parameters) back into the inputs, amounts read in `amountCurrency`. */
export function dealFilterState(filters: Record<string, unknown>, amountCurrency = DEFAULT_AMOUNT_CURRENCY): DealFilterState {
  const digits = currencyDigits(amountCurrency);
  return {
    pipelineId: strings(filters.pipelineId),
    stageId: strings(filters.stageId),
    ownerId: strings(filters.ownerId),
    companyId: strings(filters.companyId),
    contactId: text(filters.contactId),
    status: strings(filters.status).filter((status): status is DealStatus => (DEAL_STATUSES as readonly string[]).includes(status)),
    amountCurrency,
    amountFrom: amountBoundText(filters.amountFrom, digits),
    amountTo: amountBoundText(filters.amountTo, digits),
    expectedCloseDateFrom: text(filters.expectedCloseDateFrom),
    expectedCloseDateTo: text(filters.expectedCloseDateTo),
    createdFrom: dayOf(filters.createdAtFrom),
    createdTo: dayOf(filters.createdAtTo),
  };
}
