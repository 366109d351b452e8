import { isPermission, isRole, permissionOf, roleHolds, type AnyOperation, type Role } from '@kinship/contracts';
import { callerWorkspace, RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { isUuid } from '@kinship/persistence';

/** Who acts on billing records: a user with a role, or an API key (scopes only). */
export interface BillingCaller {
  workspaceId: string;
  userId: string | null;
  /** The whole request context, passed on when billing asks another service. */
  context: RequestContext;
}

/**
 * The caller of a request, refused unless it holds the operation's permission. The gateway checked
 * it already; the service checks again because NATS is reachable without the gateway.
 */
export function billingCaller(context: RequestContext, operation: AnyOperation): BillingCaller {
  const permission = permissionOf(operation);
  const workspaceId = callerWorkspace(context);
  const userId = isUuid(context.userId) ? context.userId : null;
  const role: Role | null = userId && isRole(context.role) ? context.role : null;
  const holds = role ? roleHolds(role, permission) : context.scopes.filter(isPermission).includes(permission);
  if (!holds) throw RpcError.forbidden(`This needs the permission ${permission}.`);
  return { workspaceId, userId, context };
}
