import { createHash, randomBytes } from 'node:crypto';
import { RpcError } from '@kinship/messaging';
import { parse as uuidToBytes, stringify as bytesToUuid } from 'uuid';

/** krt refresh, kpr password reset, kev email verification, kiv invitation, kak API key. */
export type TokenKind = 'krt' | 'kpr' | 'kev' | 'kiv' | 'kak';

/** `<kind>_<base64url of the workspace's 16 bytes>_<base64url of 32 random bytes>`: fixed lengths, since base64url has "_" too. */
const TOKEN_FORMAT = /^([a-z]{3})_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  /** Given to its holder once and never stored. */
  token: string;
  /** What is stored: SHA-256 of the whole token, hex. */
  hash: string;
}

export interface PresentedToken {
  /** The workspace the token names, so that its lookup can run under row-level security. */
  workspaceId: string;
  hash: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A secret that carries its workspace. 32 random bytes make guessing hopeless, so SHA-256 is
 * enough to store it (a slow hash is for what people choose).
 */
export function issueToken(kind: TokenKind, workspaceId: string): IssuedToken {
  const workspace = Buffer.from(uuidToBytes(workspaceId)).toString('base64url');
  const token = `${kind}_${workspace}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

/** Reads a presented token of the expected kind; null for anything else, which callers refuse alike. */
export function readToken(kind: TokenKind, token: string): PresentedToken | null {
  const match = TOKEN_FORMAT.exec(token);
  if (!match || match[1] !== kind) return null;
  const workspaceBytes = Buffer.from(match[2]!, 'base64url');
  if (workspaceBytes.length !== 16 || workspaceBytes.toString('base64url') !== match[2]) return null;
  return { workspaceId: bytesToUuid(workspaceBytes), hash: hashToken(token) };
}

/** Malformed, of the wrong kind, unknown, used or expired: the holder learns no more than that. */
export function invalidTokenError(): RpcError {
  return new RpcError(400, 'invalid_token', 'The link or token is invalid or has expired.', [{ field: 'token', issue: 'is invalid or has expired' }]);
}
