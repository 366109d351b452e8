import { RpcError } from './rpc-error.js';

/**
 * Socket errors and SQLSTATEs that say a server the process depends on is down, restarting or
 * unreachable: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, and class 08
 * (connection exception), which are matched apart.
 */
const OUTAGE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
]);
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;

/** What node-postgres, its pool and ioredis say, without a code, when the connection is gone or cannot be had. */
const OUTAGE_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Reached the max retries per request limit)/;

/**
 * TypeORM releases a query runner whose connection failed; the transaction's next query, or its
 * COMMIT, then fails with one of these instead of the connection's own error.
 */
const RELEASED_CONNECTION_ERRORS: ReadonlySet<string> = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/** How many wrappers (TypeORM's driverError, an Error's cause, an AggregateError's errors) are looked through. */
const MAX_DEPTH = 4;

/**
 * Whether an error means a dependency (PostgreSQL, Redis) is unavailable rather than that the
 * request or the code is wrong: such a failure is a 503 the client may retry, not a 500.
 */
export function isDependencyOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { name, code, message, driverError, cause, errors } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (OUTAGE_CODES.has(code) || CONNECTION_EXCEPTION.test(code))) return true;
  if (typeof name === 'string' && RELEASED_CONNECTION_ERRORS.has(name)) return true;
  if (typeof message === 'string' && OUTAGE_MESSAGES.test(message)) return true;
  const wrapped = [driverError, cause, ...(Array.isArray(errors) ? errors : [])];
  return wrapped.some((inner) => isDependencyOutage(inner, depth + 1));
}

/** What a client gets when a dependency is out: 503, to retry after a few seconds. */
export function dependencyUnavailable(): RpcError {
  return RpcError.unavailable('A server this request needs is unavailable right now. Try again shortly.');
}
