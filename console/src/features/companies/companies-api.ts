import type { components, operations } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { dayEnd, dayOf, dayStart, listOf, strings, text } from '../../lib/list-filters';

export type CompanyFilters = Omit<NonNullable<operations['crm.companies.list']['parameters']['query']>, 'cursor' | 'limit' | 'sort' | 'q'>;
export type CompanySize = NonNullable<components['schemas']['Company']['size']>;

export const COMPANY_SIZES: readonly CompanySize[] = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];

export const companiesApi = {
  bulk: (body: components['schemas']['BulkCompaniesBody']) => unwrap(api.POST('/api/v1/companies/bulk', { body })),
};

/** The companies list's filters as the inputs hold them (days for the dates). */
export interface CompanyFilterState {
  ownerId: string[];
  industry: string[];
  size: CompanySize[];
  tags: string[];
  domain: string;
  createdFrom: string;
  createdTo: string;
  updatedFrom: string;
  updatedTo: string;
}

export const NO_COMPANY_FILTERS: CompanyFilterState = {
  ownerId: [],
  industry: [],
  size: [],
  tags: [],
  domain: '',
  createdFrom: '',
  createdTo: '',
  updatedFrom: '',
  updatedTo: '',
};

/** The filters as GET /companies takes them, empty ones left out. */
export function companyQuery(state: CompanyFilterState): CompanyFilters {
  return {
    ownerId: listOf(state.ownerId),
    industry: listOf(state.industry),
    size: listOf(state.size),
    tags: listOf(state.tags),
    domain: state.domain.trim() || undefined,
    createdAtFrom: dayStart(state.createdFrom),
    createdAtTo: dayEnd(state.createdTo),
    updatedAtFrom: dayStart(state.updatedFrom),
    updatedAtTo: dayEnd(state.updatedTo),
  };
}

/** A saved view's filters back into the inputs. */
export function companyFilterState(filters: Record<string, unknown>): CompanyFilterState {
  return {
    ownerId: strings(filters.ownerId),
    industry: strings(filters.industry),
    size: strings(filters.size).filter((size): size is CompanySize => (COMPANY_SIZES as readonly string[]).includes(size)),
    tags: strings(filters.tags),
    domain: text(filters.domain),
    createdFrom: dayOf(filters.createdAtFrom),
    createdTo: dayOf(filters.createdAtTo),
    updatedFrom: dayOf(filters.updatedAtFrom),
    updatedTo: dayOf(filters.updatedAtTo),
  };
}
