import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';

export const productsKey = ['products'] as const;

/** The workspace's live products, active or not: the catalogue's page, and invoice lines picked from it. */
export function useProducts() {
  return useQuery({ queryKey: productsKey, queryFn: () => unwrap(api.GET('/api/v1/products', { params: { query: { limit: 100 } } })) });
}

/** The workspace's deleted products, which can be restored. */
export function useDeletedProducts(enabled: boolean) {
  return useQuery({
    queryKey: [...productsKey, 'deleted'],
    queryFn: () => unwrap(api.GET('/api/v1/products', { params: { query: { limit: 100, deleted: 'true' } } })),
    enabled,
  });
}
