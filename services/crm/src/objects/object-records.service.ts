import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents, InputOf } from '@kinship/contracts';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { CreateObjectRecord, ListObjectRecords, UpdateObjectRecord } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { SqlConditions } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { ObjectCatalog } from './object-catalog.js';
import type { CompiledObject, RecordValues, RelationValue } from './object-schema.js';
import { ObjectsRepository, type ObjectRecord } from './objects.repository.js';

export interface ObjectRecordPage {
  data: ObjectRecord[];
  nextCursor: string | null;
}

const BUILT_IN_TABLES: Record<string, string> = { contacts: 'crm.contacts', companies: 'crm.companies', deals: 'crm.deals' };

function recordNotFound(): RpcError {
  return RpcError.notFound('Record');
}

function eventRecord(record: ObjectRecord): CrmEvents.ObjectRecord {
  return { id: record.id, object: record.object, values: record.values, createdBy: record.createdBy ?? undefined };
}

/** The `filter` query parameter of a record list: a JSON object of field conditions (400 naming filter otherwise). */
export function parseFilter(text: string | undefined): RecordValues {
  if (text === undefined) return {};
  let filter: unknown;
  try {
    filter = JSON.parse(text);
  } catch {
    filter = undefined;
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new RpcError(400, 'invalid_parameter', 'The filter is not valid.', [{ field: 'filter', issue: 'must be a JSON object' }]);
  }
  return filter as RecordValues;
}

/**
 * Records of the workspace's custom objects, checked against the object's compiled definition
 * (ObjectCatalog): values by declared type, required fields, and relations to live records of
 * their target in the caller's workspace (another workspace's ids are invisible under row-level
 * security, so they are refused like unknown ones: 422 naming values.<key>).
 */
@Injectable()
export class ObjectRecordsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly catalog: ObjectCatalog,
    private readonly records: ObjectsRepository,
  ) {}

  async create(caller: CrmCaller, input: InputOf<typeof CreateObjectRecord>): Promise<ObjectRecord> {
    assertHolds(caller, 'records:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const object = await this.object(manager, caller, input.object, 'write');
      const checked = object.check({}, input.values, true, await defaultPhoneRegion(manager, workspaceId));
      await this.assertRelationsExist(manager, workspaceId, checked.relations);
      const record = await this.records.insertRecord(
        manager,
        { id: newId(), workspaceId, objectId: object.id, values: checked.values, searchText: checked.searchText, createdBy: caller.userId },
        object.key,
      );
      await this.records.addTimelineEntry(manager, workspaceId, record.id, 'record_created', caller.userId, { object: object.key });
      await emit<CrmEvents.RecordCreated>({
        type: 'record.created',
        workspaceId,
        actorId: caller.userId,
        aggregateId: record.id,
        data: { record: eventRecord(record) },
      });
      return record;
    });
  }

  async get(caller: CrmCaller, key: string, id: string, needed: 'read' | 'write' = 'read'): Promise<ObjectRecord> {
    assertHolds(caller, 'records:read');
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const object = await this.object(manager, caller, key, needed);
      const record = isUuid(id) ? await this.records.findRecord(manager, workspaceId, object.id, object.key, id) : null;
      if (!record) throw recordNotFound();
      return record;
    });
  }

  /** The record of the object when it is live; 404 otherwise (what notes, tasks and files are written on; a file attached needs write access). */
  async getLive(caller: CrmCaller, key: string, id: string, needed: 'read' | 'write' = 'read'): Promise<ObjectRecord> {
    const record = await this.get(caller, key, id, needed);
    if (record.deletedAt) throw recordNotFound();
    return record;
  }

  async list(caller: CrmCaller, input: InputOf<typeof ListObjectRecords>): Promise<ObjectRecordPage> {
    assertHolds(caller, 'records:read');
    const { workspaceId } = caller;
    const { object: key, filter, ...query } = input;
    const values = parseFilter(filter);
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const object = await this.object(manager, caller, key, 'read');
      const where = new SqlConditions();
      if (Object.keys(values).length > 0) object.addFilter(values, where, await defaultPhoneRegion(manager, workspaceId));
      const page = await this.records.listRecords(manager, workspaceId, object.id, object.key, object.list, toListRequest(query), where);
      return { data: page.rows, nextCursor: page.nextCursor };
    });
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateObjectRecord>): Promise<ObjectRecord> {
    assertHolds(caller, 'records:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const object = await this.object(manager, caller, input.object, 'write');
      const before = await this.liveRecord(manager, workspaceId, object, input.id);
      const checked = object.check(before.values, input.values ?? {}, false, await defaultPhoneRegion(manager, workspaceId));
      if (checked.changedFields.length === 0) return before;
      const changedRelations = checked.relations.filter((relation) => checked.changedFields.includes(relation.field.slice('values.'.length)));
      await this.assertRelationsExist(manager, workspaceId, changedRelations);
      const record = await this.records.updateRecord(manager, workspaceId, object.key, before.id, checked.values, checked.searchText);
      await this.records.addTimelineEntry(manager, workspaceId, record.id, 'record_updated', caller.userId, {
        object: object.key,
        changedFields: checked.changedFields,
      });
      await emit<CrmEvents.RecordUpdated>({
        type: 'record.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: record.id,
        data: { record: eventRecord(record), changedFields: checked.changedFields },
      });
      return record;
    });
  }

  async delete(caller: CrmCaller, key: string, id: string): Promise<void> {
    assertHolds(caller, 'records:write');
    await this.events.transaction(caller.workspaceId, (manager, emit) => this.deleteInTransaction(manager, emit, caller, key, id));
  }

  /** delete() inside the caller's transaction (a bulk change's): the object's access checked, then the record. */
  async deleteInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, key: string, id: string): Promise<void> {
    const { workspaceId } = caller;
    const object = await this.object(manager, caller, key, 'write');
    const record = await this.liveRecord(manager, workspaceId, object, id);
    await this.records.setRecordDeleted(manager, workspaceId, object.key, record.id, true);
    await emit<CrmEvents.RecordDeleted>({
      type: 'record.deleted',
      workspaceId,
      actorId: caller.userId,
      aggregateId: record.id,
      data: { recordId: record.id, object: object.key },
    });
  }

  /** The object's records may be written by the caller: records:write, a live object (404) and its access (403). */
  async assertMayWrite(caller: CrmCaller, key: string): Promise<void> {
    assertHolds(caller, 'records:write');
    await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.object(manager, caller, key, 'write'));
  }

  /** Restoring a live record returns it unchanged. */
  async restore(caller: CrmCaller, key: string, id: string): Promise<ObjectRecord> {
    assertHolds(caller, 'records:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const object = await this.object(manager, caller, key, 'write');
      const record = isUuid(id) ? await this.records.findRecord(manager, workspaceId, object.id, object.key, id, true) : null;
      if (!record) throw recordNotFound();
      if (!record.deletedAt) return record;
      const restored = await this.records.setRecordDeleted(manager, workspaceId, object.key, record.id, false);
      await emit<CrmEvents.RecordRestored>({
        type: 'record.restored',
        workspaceId,
        actorId: caller.userId,
        aggregateId: record.id,
        data: { record: eventRecord(restored) },
      });
      return restored;
    });
  }

  /** The live object type of the key, compiled (404 otherwise), when the caller has the access needed to its records (403 otherwise). */
  private async object(manager: EntityManager, caller: CrmCaller, key: string, needed: 'read' | 'write'): Promise<CompiledObject> {
    const object = (await this.catalog.objects(manager, caller.workspaceId)).get(key);
    if (!object) throw RpcError.notFound('Object');
    object.assertAccess(caller, needed);
    return object;
  }

  private async liveRecord(manager: EntityManager, workspaceId: string, object: CompiledObject, id: string): Promise<ObjectRecord> {
    const record = isUuid(id) ? await this.records.findRecord(manager, workspaceId, object.id, object.key, id, true) : null;
    if (!record || record.deletedAt) throw recordNotFound();
    return record;
  }

  /** Every relation names a live record of its target in the workspace; 422 naming each that does not. */
  private async assertRelationsExist(manager: EntityManager, workspaceId: string, relations: RelationValue[]): Promise<void> {
    if (relations.length === 0) return;
    const objects = await this.catalog.objects(manager, workspaceId);
    const problems: ErrorDetail[] = [];
    for (const relation of relations) {
      const table = BUILT_IN_TABLES[relation.target];
      let found: boolean;
      if (table) {
        const rows: unknown[] = await manager.query(`SELECT 1 FROM ${table} WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`, [
          workspaceId,
          relation.id,
        ]);
        found = rows.length > 0;
      } else {
        const target = objects.get(relation.target);
        found = target ? (await this.records.liveRecordIds(manager, workspaceId, target.id, [relation.id])).has(relation.id) : false;
      }
      if (!found) problems.push({ field: relation.field, issue: `is not a live ${relation.target} record of this workspace` });
    }
    if (problems.length) throw RpcError.validation(problems);
  }
}
