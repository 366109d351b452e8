/** Every API route lives under this prefix (API.md). */
export const API_PREFIX = 'api/v1';

/** Served at the root, outside the API prefix, where probes and scrapers look for them (decision 0003). */
export const OPERATIONS_PATHS = ['health', 'health/live', 'health/ready', 'metrics'];

/** Outside the API prefix: the operations paths, and the public keys at the well-known URI (RFC 8615). */
export const ROOT_PATHS = [...OPERATIONS_PATHS, '.well-known/jwks.json'];

/** The path a client calls for a route Nest knows as `path` (without leading slash). */
export function servedPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return ROOT_PATHS.includes(trimmed) ? `/${trimmed}` : `/${API_PREFIX}/${trimmed}`.replace(/\/$/, '');
}
