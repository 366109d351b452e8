import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { InputOf } from '@kinship/contracts';
import { type CreateViewBody, type ListViewsQuery, type UpdateView } from '@kinship/contracts/crm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, holds, type CrmCaller } from '../common/crm-caller.js';
import { checkListFilter, type StoredListFilter } from '../common/list-filter.js';
import { parseSort } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { ObjectCatalog } from '../objects/object-catalog.js';
import { BUILT_IN_LISTS, checkObjectFilter, CUSTOM_FIELD_COLUMN, objectList, type ViewedList } from './viewed-lists.js';
import { ViewsRepository, type StoredView, type View, type ViewFields } from './views.repository.js';

const OBJECT_PREFIX = 'object:';

function notFound(): RpcError {
  return RpcError.notFound('View');
}

/** A user's own caller: views belong to a user, so an API key (no user) has none. */
interface ViewOwner {
  workspaceId: string;
  userId: string;
}

function owner(caller: CrmCaller): ViewOwner {
  assertHolds(caller, 'views:manage');
  if (!caller.userId) throw RpcError.forbidden('Views belong to a user; an API key has none.');
  return { workspaceId: caller.workspaceId, userId: caller.userId };
}

/** A view as the caller sees it: whether it opens first is the caller's own choice (`defaults`: the ids of their defaults). */
function seenBy(defaults: ReadonlySet<string>, view: StoredView): View {
  return { ...view, isDefault: defaults.has(view.id) };
}

/** A change or deletion of a view: the owner's, or a shared one of another user's for views:manage-shared (403 otherwise). */
function assertMayChange(caller: CrmCaller, viewer: ViewOwner, view: StoredView): void {
  if (view.userId !== viewer.userId && !holds(caller, 'views:manage-shared')) {
    throw RpcError.forbidden('Only its owner, or a manager, may change a view shared with the workspace.');
  }
}

/**
 * Saved list views: a user's named choice of the columns, filters and sort of one list (contacts,
 * companies, deals, tasks, tickets, a custom object's records). Each is checked against the list as it is
 * now: columns among the record's fields and live custom fields, filters by the list's own query
 * class, sort among its sortable fields. At most one default per user and list. A view shared with
 * the workspace is listed to everyone, read only but to its owner and views:manage-shared.
 */
@Injectable()
export class ViewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly views: ViewsRepository,
    private readonly customFields: CustomFieldValidator,
    private readonly catalog: ObjectCatalog,
  ) {}

  async create(caller: CrmCaller, input: CreateViewBody): Promise<View> {
    const { workspaceId, userId } = owner(caller);
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const list = await this.viewedList(manager, caller, input.entity);
      const fields = await this.checked(manager, workspaceId, list, {
        name: input.name.trim(),
        columns: input.columns,
        filters: input.filters ?? {},
        sort: input.sort ?? null,
        shared: input.shared ?? false,
      });
      await this.views.lockList(manager, workspaceId, userId, input.entity);
      await this.assertNameFree(manager, { workspaceId, userId }, input.entity, fields.name, null);
      const view = await this.views.insert(manager, { id: newId(), workspaceId, userId, entity: input.entity, ...fields });
      if (input.isDefault) await this.views.setDefault(manager, workspaceId, userId, view.entity, view.id);
      return { ...view, isDefault: input.isDefault ?? false };
    });
  }

  async list(caller: CrmCaller, query: ListViewsQuery): Promise<{ data: View[]; nextCursor: string | null }> {
    const viewer = owner(caller);
    const { page, defaults } = await withWorkspace(this.dataSource, viewer.workspaceId, async (manager) => ({
      page: await this.views.list(manager, viewer.workspaceId, viewer.userId, toListRequest(query)),
      defaults: await this.views.defaultIds(manager, viewer.workspaceId, viewer.userId),
    }));
    return { data: page.rows.map((view) => seenBy(defaults, view)), nextCursor: page.nextCursor };
  }

  async get(caller: CrmCaller, id: string): Promise<View> {
    const viewer = owner(caller);
    return withWorkspace(this.dataSource, viewer.workspaceId, async (manager) =>
      seenBy(await this.views.defaultIds(manager, viewer.workspaceId, viewer.userId), await this.find(manager, viewer, id)),
    );
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateView>): Promise<View> {
    const viewer = owner(caller);
    const { workspaceId } = viewer;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      let view = await this.find(manager, viewer, input.id);
      // Whether a view opens first is the caller's own choice, on a colleague's shared view too: no right to change the view needed.
      if (input.isDefault !== undefined) {
        if (input.isDefault) await this.views.setDefault(manager, workspaceId, viewer.userId, view.entity, view.id);
        else await this.views.unsetDefault(manager, workspaceId, viewer.userId, view.id);
      }
      const changesView = [input.name, input.columns, input.filters, input.sort, input.shared].some((value) => value !== undefined);
      if (changesView) view = await this.change(manager, caller, viewer, view, input);
      return seenBy(await this.views.defaultIds(manager, workspaceId, viewer.userId), view);
    });
  }

  /** The view's own fields: its owner's, or a manager's (views:manage-shared) on a shared one. */
  private async change(manager: EntityManager, caller: CrmCaller, viewer: ViewOwner, view: StoredView, input: InputOf<typeof UpdateView>): Promise<StoredView> {
    const { workspaceId } = viewer;
    assertMayChange(caller, viewer, view);
    const viewOwner = { workspaceId, userId: view.userId };
    const { userId } = viewOwner;
    const list = await this.viewedList(manager, caller, view.entity);
    // A change is checked against the list as it is now, so a view whose custom field was since deleted must drop that column to be saved.
    const fields = await this.checked(manager, workspaceId, list, {
      name: input.name?.trim() ?? view.name,
      columns: input.columns ?? view.columns,
      filters: input.filters ?? view.filters,
      sort: input.sort === undefined ? view.sort : input.sort,
      shared: input.shared ?? view.shared,
    });
    await this.views.lockList(manager, workspaceId, userId, view.entity);
    await this.assertNameFree(manager, viewOwner, view.entity, fields.name, view.id);
    if (!fields.shared) await this.views.unsetOthersDefaults(manager, workspaceId, userId, view.id);
    return this.views.update(manager, workspaceId, userId, view.id, fields);
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    const viewer = owner(caller);
    await withWorkspace(this.dataSource, viewer.workspaceId, async (manager) => {
      const view = await this.find(manager, viewer, id);
      assertMayChange(caller, viewer, view);
      if (!(await this.views.delete(manager, viewer.workspaceId, view.userId, view.id))) throw notFound();
    });
  }

  /** The list a view's entity names, when the caller may read it; an unknown custom object is a 422 naming entity. */
  private async viewedList(manager: EntityManager, caller: CrmCaller, entity: string): Promise<ViewedList> {
    if (!entity.startsWith(OBJECT_PREFIX)) {
      const list = Object.hasOwn(BUILT_IN_LISTS, entity) ? BUILT_IN_LISTS[entity as keyof typeof BUILT_IN_LISTS] : undefined;
      if (!list) throw RpcError.validation([{ field: 'entity', issue: 'must be contacts, companies, deals, tasks, tickets or object:<key>' }]);
      assertHolds(caller, list.readPermission);
      return list;
    }
    assertHolds(caller, 'records:read');
    const object = (await this.catalog.objects(manager, caller.workspaceId)).get(entity.slice(OBJECT_PREFIX.length));
    if (!object) throw RpcError.validation([{ field: 'entity', issue: 'is not a live custom object of this workspace' }]);
    object.assertAccess(caller, 'read');
    return objectList(object);
  }

  /** The fields to store, every problem with the columns, filters and sort a 422 naming it. */
  private async checked(manager: EntityManager, workspaceId: string, list: ViewedList, fields: ViewFields): Promise<ViewFields> {
    const problems: ErrorDetail[] = await this.columnProblems(manager, workspaceId, list, fields.columns);
    if (fields.sort !== null) {
      try {
        parseSort(list.list, fields.sort);
      } catch (error) {
        // The list answers a bad ?sort= with 400; in a body it is a 422 like every other field.
        if (!(error instanceof RpcError) || error.status !== 400) throw error;
        problems.push(...error.details);
      }
    }
    let filters: StoredListFilter = {};
    try {
      filters = await checkListFilter(manager, this.customFields, workspaceId, list, fields.filters, { name: 'filters' });
      if (list.object) await checkObjectFilter(manager, workspaceId, list.object, filters, 'filters');
    } catch (error) {
      if (!(error instanceof RpcError) || error.status !== 422) throw error;
      problems.push(...error.details);
    }
    if (problems.length) throw RpcError.validation(problems);
    return { ...fields, filters };
  }

  private async columnProblems(manager: EntityManager, workspaceId: string, list: ViewedList, columns: string[]): Promise<ErrorDetail[]> {
    const customKeys = columns.filter((column) => column.startsWith(CUSTOM_FIELD_COLUMN)).map((column) => column.slice(CUSTOM_FIELD_COLUMN.length));
    const liveKeys =
      list.customFieldEntity && customKeys.length ? await this.views.liveCustomFieldKeys(manager, workspaceId, list.customFieldEntity, customKeys) : new Set();
    return columns.flatMap((column, index) => {
      const known = column.startsWith(CUSTOM_FIELD_COLUMN) ? liveKeys.has(column.slice(CUSTOM_FIELD_COLUMN.length)) : list.columns.has(column);
      return known ? [] : [{ field: `columns.${index}`, issue: `is not a field of the list: ${column}` }];
    });
  }

  private async assertNameFree(manager: EntityManager, viewOwner: ViewOwner, entity: string, name: string, ownId: string | null): Promise<void> {
    const existingId = await this.views.idByName(manager, viewOwner.workspaceId, viewOwner.userId, entity, name);
    if (existingId && existingId !== ownId) {
      throw RpcError.conflict('You have a view of this list with that name already.', [{ field: 'name', issue: 'is taken', existingId }]);
    }
  }

  /** The caller's own view or one shared with the workspace; 404 otherwise. */
  private async find(manager: EntityManager, viewer: ViewOwner, id: string): Promise<StoredView> {
    const view = isUuid(id) ? await this.views.find(manager, viewer.workspaceId, viewer.userId, id) : null;
    if (!view) throw notFound();
    return view;
  }
}
