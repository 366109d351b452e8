import type { Permission } from '@kinship/contracts';
import { roleHolds } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { ReportCaller } from '../reports/report-caller.js';

/** The gateway checks the permission too; the service does not rely on its caller for its rules. */
export function assertHolds(caller: ReportCaller, permission: Permission): void {
  const holds = caller.role ? roleHolds(caller.role, permission) : caller.scopes.includes(permission);
  if (!holds) throw RpcError.forbidden(`This needs the permission ${permission}.`);
}

/** A 422 of a nested part with its details named from the whole body (query.measures.0.field); any other error as it is. */
export function nestedError(prefix: string, error: unknown): unknown {
  if (error instanceof RpcError && error.status === 422) {
    return RpcError.validation(error.details.map((detail) => ({ ...detail, field: `${prefix}.${detail.field}` })));
  }
  return error;
}
