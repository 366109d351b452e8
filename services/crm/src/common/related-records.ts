import { RpcError } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';

import type { RelatedRecord, RelatedType } from '@kinship/contracts/crm';

const TABLES: Record<RelatedType, string> = { contact: 'crm.contacts', company: 'crm.companies', deal: 'crm.deals' };

/** The table holding records of a related type, e.g. crm.contacts. */
export function relatedTable(type: RelatedType): string {
  return TABLES[type];
}

/**
 * A task or note may only point at a live record of the caller's workspace: an unknown id, a
 * deleted record or another workspace's record (invisible under row-level security) is a 422
 * naming `field` (default `related.id`), since it is the request's content that is wrong.
 */
export async function assertRelatedExists(manager: EntityManager, workspaceId: string, related: RelatedRecord, field = 'related.id'): Promise<void> {
  const rows: unknown[] = isUuid(related.id)
    ? await manager.query(`SELECT 1 FROM ${TABLES[related.type]} WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`, [workspaceId, related.id])
    : [];
  if (rows.length === 0) {
    throw RpcError.validation([{ field, issue: `is not a ${related.type} of this workspace` }]);
  }
}
