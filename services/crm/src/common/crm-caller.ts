import { isApiKeyScope, isRole, onlyOwnRecords, roleHolds, scopesGrant, type Permission, type Role } from '@kinship/contracts';
import { callerWorkspace, RpcError } from '@kinship/messaging';
import { randomUUID } from 'node:crypto';
import { currentRequestContext, type RequestContext } from '@kinship/observability';
import { isUuid } from '@kinship/persistence';

/** Who acts on crm records: a user with a role, or an API key (no user, scopes only). */
export interface CrmCaller {
  workspaceId: string;
  userId: string | null;
  role: Role | null;
  /** An API key's: permissions, and object scopes (`records:read:<object>`) limiting records:* to some objects. */
  scopes: string[];
}

export function crmCaller(context: RequestContext): CrmCaller {
  const workspaceId = callerWorkspace(context);
  const userId = isUuid(context.userId) ? context.userId : null;
  const role = userId && isRole(context.role) ? context.role : null;
  return { workspaceId, userId, role, scopes: context.scopes.filter(isApiKeyScope) };
}

/**
 * The context to ask another service with on the caller's behalf, in the caller's workspace: the
 * running request's (its id and trace travel on), or one made from the caller where none runs.
 */
export function askingContext(caller: CrmCaller): RequestContext {
  const context = currentRequestContext() ?? { userId: caller.userId, role: caller.role, scopes: caller.scopes, requestId: randomUUID() };
  return { ...context, workspaceId: caller.workspaceId };
}

function forbidden(permission: Permission): RpcError {
  return RpcError.forbidden(`This needs the permission ${permission}.`);
}

/**
 * Whether the caller holds the permission: a user by their role, an API key by its scopes (records:*
 * for some objects at least; the object's own check, CompiledObject.assertAccess, tells which).
 */
export function holds(caller: CrmCaller, permission: Permission): boolean {
  return caller.role ? roleHolds(caller.role, permission) : scopesGrant(caller.scopes, permission);
}

/**
 * The gateway checks the permission matrix on every route; the service checks again because it
 * must not rely on its caller for its own rules (an internal caller could skip the gateway).
 */
export function assertHolds(caller: CrmCaller, permission: Permission): void {
  if (!holds(caller, permission)) throw forbidden(permission);
}

/**
 * A write to a record owned by `ownerId`: members may write only records they own (the matrix's
 * ownRecordsOnly). Checked against the record as stored and, on a change of owner, as it would be.
 */
export function assertMayWrite(caller: CrmCaller, permission: Permission, ownerId: string | null): void {
  assertHolds(caller, permission);
  if (caller.role && onlyOwnRecords(caller.role, permission) && ownerId !== caller.userId) {
    throw RpcError.forbidden('Members may change only the records they own.');
  }
}
