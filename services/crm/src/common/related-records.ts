import { RpcError } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';

import type { RelatedRecord, RelatedType } from '@kinship/contracts/crm';

/** A custom object's record counts as there only while its object is live (a deleted object's records are unreachable). */
export const OBJECT_RECORDS_OF_LIVE_OBJECTS = `(SELECT r.id, r.workspace_id, r.deleted_at FROM crm.object_records r
  JOIN crm.object_definitions d ON d.workspace_id = r.workspace_id AND d.id = r.object_id AND d.deleted_at IS NULL) live_records`;

const TABLES: Record<RelatedType, string> = {
  contact: 'crm.contacts',
  company: 'crm.companies',
  deal: 'crm.deals',
  record: OBJECT_RECORDS_OF_LIVE_OBJECTS,
};

/** The table (or, for custom object records, the rows) holding records of a related type, e.g. crm.contacts. */
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
    throw RpcError.validation([{ field, issue: `is not a ${related.type === 'record' ? 'custom object record' : related.type} of this workspace` }]);
  }
}
