import { useQuery } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { useCan } from '../../lib/me';

export type ObjectType = components['schemas']['ObjectType'];
export type ObjectRecord = components['schemas']['ObjectRecord'];

/** The workspace's custom object types (at most 100, so one page), for the navigation and the screens. */
export function useObjectTypes() {
  const canRead = useCan('objects:read');
  return useQuery({
    queryKey: ['objects', 'types'],
    queryFn: () => unwrap(api.GET('/api/v1/objects', { params: { query: { limit: 100, sort: 'key' } } })),
    enabled: canRead,
    staleTime: 60_000,
  });
}

export const objectsApi = {
  type: (key: string) => unwrap(api.GET('/api/v1/objects/{object}', { params: { path: { object: key } } })),
  records: (key: string, query: { cursor?: string; sort?: string; q?: string; filter?: string; limit: number }) =>
    unwrap(api.GET('/api/v1/objects/{object}/records', { params: { path: { object: key }, query } })),
  record: (key: string, id: string) => unwrap(api.GET('/api/v1/objects/{object}/records/{id}', { params: { path: { object: key, id } } })),
  create: (key: string, values: Record<string, unknown>) =>
    unwrap(api.POST('/api/v1/objects/{object}/records', { params: { path: { object: key } }, body: { values } })),
  update: (key: string, id: string, values: Record<string, unknown>) =>
    unwrap(api.PATCH('/api/v1/objects/{object}/records/{id}', { params: { path: { object: key, id } }, body: { values } })),
  remove: (key: string, id: string) => unwrap(api.DELETE('/api/v1/objects/{object}/records/{id}', { params: { path: { object: key, id } } })),
  restore: (key: string, id: string) => unwrap(api.POST('/api/v1/objects/{object}/records/{id}/restore', { params: { path: { object: key, id } } })),
  bulk: (key: string, body: components['schemas']['BulkObjectRecordsBody']) =>
    unwrap(api.POST('/api/v1/objects/{object}/records/bulk', { params: { path: { object: key } }, body })),
};
