import { RpcError } from './rpc-error.js';
import type { RequestContext } from '@kinship/observability';
import { isUuid } from '@kinship/persistence';

/** A request made by a signed-in user (not an API key) in their workspace. */
export interface UserCaller {
  workspaceId: string;
  userId: string;
}

function unauthenticated(): RpcError {
  return new RpcError(401, 'unauthenticated', 'Sign in to do this.');
}

/**
 * The workspace an authenticated request acts in, whether made by a user or an API key. The
 * gateway has authenticated the caller; a request without a workspace never got through it.
 */
export function callerWorkspace(context: RequestContext): string {
  if (!isUuid(context.workspaceId)) throw unauthenticated();
  return context.workspaceId;
}

/** The signed-in user behind a request; an API key (no user) may not do what needs a person. */
export function userCaller(context: RequestContext): UserCaller {
  const workspaceId = callerWorkspace(context);
  if (!isUuid(context.userId)) throw RpcError.forbidden('Only a signed-in user can do this, not an API key.');
  return { workspaceId, userId: context.userId };
}
