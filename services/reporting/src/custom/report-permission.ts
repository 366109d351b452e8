import type { Permission } from '@kinship/contracts';
import { roleHolds } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { ReportCaller } from '../reports/report-caller.js';

/** The gateway checks the permission too; the service does not rely on its caller for its rules. */
export function assertHolds(caller: ReportCaller, permission: Permission): void {
  const holds = caller.role ? roleHolds(caller.role, permission) : caller.scopes.includes(permission);
  if (!holds) throw RpcError.forbidden(`This needs the permission ${permission}.`);
}

/** A 422 of a nested part, its details named from the whole body (query.measures.0.field). */
export function nestedValidation<T>(prefix: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RpcError && error.status === 422) {
      throw RpcError.validation(error.details.map((detail) => ({ ...detail, field: `${prefix}.${detail.field}` })));
    }
    throw error;
  }
}
