// The signed-in session: the access token in memory, the refresh token (rotated on every use) in
// localStorage so a reload stays signed in. Listeners learn when the session ends.

const REFRESH_KEY = 'kinship.refreshToken';

let accessToken: string | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function getRefreshToken(): string | null {
  return localStorage.getItem(REFRESH_KEY);
}

export function startSession(tokens: { accessToken: string; refreshToken: string }): void {
  accessToken = tokens.accessToken;
  localStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  listeners.forEach((listener) => listener(true));
}

export function endSession(): void {
  accessToken = null;
  localStorage.removeItem(REFRESH_KEY);
  listeners.forEach((listener) => listener(false));
}

export function hasSession(): boolean {
  return accessToken !== null || getRefreshToken() !== null;
}

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
