import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import type { CreateCustomFieldBody, CustomFieldType, ListCustomFieldsQuery, UpdateCustomField } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { toListRequest } from '../common/list-request.js';
import { CustomFieldsRepository, type CustomField } from './custom-fields.repository.js';

export interface CustomFieldPage {
  data: CustomField[];
  nextCursor: string | null;
}

function notFound(): RpcError {
  return RpcError.notFound('Custom field');
}

function keyTaken(existingId: string | undefined): RpcError {
  return RpcError.conflict('A custom field with this key already exists for this entity.', [
    { field: 'key', issue: 'is already used', ...(existingId ? { existingId } : {}) },
  ]);
}

/** Select fields need their options; the other types have none. */
function checkOptions(type: CustomFieldType, options: string[] | undefined): string[] {
  if (type === 'select') {
    if (!options?.length) throw RpcError.validation([{ field: 'options', issue: 'must list at least one option for a select field' }]);
    return options;
  }
  if (options?.length) throw RpcError.validation([{ field: 'options', issue: `must be absent for a ${type} field` }]);
  return [];
}

/**
 * Custom field definitions per entity (contact, company, deal). Values live in the records'
 * custom_fields and are checked against the live definitions on every write
 * (CustomFieldValidator). Removing an option or deleting a definition leaves stored values as
 * they are: records keep showing them, a write that sets the key again is checked against what
 * the definition now says (or refused when it is deleted), and null always clears a value.
 */
@Injectable()
export class CustomFieldsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly fields: CustomFieldsRepository,
  ) {}

  async create(caller: CrmCaller, input: CreateCustomFieldBody): Promise<CustomField> {
    assertHolds(caller, 'custom-fields:write');
    const options = checkOptions(input.type, input.options);
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const field = { id: newId(), workspaceId, entity: input.entity, key: input.key, label: input.label.trim(), type: input.type, options };
      return this.fields.insert(manager, field).catch(async (error: unknown) => {
        if (!violatesUnique(error, 'custom_field_definitions_key')) throw error;
        throw keyTaken(await this.liveHolderId(workspaceId, input.entity, input.key));
      });
    });
  }

  async get(caller: CrmCaller, id: string): Promise<CustomField> {
    assertHolds(caller, 'custom-fields:read');
    if (!isUuid(id)) throw notFound();
    const field = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.fields.find(manager, caller.workspaceId, id));
    if (!field) throw notFound();
    return field;
  }

  async list(caller: CrmCaller, query: ListCustomFieldsQuery): Promise<CustomFieldPage> {
    assertHolds(caller, 'custom-fields:read');
    const page = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.fields.list(manager, caller.workspaceId, toListRequest(query)));
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateCustomField>): Promise<CustomField> {
    assertHolds(caller, 'custom-fields:write');
    return this.events.transaction(caller.workspaceId, async (manager) => {
      const field = await this.findLive(manager, caller.workspaceId, input.id);
      const options = input.options === undefined ? undefined : checkOptions(field.type, input.options);
      return this.fields.update(manager, caller.workspaceId, field.id, { label: input.label?.trim(), options });
    });
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    assertHolds(caller, 'custom-fields:write');
    await this.events.transaction(caller.workspaceId, async (manager) => {
      const field = await this.findLive(manager, caller.workspaceId, id);
      await this.fields.setDeleted(manager, caller.workspaceId, field.id, true);
    });
  }

  /** A restore while another live definition holds the key is a 409 naming it. */
  async restore(caller: CrmCaller, id: string): Promise<CustomField> {
    assertHolds(caller, 'custom-fields:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const field = isUuid(id) ? await this.fields.find(manager, workspaceId, id, true) : null;
      if (!field) throw notFound();
      if (!field.deletedAt) return field;
      return this.fields.setDeleted(manager, workspaceId, field.id, false).catch(async (error: unknown) => {
        if (!violatesUnique(error, 'custom_field_definitions_key')) throw error;
        throw keyTaken(await this.liveHolderId(workspaceId, field.entity, field.key));
      });
    });
  }

  private async findLive(manager: EntityManager, workspaceId: string, id: string): Promise<CustomField> {
    const field = isUuid(id) ? await this.fields.find(manager, workspaceId, id, true) : null;
    if (!field || field.deletedAt) throw notFound();
    return field;
  }

  /** Read after the failed transaction, in one of its own. */
  private async liveHolderId(workspaceId: string, entity: CustomField['entity'], key: string): Promise<string | undefined> {
    const holder = await withWorkspace(this.dataSource, workspaceId, (manager) => this.fields.findLiveByKey(manager, workspaceId, entity, key));
    return holder?.id;
  }
}
