import { useQuery } from '@tanstack/react-query';
import type { components } from '../api/schema';
import { api } from './api';
import { unwrap } from './api-error';
import { useCan } from './me';

export type CustomField = components['schemas']['CustomField'];

/**
 * The workspace's live custom fields of one entity (Settings defines them; the record page and the
 * filters show them), fetched once `wanted`.
 */
export function useCustomFields(entity: 'contact' | 'company' | 'deal', wanted = true) {
  const canRead = useCan('custom-fields:read');
  return useQuery({
    queryKey: ['custom-fields', entity],
    queryFn: () => unwrap(api.GET('/api/v1/custom-fields', { params: { query: { entity, limit: 500 } } })),
    enabled: canRead && wanted,
    staleTime: 60_000,
  });
}
