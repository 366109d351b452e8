import { isApiKeyScope, isRole, onlyOwnRecords, roleHolds, type Permission, type Role } from '@kinship/contracts';
import { callerWorkspace, RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { isUuid } from '@kinship/persistence';

/** Who asks for a report: a user with a role, or an API key (no user, scopes only). */
export interface ReportCaller {
  workspaceId: string;
  userId: string | null;
  role: Role | null;
  /** An API key's: permissions, and object scopes (`records:read:<object>`) that crm checks for reports over records. */
  scopes: string[];
}

export function reportCaller(context: RequestContext): ReportCaller {
  const workspaceId = callerWorkspace(context);
  const userId = isUuid(context.userId) ? context.userId : null;
  const role = userId && isRole(context.role) ? context.role : null;
  return { workspaceId, userId, role, scopes: context.scopes.filter(isApiKeyScope) };
}

/**
 * The owner the report is confined to: members see only their own records (the matrix's
 * ownRecordsOnly), so asking for another owner's is refused rather than silently narrowed.
 * The gateway checks the permission too; the service does not rely on its caller for its rules.
 */
export function scopedOwner(caller: ReportCaller, requestedOwnerId: string | undefined): string | null {
  const permission: Permission = 'reports:read';
  const holds = caller.role ? roleHolds(caller.role, permission) : caller.scopes.includes(permission);
  if (!holds) throw RpcError.forbidden(`This needs the permission ${permission}.`);
  if (caller.role && onlyOwnRecords(caller.role, permission)) {
    if (requestedOwnerId !== undefined && requestedOwnerId !== caller.userId) {
      throw RpcError.forbidden('Members may report only on the records they own.');
    }
    return caller.userId;
  }
  return requestedOwnerId ?? null;
}
