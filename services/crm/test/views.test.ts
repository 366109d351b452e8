import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, startCrmStack, type Caller, type CrmStack } from './support.js';

describe('saved list views through the API', () => {
  let stack: CrmStack;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-views');
    owner = await stack.signUp('views');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lets a viewer keep views of their own, refuses bad ones in the error envelope and keeps them from everyone else', async () => {
    const viewer = await stack.as(owner, 'viewer');
    const created = await viewer.post('/views', {
      name: 'Leads',
      entity: 'contacts',
      columns: ['lastName', 'email'],
      filters: { lifecycleStage: ['lead'] },
      isDefault: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Leads',
      entity: 'contacts',
      columns: ['lastName', 'email'],
      filters: { lifecycleStage: ['lead'] },
      isDefault: true,
    });

    expectError(await viewer.post('/views', { name: 'LEADS', entity: 'contacts', columns: ['email'] }), 409, 'name');
    expectError(await viewer.post('/views', { name: 'Bad', entity: 'invoices', columns: ['email'] }), 422, 'entity');
    expectError(await viewer.post('/views', { name: 'Bad', entity: 'contacts', columns: [] }), 422, 'columns');
    expectError(await viewer.post('/views', { name: 'Bad', entity: 'contacts', columns: ['email', 'shoeSize'] }), 422, 'columns.1');
    expectError(
      await viewer.post('/views', { name: 'Bad', entity: 'contacts', columns: ['email'], filters: { emailOptOut: 'yes' } }),
      422,
      'filters.emailOptOut',
    );
    expectError(await viewer.post('/views', { name: 'Bad', entity: 'contacts', columns: ['email'], sort: 'phone' }), 422, 'sort');
    expectError(await viewer.patch(`/views/${created.body.id}`, { entity: 'companies' }), 422, 'entity');
    expect((await viewer.get('/views?entity=contacts')).body.data.map((view: { name: string }) => view.name)).toEqual(['Leads']);

    expect((await owner.get('/views')).body.data).toEqual([]);
    expectError(await owner.get(`/views/${created.body.id}`), 404);
    expectError(await owner.delete(`/views/${created.body.id}`), 404);
    const apiKey = await stack.apiKey(owner, ['contacts:read']);
    expectError(await apiKey.get('/views'), 403);

    expect((await viewer.delete(`/views/${created.body.id}`)).status).toBe(204);
    expect((await viewer.get('/views')).body.data).toEqual([]);
  });

  it('shares a view with the workspace: listed to everyone read only, changed only by its owner and managers', async () => {
    const member = await stack.as(owner, 'member');
    const viewer = await stack.as(owner, 'viewer');
    const manager = await stack.as(owner, 'manager');
    const created = await member.post('/views', {
      name: 'Hot deals',
      entity: 'deals',
      columns: ['name', 'amount'],
      filters: { status: ['open'] },
      isDefault: true,
    });
    expect(created.body).toMatchObject({ shared: false, isDefault: true });
    const id = created.body.id as string;
    expectError(await viewer.get(`/views/${id}`), 404);

    expectError(await member.patch(`/views/${id}`, { shared: 'yes' }), 422, 'shared');
    expectError(await member.post('/views', { name: 'Bad', entity: 'deals', columns: ['name'], shared: 1 }), 422, 'shared');
    expect((await member.get(`/views/${id}`)).body).toMatchObject({ shared: false });
    expect((await member.patch(`/views/${id}`, { shared: true })).body).toMatchObject({ shared: true, isDefault: true });

    // Listed to the others beside their own, never as the view that opens first for them.
    const listed = await viewer.get('/views?entity=deals');
    expect(listed.body.data).toEqual([expect.objectContaining({ id, name: 'Hot deals', shared: true, isDefault: false, userId: created.body.userId })]);
    expect((await viewer.get(`/views/${id}`)).body).toMatchObject({ shared: true, isDefault: false });
    expectError(await viewer.patch(`/views/${id}`, { name: 'Mine now' }), 403);
    expectError(await viewer.delete(`/views/${id}`), 403);
    // A copy saved as the viewer's own may take the same name.
    expect((await viewer.post('/views', { name: 'Hot deals', entity: 'deals', columns: ['name'] })).status).toBe(201);

    // The viewer makes it the view their deals open with, without a copy: the view is unchanged and
    // still opens first for its owner; a manager's "not my default" leaves the owner's choice alone.
    const before = (await member.get(`/views/${id}`)).body;
    expect((await viewer.patch(`/views/${id}`, { isDefault: true })).body).toMatchObject({ id, isDefault: true, updatedAt: before.updatedAt });
    const viewerDefaults = (await viewer.get('/views?entity=deals')).body.data.filter((view: { isDefault: boolean }) => view.isDefault);
    expect(viewerDefaults.map((view: { id: string }) => view.id)).toEqual([id]);
    expect((await member.get(`/views/${id}`)).body).toEqual(before);
    expect((await manager.patch(`/views/${id}`, { isDefault: false })).body).toMatchObject({ isDefault: false });

    // A manager changes it and takes it back.
    expect((await manager.patch(`/views/${id}`, { name: 'Hot deals (open)' })).body).toMatchObject({ name: 'Hot deals (open)', isDefault: false });
    expect((await manager.patch(`/views/${id}`, { shared: false })).body).toMatchObject({ shared: false });
    expect((await member.get(`/views/${id}`)).body).toMatchObject({ name: 'Hot deals (open)', shared: false, isDefault: true });
    expectError(await viewer.get(`/views/${id}`), 404);
    expectError(await manager.delete(`/views/${id}`), 404);

    expect((await member.patch(`/views/${id}`, { shared: true })).status).toBe(200);
    // Unshared, it stopped being the viewer's default: shared again, it does not open first for them.
    expect((await viewer.get(`/views/${id}`)).body).toMatchObject({ isDefault: false });
    expect((await manager.delete(`/views/${id}`)).status).toBe(204);
    expectError(await member.get(`/views/${id}`), 404);
  });
});
