import { useQuery } from '@tanstack/react-query';
import type { components } from '../api/schema';
import { api } from './api';
import { unwrap } from './api-error';
import { hasSession } from './session';

export type Me = components['schemas']['MeResponse'];
export type Permission = Me['permissions'][number];

/** The signed-in user and what their role may do (GET /me), cached for the whole app. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: () => unwrap(api.GET('/api/v1/me')),
    enabled: hasSession(),
    staleTime: 60_000,
    retry: false,
  });
}

/** Whether the signed-in user may do this; false while unknown, so nothing forbidden flashes. */
export function useCan(permission: Permission): boolean {
  return useMe().data?.permissions.includes(permission) ?? false;
}
