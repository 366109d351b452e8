/**
 * Redis keys the auth service writes when sessions end before their access tokens expire, and
 * the gateway reads to refuse those tokens (docs/architecture.md, Sessions and tokens). Under
 * NATS_NAMESPACE, like every key of an installation, so that environments sharing a Redis do not
 * revoke each other's sessions.
 */

/** Set while a logged-out or reused session's access tokens could still be unexpired. */
export function revokedSessionKey(namespace: string, sessionId: string): string {
  return `${namespace}kinship:auth:revoked-session:${sessionId}`;
}

/** A Unix time in seconds: the user's access tokens issued at or before it are refused. */
export function userTokensValidAfterKey(namespace: string, userId: string): string {
  return `${namespace}kinship:auth:user-tokens-valid-after:${userId}`;
}
