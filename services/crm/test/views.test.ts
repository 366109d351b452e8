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
});
