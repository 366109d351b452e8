import { describe, expect, it } from 'vitest';
import { authorizationUrl, readOidcCallback, type PendingOidcSignIn } from './oidc';

const provider = { name: 'google', label: 'Google', authorizationUrl: 'https://accounts.example/o/auth?hd=example.com', clientId: 'kinship-web' };
const pending: PendingOidcSignIn = { provider: 'google', state: 'state-1', nonce: 'nonce-1', next: '/deals' };

/** An ID token's shape: the page reads its nonce only; the server checks its signature. */
function idToken(claims: Record<string, unknown>): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`;
}

describe('OpenID Connect sign-in', () => {
  it('asks the provider for an ID token for our client, back to our callback, with the state and nonce', () => {
    const url = new URL(authorizationUrl(provider, 'https://crm.example/oauth/callback', 'state-1', 'nonce-1'));
    expect(url.origin + url.pathname).toBe('https://accounts.example/o/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'kinship-web',
      response_type: 'id_token',
      scope: 'openid email profile',
      redirect_uri: 'https://crm.example/oauth/callback',
      state: 'state-1',
      nonce: 'nonce-1',
    });
  });

  it('takes the ID token that answers this tab’s request', () => {
    const token = idToken({ sub: '1', nonce: 'nonce-1' });
    expect(readOidcCallback(`#id_token=${token}&state=state-1`, pending)).toEqual({ idToken: token });
  });

  it('refuses an answer to another request: wrong state, wrong or missing nonce, nothing pending', () => {
    const token = idToken({ sub: '1', nonce: 'nonce-1' });
    expect(readOidcCallback(`#id_token=${token}&state=state-2`, pending)).toEqual({ problem: 'unexpected' });
    expect(readOidcCallback(`#id_token=${idToken({ sub: '1', nonce: 'other' })}&state=state-1`, pending)).toEqual({ problem: 'unexpected' });
    expect(readOidcCallback(`#id_token=${idToken({ sub: '1' })}&state=state-1`, pending)).toEqual({ problem: 'unexpected' });
    expect(readOidcCallback(`#id_token=not-a-jwt&state=state-1`, pending)).toEqual({ problem: 'unexpected' });
    expect(readOidcCallback(`#id_token=${token}&state=state-1`, null)).toEqual({ problem: 'unexpected' });
  });

  it('says why when the provider refused', () => {
    expect(readOidcCallback('#error=access_denied&error_description=The+user+cancelled&state=state-1', pending)).toEqual({
      problem: 'refused',
      detail: 'The user cancelled',
    });
  });
});
