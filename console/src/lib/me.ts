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

/** The timezone the user chose in their preferences (GET /me/settings), else the browser's. */
export function useTimeZone(): string {
  const settings = useQuery({ queryKey: ['me', 'settings'], queryFn: () => unwrap(api.GET('/api/v1/me/settings')), enabled: hasSession(), staleTime: 60_000 });
  return settings.data?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}
