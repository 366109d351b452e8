import type { components } from '../../api/schema';

export type OidcProvider = components['schemas']['OidcProviderResponse'];

/** What the sign-in page keeps for the callback: which provider, the state and nonce it sent, and where to go after. */
export interface PendingOidcSignIn {
  provider: string;
  state: string;
  nonce: string;
  next: string;
}

const PENDING_KEY = 'kinship.oidc';
export const CALLBACK_PATH = '/oauth/callback';

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** The provider's authorization request of the implicit flow: an ID token comes back in the fragment of redirectUri. */
export function authorizationUrl(provider: OidcProvider, redirectUri: string, state: string, nonce: string): string {
  const url = new URL(provider.authorizationUrl);
  url.search = new URLSearchParams({
    client_id: provider.clientId,
    response_type: 'id_token',
    scope: 'openid email profile',
    redirect_uri: redirectUri,
    state,
    nonce,
  }).toString();
  return url.toString();
}

/** Sends the browser to the provider, remembering (for this tab only) what the callback must find again. */
export function startOidcSignIn(provider: OidcProvider, next: string): void {
  const pending: PendingOidcSignIn = { provider: provider.name, state: randomToken(), nonce: randomToken(), next };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(authorizationUrl(provider, `${window.location.origin}${CALLBACK_PATH}`, pending.state, pending.nonce));
}

/** The sign-in this tab started, once: a reloaded or replayed callback finds nothing. */
export function takePendingOidcSignIn(): PendingOidcSignIn | null {
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  return stored ? (JSON.parse(stored) as PendingOidcSignIn) : null;
}

function nonceOf(idToken: string): unknown {
  try {
    const payload = idToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return (JSON.parse(atob(payload)) as { nonce?: unknown }).nonce;
  } catch {
    return undefined;
  }
}

export type OidcCallback = { idToken: string } | { problem: 'refused' | 'unexpected'; detail?: string };

/**
 * Reads the provider's answer (the callback URL's fragment). Only an ID token answering the request
 * this tab made is taken: the same state, and the nonce sent inside the signed token, so a token
 * obtained elsewhere cannot be slipped into this page. The server checks the signature, issuer,
 * audience and expiry.
 */
export function readOidcCallback(fragment: string, pending: PendingOidcSignIn | null): OidcCallback {
  const answer = new URLSearchParams(fragment.replace(/^#/, ''));
  const error = answer.get('error');
  if (error) return { problem: 'refused', detail: answer.get('error_description') ?? error };
  const idToken = answer.get('id_token');
  if (!pending || !idToken || answer.get('state') !== pending.state || nonceOf(idToken) !== pending.nonce) return { problem: 'unexpected' };
  return { idToken };
}
