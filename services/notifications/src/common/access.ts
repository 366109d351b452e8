import { isRole, roleHolds, type Permission } from '@kinship/contracts';
import { RpcError, userCaller, type UserCaller } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';

/**
 * The signed-in user behind a request, holding the permission by the role the gateway vouched
 * for. The gateway checks the same matrix; checking again here keeps a request from another
 * path (or a gateway bug) from reaching an admin use case.
 */
export function callerWith(context: RequestContext, permission: Permission): UserCaller {
  const caller = userCaller(context);
  if (!isRole(context.role) || !roleHolds(context.role, permission)) throw RpcError.forbidden();
  return caller;
}
