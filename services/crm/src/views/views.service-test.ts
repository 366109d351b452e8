import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CreateViewBody } from '@kinship/contracts/crm';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import type { CrmCaller } from '../common/crm-caller.js';
import { crmService } from '../crm.service.js';
import { CustomFieldsService } from '../custom-fields/custom-fields.service.js';
import { ObjectsService } from '../objects/objects.service.js';
import { ViewsService } from './views.service.js';

function caller(workspaceId: string = randomUUID(), role: CrmCaller['role'] = 'owner'): CrmCaller {
  return { workspaceId, userId: randomUUID(), role, scopes: [] };
}

function contactsView(overrides: Partial<CreateViewBody> = {}): CreateViewBody {
  return { name: 'My leads', entity: 'contacts', columns: ['lastName', 'email', 'lifecycleStage'], ...overrides };
}

describe('saved list views (service tier): columns, filters, sort and one default per user and list', () => {
  let crm: ServiceTest;
  let views: ViewsService;

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    views = crm.get(ViewsService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  async function names(viewer: CrmCaller, entity?: string): Promise<string[]> {
    return (await views.list(viewer, { entity })).data.map((view) => view.name);
  }

  it('saves a view of contacts with a custom field column, the list’s filters and a sort, and keeps it to its user', async () => {
    const owner = caller();
    await crm.get(CustomFieldsService).create(owner, { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    const view = await views.create(
      owner,
      contactsView({
        columns: ['customFields.tier', 'lastName', 'email'],
        filters: { lifecycleStage: ['lead', 'customer'], tags: ['vip'], emailOptOut: false, customFields: { tier: 'gold' }, q: 'ada' },
        sort: '-createdAt',
      }),
    );
    expect(view).toEqual({
      id: expect.any(String),
      name: 'My leads',
      entity: 'contacts',
      columns: ['customFields.tier', 'lastName', 'email'],
      filters: { lifecycleStage: ['lead', 'customer'], tags: ['vip'], emailOptOut: false, customFields: { tier: 'gold' }, q: 'ada' },
      sort: '-createdAt',
      isDefault: false,
      shared: false,
      userId: owner.userId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await views.get(owner, view.id)).toEqual(view);

    // A colleague in the same workspace, and anyone in another, sees nothing of it.
    const colleague = caller(owner.workspaceId, 'manager');
    for (const other of [colleague, caller()]) {
      expect(await names(other)).toEqual([]);
      expect(await refusal(views.get(other, view.id))).toMatchObject({ status: 404 });
      expect(await refusal(views.update(other, { id: view.id, name: 'Mine now' }))).toMatchObject({ status: 404 });
      expect(await refusal(views.delete(other, view.id))).toMatchObject({ status: 404 });
    }
    // The colleague may use the same name for a view of their own.
    expect((await views.create(colleague, contactsView())).name).toBe('My leads');
    expect(await names(owner)).toEqual(['My leads']);

    await views.delete(owner, view.id);
    expect(await refusal(views.get(owner, view.id))).toMatchObject({ status: 404 });
    expect(await names(owner)).toEqual([]);
  });

  it('keeps custom field contains and bounds in a view of contacts or companies, refusing what a field’s type does not take', async () => {
    const owner = caller();
    const fields = crm.get(CustomFieldsService);
    await fields.create(owner, { entity: 'contact', key: 'notes', label: 'Notes', type: 'text' });
    await fields.create(owner, { entity: 'company', key: 'founded', label: 'Founded', type: 'date' });
    const contacts = await views.create(owner, contactsView({ filters: { customFields: { notes: { contains: ' key ' } } } }));
    expect(contacts.filters).toEqual({ customFields: { notes: { contains: 'key' } } });
    const companies: CreateViewBody = { name: 'Young', entity: 'companies', columns: ['name'] };
    const young = await views.create(owner, { ...companies, filters: { customFields: { founded: { from: '2020-01-01' } } } });
    expect(young.filters).toEqual({ customFields: { founded: { from: '2020-01-01' } } });

    const refused: Array<[CreateViewBody, string]> = [
      [contactsView({ name: 'Bad', filters: { customFields: { notes: { from: 1 } } } }), 'filters.customFields.notes'],
      [{ ...companies, name: 'Bad', filters: { customFields: { founded: { from: '2021-02-29' } } } }, 'filters.customFields.founded'],
      [{ ...companies, name: 'Bad', filters: { customFields: { founded: { contains: '2021' } } } }, 'filters.customFields.founded'],
    ];
    for (const [view, field] of refused) {
      expect(await refusal(views.create(owner, view))).toMatchObject({ status: 422, details: [{ field }] });
    }
    expect(await names(owner)).toEqual(['My leads', 'Young']);
  });

  it('refuses unknown columns, filters the list refuses, a sort it cannot do and a taken name, storing nothing', async () => {
    const owner = caller();
    const kept = await views.create(owner, contactsView({ name: 'Kept' }));

    expect(await refusal(views.create(owner, contactsView({ columns: ['lastName', 'shoeSize', 'customFields.tier'] })))).toMatchObject({
      status: 422,
      details: [{ field: 'columns.1' }, { field: 'columns.2' }],
    });
    expect(await refusal(views.create(owner, contactsView({ filters: { lifecycleStage: ['boss'] } })))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.lifecycleStage' }],
    });
    const paging = await refusal(views.create(owner, contactsView({ filters: { limit: 5, colour: 'red' } })));
    expect(paging.details.map((detail) => detail.field).sort()).toEqual(['filters.colour', 'filters.limit']);
    expect(await refusal(views.create(owner, contactsView({ filters: { customFields: { tier: 'gold' } } })))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.customFields.tier' }],
    });
    expect(await refusal(views.create(owner, contactsView({ sort: '-email' })))).toMatchObject({ status: 422, details: [{ field: 'sort' }] });
    expect(await refusal(views.create(owner, contactsView({ name: ' kept ' })))).toMatchObject({
      status: 409,
      details: [{ field: 'name', existingId: kept.id }],
    });
    expect(await refusal(views.create(owner, contactsView({ entity: 'object:nothing' })))).toMatchObject({ status: 422, details: [{ field: 'entity' }] });

    const other = await views.create(owner, contactsView({ name: 'Other' }));
    expect(await refusal(views.update(owner, { id: other.id, name: 'KEPT' }))).toMatchObject({ status: 409, details: [{ existingId: kept.id }] });
    expect(await refusal(views.update(owner, { id: other.id, columns: ['nope'] }))).toMatchObject({ status: 422, details: [{ field: 'columns.0' }] });
    expect(await views.get(owner, other.id)).toEqual(other);
    expect(await names(owner)).toEqual(['Kept', 'Other']);
    const first = await views.list(owner, { limit: 1, sort: '-createdAt' });
    expect(first.data.map((view) => view.name)).toEqual(['Other']);
    expect((await views.list(owner, { limit: 1, sort: '-createdAt', cursor: first.nextCursor! })).data.map((view) => view.name)).toEqual(['Kept']);
    expect((await views.list(owner, { q: 'ep' })).data.map((view) => view.name)).toEqual(['Kept']);
    expect((await views.list(owner, { deleted: true })).data).toEqual([]);
  });

  it('keeps at most one default per user and list, and changes each field given', async () => {
    const owner = caller();
    const first = await views.create(owner, contactsView({ name: 'First', isDefault: true }));
    const tasks = await views.create(owner, { name: 'Mine', entity: 'tasks', columns: ['title', 'dueAt'], filters: { status: ['open'] }, isDefault: true });
    const second = await views.create(owner, contactsView({ name: 'Second', isDefault: true }));
    const defaults = async () => (await views.list(owner, {})).data.filter((view) => view.isDefault).map((view) => view.name);
    expect(await defaults()).toEqual(['Mine', 'Second']);

    const changed = await views.update(owner, {
      id: first.id,
      isDefault: true,
      name: 'Renamed',
      columns: ['email'],
      sort: 'lastName',
      filters: { tags: ['a'] },
    });
    expect(changed).toMatchObject({ name: 'Renamed', columns: ['email'], sort: 'lastName', filters: { tags: ['a'] }, isDefault: true });
    expect(await defaults()).toEqual(['Mine', 'Renamed']);
    expect((await views.update(owner, { id: first.id, sort: null, isDefault: false })).sort).toBeNull();
    expect(await defaults()).toEqual(['Mine']);
    expect(await views.get(owner, second.id)).toMatchObject({ isDefault: false });
    expect(await views.get(owner, tasks.id)).toMatchObject({ isDefault: true, filters: { status: ['open'] } });
    expect(await names(owner, 'tasks')).toEqual(['Mine']);

    // Tasks have no custom fields, and their columns are a task's fields.
    expect(await refusal(views.create(owner, { name: 'T', entity: 'tasks', columns: ['title'], filters: { customFields: { a: 1 } } }))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.customFields' }],
    });
    expect(await refusal(views.create(owner, { name: 'T', entity: 'tasks', columns: ['lastName'] }))).toMatchObject({
      status: 422,
      details: [{ field: 'columns.0' }],
    });
  });

  it('saves a view of a custom object’s records over its declared fields, its filter checked as the list checks it', async () => {
    const owner = caller();
    await crm.get(ObjectsService).create(owner, {
      key: 'property',
      singularLabel: 'Property',
      pluralLabel: 'Properties',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true, searchable: true },
        { key: 'bedrooms', label: 'Bedrooms', type: 'number' },
      ],
    });
    const view = await views.create(owner, {
      name: 'Big houses',
      entity: 'object:property',
      columns: ['name', 'bedrooms', 'createdAt'],
      filters: { filter: '{"bedroomsFrom":3}' },
      sort: '-bedrooms',
    });
    expect(view).toMatchObject({ entity: 'object:property', columns: ['name', 'bedrooms', 'createdAt'], filters: { filter: '{"bedroomsFrom":3}' } });

    const base = { name: 'Bad', entity: 'object:property', columns: ['name'] };
    expect(await refusal(views.create(owner, { ...base, columns: ['name', 'lastName'] }))).toMatchObject({ status: 422, details: [{ field: 'columns.1' }] });
    expect(await refusal(views.create(owner, { ...base, filters: { filter: '{"garden":true}' } }))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.filter.garden' }],
    });
    expect(await refusal(views.create(owner, { ...base, filters: { filter: 'not json' } }))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.filter' }],
    });
    expect(await names(owner, 'object:property')).toEqual(['Big houses']);
  });

  it('saves a view of the tickets list over a ticket’s fields, its filters checked as GET /tickets checks them', async () => {
    const agent = caller();
    const view = await views.create(agent, {
      name: 'Urgent breaches',
      entity: 'tickets',
      columns: ['number', 'subject', 'priority', 'breached'],
      filters: { status: ['new', 'open'], priority: ['urgent'], breached: true, assigneeId: 'me' },
      sort: '-priority',
    });
    expect(view).toMatchObject({ entity: 'tickets', filters: { status: ['new', 'open'], priority: ['urgent'], breached: true, assigneeId: 'me' } });

    const base = { name: 'Bad', entity: 'tickets', columns: ['subject'] };
    expect(await refusal(views.create(agent, { ...base, columns: ['subject', 'lastName'] }))).toMatchObject({ status: 422, details: [{ field: 'columns.1' }] });
    expect(await refusal(views.create(agent, { ...base, filters: { status: ['closed', 'lost'] } }))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.status' }],
    });
    expect(await refusal(views.create(agent, { ...base, filters: { customFields: { tier: 'gold' } } }))).toMatchObject({
      status: 422,
      details: [{ field: 'filters.customFields' }],
    });
    expect(await refusal(views.create(agent, { ...base, sort: 'subject' }))).toMatchObject({ status: 422, details: [{ field: 'sort' }] });
    expect(await names(agent, 'tickets')).toEqual(['Urgent breaches']);
  });

  it('lets every role keep views of its own, and no API key (a view belongs to a user)', async () => {
    const workspaceId = randomUUID();
    for (const role of ['viewer', 'member'] as const) {
      const user = caller(workspaceId, role);
      expect((await views.create(user, contactsView())).name).toBe('My leads');
    }
    const apiKey: CrmCaller = { workspaceId, userId: null, role: null, scopes: ['contacts:read', 'views:manage'] };
    expect(await refusal(views.list(apiKey, {}))).toMatchObject({ status: 403 });
    expect(await refusal(views.create(apiKey, contactsView()))).toMatchObject({ status: 403 });
  });
});
