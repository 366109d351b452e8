import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';
import { endSession, getAccessToken, getRefreshToken, startSession } from './session';

let refreshing: Promise<boolean> | null = null;

/** Rotates the refresh token once for every request that found its access token expired. */
function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = getRefreshToken();
    if (!refreshToken) return false;
    const response = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!response.ok) {
      // A revoked or reused refresh token ends the session; the app shows sign-in with a message.
      endSession();
      return false;
    }
    startSession((await response.json()) as { accessToken: string; refreshToken: string });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function withToken(request: Request): Request {
  const token = getAccessToken();
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  return request;
}

/** fetch with the session's bearer token; an expired one is refreshed and the request sent again. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  if (!getAccessToken() && getRefreshToken() && !input.url.includes('/auth/')) await refreshSession();
  const response = await fetch(withToken(input));
  if (response.status !== 401 || input.url.includes('/auth/')) return response;
  return (await refreshSession()) ? fetch(withToken(retry)) : response;
}

// Array filters go as the API reads them: `?lifecycleStage=lead,customer`.
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  fetch: authFetch,
  querySerializer: { array: { style: 'form', explode: false } },
});
