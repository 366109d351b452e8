import type { components, operations } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';

export type CompanyFilters = Omit<NonNullable<operations['crm.companies.list']['parameters']['query']>, 'cursor' | 'limit' | 'sort' | 'q'>;
export type CompanySize = NonNullable<components['schemas']['Company']['size']>;

export const COMPANY_SIZES: readonly CompanySize[] = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];

export const companiesApi = {
  bulk: (body: components['schemas']['BulkCompaniesBody']) => unwrap(api.POST('/api/v1/companies/bulk', { body })),
};
