import { mayAccessObject, OBJECT_ACCESS_ROLES, type ObjectAccess } from '@kinship/contracts';
import type { RelatedRecord } from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import type { CrmCaller } from './crm-caller.js';
import type { SqlConditions } from './list-query.js';

/**
 * Notes and tasks about a custom object's record follow that object's access: what a role or an API
 * key may not read of the object (CompiledObject.assertAccess), it may not read of the notes and
 * tasks about its records either, through /notes and /tasks as through the record's own routes.
 */

/** Roles an object cannot narrow (owners, admins) read every object; so does an API key holding plain records:read. */
function readsEveryObject(caller: CrmCaller): boolean {
  return caller.role ? !(OBJECT_ACCESS_ROLES as readonly string[]).includes(caller.role) : caller.scopes.includes('records:read');
}

/** The ids of the workspace's live object types whose records the caller may not read. */
export async function unreadableObjectIds(manager: EntityManager, caller: CrmCaller): Promise<string[]> {
  if (readsEveryObject(caller)) return [];
  const objects: Array<{ id: string; key: string; access: ObjectAccess }> = await manager.query(
    `SELECT id, key, access FROM crm.object_definitions WHERE workspace_id = $1 AND deleted_at IS NULL`,
    [caller.workspaceId],
  );
  return objects.filter((object) => !mayAccessObject(caller, object, 'read')).map((object) => object.id);
}

/** Leaves out of a list (alias r, with related_type and related_id) the rows about records of these object types. */
export function withoutRecordsOf(objectIds: string[], where: SqlConditions): SqlConditions {
  if (objectIds.length) {
    where.add(
      `NOT (r.related_type = 'record' AND EXISTS (SELECT 1 FROM crm.object_records o
         WHERE o.workspace_id = r.workspace_id AND o.id = r.related_id AND o.object_id = ANY(${where.param(objectIds)}::uuid[])))`,
    );
  }
  return where;
}

/** The object type of each custom object record among `recordIds`: its key, role access and whether it is deleted. */
export async function objectTypesOfRecords(
  manager: EntityManager,
  workspaceId: string,
  recordIds: string[],
): Promise<Array<{ key: string; access: ObjectAccess; deleted: boolean }>> {
  return manager.query(
    `SELECT d.key, d.access, d.deleted_at IS NOT NULL AS deleted FROM crm.object_records r
       JOIN crm.object_definitions d ON d.workspace_id = r.workspace_id AND d.id = r.object_id
      WHERE r.workspace_id = $1 AND r.id = ANY($2::uuid[])`,
    [workspaceId, recordIds],
  );
}

/** 403 when `related` is a record of an object type the caller may not read. */
export async function assertMayReadRelated(manager: EntityManager, caller: CrmCaller, related: RelatedRecord | null): Promise<void> {
  if (related?.type !== 'record' || readsEveryObject(caller)) return;
  const [object] = await objectTypesOfRecords(manager, caller.workspaceId, [related.id]);
  if (object && !mayAccessObject(caller, object, 'read')) {
    throw RpcError.forbidden(`This is about a record of ${object.key}, whose records the caller may not read.`);
  }
}
