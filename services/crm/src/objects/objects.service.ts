import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import {
  defaultObjectAccess,
  OBJECT_ACCESS_LEVELS,
  OBJECT_ACCESS_ROLES,
  OBJECT_SCOPE_PERMISSIONS,
  readObjectScope,
  type InputOf,
  type ObjectAccess,
  type ObjectAccessLevel,
  type ObjectAccessRole,
} from '@kinship/contracts';
import {
  BUILT_IN_RELATION_TARGETS,
  OBJECT_FIELDS_MAX,
  OBJECTS_MAX,
  RESERVED_OBJECT_KEYS,
  type AddObjectField,
  type CreateObjectBody,
  type ListObjectsQuery,
  type ObjectFieldBody,
  type RemoveObjectField,
  type UpdateObject,
  type UpdateObjectField,
} from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { toListRequest } from '../common/list-request.js';
import type { ObjectFieldDefinition } from './object-schema.js';
import { ObjectsRepository, type ObjectType, type ObjectVisibility } from './objects.repository.js';

export interface ObjectTypePage {
  data: ObjectType[];
  nextCursor: string | null;
}

const SEARCHABLE_TYPES: ReadonlySet<string> = new Set(['text', 'email', 'phone', 'url', 'select']);
const CHOICE_TYPES: ReadonlySet<string> = new Set(['select', 'multi_select']);

function notFound(): RpcError {
  return RpcError.notFound('Object');
}

/**
 * Which object types the caller sees: those it may read or write records of. Owners and admins, and
 * API keys managing object types, see every one. A role an object type may narrow reads every
 * object by default (records:read), so a type is hidden from it exactly when it narrows the role to
 * none. An API key sees every type with records:read or records:write, else those its object scopes name.
 */
function visibilityOf(caller: CrmCaller): ObjectVisibility {
  if (caller.role) {
    const role = OBJECT_ACCESS_ROLES.find((narrowable) => narrowable === caller.role);
    return role ? { hiddenTo: role } : 'all';
  }
  if (['objects:manage', ...OBJECT_SCOPE_PERMISSIONS].some((scope) => caller.scopes.includes(scope))) return 'all';
  return { only: caller.scopes.flatMap((scope) => readObjectScope(scope)?.object ?? []) };
}

function isVisible(visibility: ObjectVisibility, object: ObjectType): boolean {
  if (visibility === 'all') return true;
  return 'hiddenTo' in visibility ? object.access[visibility.hiddenTo] !== 'none' : visibility.only.includes(object.key);
}

function keyTaken(existingId: string | undefined, deleted: boolean): RpcError {
  const issue = deleted ? 'is held by a deleted object type (restore it instead)' : 'is already used';
  return RpcError.conflict('An object type with this key already exists.', [{ field: 'key', issue, ...(existingId ? { existingId } : {}) }]);
}

/**
 * The settings of a field checked against its type and the workspace's objects; problems name
 * `<prefix>.<setting>`. A relation's target is contacts, companies, deals or a live object key
 * (the object being defined included, for a relation to its own kind).
 */
function fieldProblems(field: ObjectFieldDefinition, prefix: string, objectKeys: ReadonlySet<string>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const name = (setting: string) => (prefix ? `${prefix}.${setting}` : setting);
  if (CHOICE_TYPES.has(field.type) && field.options.length === 0) {
    problems.push({ field: name('options'), issue: `must list at least one option for a ${field.type} field` });
  }
  if (!CHOICE_TYPES.has(field.type) && field.options.length > 0) problems.push({ field: name('options'), issue: `must be absent for a ${field.type} field` });
  if (field.type === 'relation') {
    const builtIn = (BUILT_IN_RELATION_TARGETS as readonly string[]).includes(field.target ?? '');
    if (!field.target || (!builtIn && !objectKeys.has(field.target))) {
      problems.push({ field: name('target'), issue: `must be ${BUILT_IN_RELATION_TARGETS.join(', ')} or the key of an object type of this workspace` });
    }
  } else if (field.target !== null) {
    problems.push({ field: name('target'), issue: `must be absent for a ${field.type} field` });
  }
  if (field.searchable && !SEARCHABLE_TYPES.has(field.type)) {
    problems.push({ field: name('searchable'), issue: `applies to text, email, phone, url and select fields, not ${field.type}` });
  }
  return problems;
}

function toDefinition(body: ObjectFieldBody): ObjectFieldDefinition {
  return {
    key: body.key,
    label: body.label.trim(),
    type: body.type,
    required: body.required ?? false,
    searchable: body.searchable ?? false,
    options: body.options ?? [],
    target: body.target ?? null,
  };
}

/**
 * The access an object type declares, checked: a level may narrow a role's records:* but never
 * widen it (the gateway checks records:* before crm sees the request), else a 422 naming access.<role>.
 */
function checkedAccess(access: ObjectAccess | undefined): ObjectAccess {
  const problems: ErrorDetail[] = [];
  for (const [role, level] of Object.entries(access ?? {}) as Array<[ObjectAccessRole, ObjectAccessLevel | undefined]>) {
    if (level === undefined) continue;
    const ceiling = defaultObjectAccess(role);
    if (OBJECT_ACCESS_LEVELS.indexOf(level) > OBJECT_ACCESS_LEVELS.indexOf(ceiling)) {
      problems.push({
        field: `access.${role}`,
        issue: `may narrow the ${role} role's access (at most ${ceiling}: what records:read and records:write give it), not widen it`,
      });
    }
  }
  if (problems.length) throw RpcError.validation(problems);
  return Object.fromEntries(Object.entries(access ?? {}).filter(([, level]) => level !== undefined)) as ObjectAccess;
}

function searchableKeys(fields: ObjectFieldDefinition[]): string[] {
  return fields.filter((field) => field.searchable).map((field) => field.key);
}

/**
 * Custom object types and their fields. Every change bumps the workspace's definition version in
 * its transaction (ObjectsRepository.bumpVersion), which is what the catalog of every crm replica
 * compares with its compiled copy. Keys never change and are never reused: a deleted object type
 * keeps its key (restore brings it back with its records), and a field's key, type and target
 * stay as defined, so stored values never change meaning.
 */
@Injectable()
export class ObjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly objects: ObjectsRepository,
  ) {}

  async create(caller: CrmCaller, input: CreateObjectBody): Promise<ObjectType> {
    assertHolds(caller, 'objects:manage');
    if (RESERVED_OBJECT_KEYS.has(input.key)) throw RpcError.validation([{ field: 'key', issue: `is a built-in resource (${input.key})` }]);
    const access = checkedAccess(input.access);
    const fields = (input.fields ?? []).map(toDefinition);
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      await this.objects.bumpVersion(manager, workspaceId);
      const existing = await this.objects.findByKey(manager, workspaceId, input.key);
      if (existing) throw keyTaken(existing.id, existing.deletedAt !== null);
      if ((await this.objects.countLive(manager, workspaceId)) >= OBJECTS_MAX) {
        throw RpcError.validation([{ field: 'key', issue: `this workspace already has ${OBJECTS_MAX} object types, the most it may have` }]);
      }
      const keys = await this.liveKeys(manager, workspaceId);
      keys.add(input.key);
      const seen = new Set<string>();
      const problems = fields.flatMap((field, index) => {
        const duplicate = seen.has(field.key) ? [{ field: `fields.${index}.key`, issue: 'repeats the key of another field' }] : [];
        seen.add(field.key);
        return [...duplicate, ...fieldProblems(field, `fields.${index}`, keys)];
      });
      if (problems.length) throw RpcError.validation(problems);
      const object = {
        id: newId(),
        workspaceId,
        key: input.key,
        singularLabel: input.singularLabel.trim(),
        pluralLabel: input.pluralLabel.trim(),
        icon: input.icon ?? null,
        fields,
        access,
      };
      return this.objects.insert(manager, object).catch((error: unknown) => {
        if (violatesUnique(error, 'object_definitions_key')) throw keyTaken(undefined, false);
        throw error;
      });
    });
  }

  async get(caller: CrmCaller, key: string): Promise<ObjectType> {
    assertHolds(caller, 'objects:read');
    const object = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.objects.findByKey(manager, caller.workspaceId, key));
    if (!object || !isVisible(visibilityOf(caller), object)) throw notFound();
    return object;
  }

  /** The object types the caller may use (visibilityOf); the others are left out, as if absent. */
  async list(caller: CrmCaller, query: ListObjectsQuery): Promise<ObjectTypePage> {
    assertHolds(caller, 'objects:read');
    const page = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.objects.list(manager, caller.workspaceId, toListRequest(query), visibilityOf(caller)),
    );
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateObject>): Promise<ObjectType> {
    assertHolds(caller, 'objects:manage');
    const access = input.access ? checkedAccess(input.access) : undefined;
    return this.change(caller.workspaceId, input.object, (manager, object) =>
      this.objects.update(manager, caller.workspaceId, object.id, {
        singularLabel: input.singularLabel?.trim(),
        pluralLabel: input.pluralLabel?.trim(),
        icon: input.icon,
        access,
      }),
    );
  }

  async delete(caller: CrmCaller, key: string): Promise<void> {
    assertHolds(caller, 'objects:manage');
    await this.change(caller.workspaceId, key, (manager, object) => this.objects.setDeleted(manager, caller.workspaceId, object.id, true));
  }

  /** Restoring a live object type returns it unchanged; the limit of live types applies. */
  async restore(caller: CrmCaller, key: string): Promise<ObjectType> {
    assertHolds(caller, 'objects:manage');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      await this.objects.bumpVersion(manager, workspaceId);
      const object = await this.objects.findByKey(manager, workspaceId, key, true);
      if (!object) throw notFound();
      if (!object.deletedAt) return object;
      if ((await this.objects.countLive(manager, workspaceId)) >= OBJECTS_MAX) {
        throw RpcError.validation([{ field: 'key', issue: `this workspace already has ${OBJECTS_MAX} object types, the most it may have` }]);
      }
      return this.objects.setDeleted(manager, workspaceId, object.id, false);
    });
  }

  async addField(caller: CrmCaller, input: InputOf<typeof AddObjectField>): Promise<ObjectType> {
    assertHolds(caller, 'objects:manage');
    const { workspaceId } = caller;
    const field = toDefinition(input);
    return this.change(workspaceId, input.object, async (manager, object) => {
      if (object.fields.some((existing) => existing.key === field.key)) {
        throw RpcError.conflict('The object already has a field with this key.', [{ field: 'key', issue: 'is already used' }]);
      }
      if (object.fields.length >= OBJECT_FIELDS_MAX) {
        throw RpcError.validation([{ field: 'key', issue: `${object.key} already has ${OBJECT_FIELDS_MAX} fields, the most an object may have` }]);
      }
      const problems = fieldProblems(field, '', await this.liveKeys(manager, workspaceId));
      if (problems.length) throw RpcError.validation(problems);
      const fields = [...object.fields, field];
      const updated = await this.objects.update(manager, workspaceId, object.id, { fields });
      if (field.searchable) await this.objects.refreshSearchText(manager, workspaceId, object.id, searchableKeys(fields));
      return updated;
    });
  }

  async updateField(caller: CrmCaller, input: InputOf<typeof UpdateObjectField>): Promise<ObjectType> {
    assertHolds(caller, 'objects:manage');
    const { workspaceId } = caller;
    return this.change(workspaceId, input.object, async (manager, object) => {
      const current = object.fields.find((field) => field.key === input.field);
      if (!current) throw RpcError.notFound('Field');
      const changed: ObjectFieldDefinition = {
        ...current,
        label: input.label?.trim() ?? current.label,
        required: input.required ?? current.required,
        searchable: input.searchable ?? current.searchable,
        options: input.options ?? current.options,
      };
      const problems = fieldProblems(changed, '', await this.liveKeys(manager, workspaceId));
      if (problems.length) throw RpcError.validation(problems);
      const fields = object.fields.map((field) => (field.key === changed.key ? changed : field));
      const updated = await this.objects.update(manager, workspaceId, object.id, { fields });
      if (changed.searchable !== current.searchable) await this.objects.refreshSearchText(manager, workspaceId, object.id, searchableKeys(fields));
      return updated;
    });
  }

  /**
   * Drops the field and its values from every record of the object at once (not hidden): a key
   * removed and added again with another type would otherwise bring back values of the old type.
   */
  async removeField(caller: CrmCaller, input: InputOf<typeof RemoveObjectField>): Promise<void> {
    assertHolds(caller, 'objects:manage');
    const { workspaceId } = caller;
    await this.change(workspaceId, input.object, async (manager, object) => {
      const removed = object.fields.find((field) => field.key === input.field);
      if (!removed) throw RpcError.notFound('Field');
      const fields = object.fields.filter((field) => field.key !== removed.key);
      await this.objects.update(manager, workspaceId, object.id, { fields });
      await this.objects.dropFieldValues(manager, workspaceId, object.id, removed.key);
      if (removed.searchable) await this.objects.refreshSearchText(manager, workspaceId, object.id, searchableKeys(fields));
    });
  }

  /** A change of a live object type, its row locked, the workspace's version bumped first. */
  private async change<T>(workspaceId: string, key: string, apply: (manager: EntityManager, object: ObjectType) => Promise<T>): Promise<T> {
    return this.events.transaction(workspaceId, async (manager) => {
      await this.objects.bumpVersion(manager, workspaceId);
      const object = await this.objects.findByKey(manager, workspaceId, key, true);
      if (!object || object.deletedAt) throw notFound();
      return apply(manager, object);
    });
  }

  private async liveKeys(manager: EntityManager, workspaceId: string): Promise<Set<string>> {
    return new Set((await this.objects.allLive(manager, workspaceId)).map((object) => object.key));
  }
}
