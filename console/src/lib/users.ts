import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import { unwrap } from './api-error';

/** The workspace's users (GET /users, up to 500): one cache entry for every screen that lists or picks them. */
export function useWorkspaceUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 500 } } })) });
}
