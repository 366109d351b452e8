import { AsyncLocalStorage } from 'node:async_hooks';

/** Who asks and on whose behalf; the gateway builds it and passes it with every request. */
export interface RequestContext {
  workspaceId: string | null;
  userId: string | null;
  role: string | null;
  scopes: string[];
  requestId: string;
  traceparent?: string;
  /** The client's address and User-Agent as the gateway saw them, for the audit log and throttling. */
  ip?: string;
  userAgent?: string;
  /** The request's Idempotency-Key header, for operations that record it with their effect. */
  idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
