import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { eventually, expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

interface Stage {
  id: string;
  name: string;
  probability: number;
  position: number;
  kind: string;
}

const BOARD = [
  { name: 'New', probability: 10, kind: 'open' },
  { name: 'Demo', probability: 40, kind: 'open' },
  { name: 'Signed', probability: 100, kind: 'won' },
  { name: 'Dropped', probability: 0, kind: 'lost' },
];

describe('pipelines', () => {
  let stack: CrmStack;
  let owner: Caller;

  beforeAll(async () => {
    stack = await startCrmStack('crm-pipelines');
    owner = await stack.signUp('pipelines');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('gives a new workspace the default sales pipeline and its crm settings', async () => {
    const pipelines = await eventually(async () => {
      const response = await owner.get('/pipelines');
      return response.body.data?.length ? response.body.data : null;
    });
    expect(pipelines).toHaveLength(1);
    expect(pipelines[0]).toMatchObject({ name: 'Sales pipeline', isDefault: true, deletedAt: null });
    expect(pipelines[0].stages.map(({ name, probability, position, kind }: Stage) => ({ name, probability, position, kind }))).toEqual([
      { name: 'Prospecting', probability: 10, position: 0, kind: 'open' },
      { name: 'Qualification', probability: 25, position: 1, kind: 'open' },
      { name: 'Proposal', probability: 50, position: 2, kind: 'open' },
      { name: 'Negotiation', probability: 75, position: 3, kind: 'open' },
      { name: 'Won', probability: 100, position: 4, kind: 'won' },
      { name: 'Lost', probability: 0, position: 5, kind: 'lost' },
    ]);
    const settings = await stack.owner.query('SELECT default_phone_region FROM crm.workspace_settings WHERE workspace_id = $1', [owner.workspaceId]);
    expect(settings).toHaveLength(1);
  });

  it('creates, reads, renames, deletes and restores a pipeline', async () => {
    const created = await owner.post('/pipelines', { name: 'Renewals', stages: BOARD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Renewals', isDefault: false, deletedAt: null });
    expect(created.body.stages.map((stage: Stage) => [stage.name, stage.position, stage.kind])).toEqual([
      ['New', 0, 'open'],
      ['Demo', 1, 'open'],
      ['Signed', 2, 'won'],
      ['Dropped', 3, 'lost'],
    ]);
    const id = created.body.id as string;
    expect((await owner.get(`/pipelines/${id}`)).body).toEqual(created.body);

    const renamed = await owner.patch(`/pipelines/${id}`, { name: 'Renewals 2027' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renewals 2027', stages: created.body.stages });

    expect((await owner.delete(`/pipelines/${id}`)).status).toBe(204);
    expect((await owner.get(`/pipelines/${id}`)).body.deletedAt).toEqual(expect.any(String));
    expect((await owner.get('/pipelines')).body.data.map((pipeline: { id: string }) => pipeline.id)).not.toContain(id);
    expect((await owner.get('/pipelines?deleted=true')).body.data.map((pipeline: { id: string }) => pipeline.id)).toContain(id);
    expectError(await owner.patch(`/pipelines/${id}`, { name: 'Nope' }), 404);

    const restored = await owner.post(`/pipelines/${id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id, deletedAt: null, name: 'Renewals 2027' });
  });

  it('emits the whole board with every pipeline change, the default pipeline included, so reporting can keep stages', async () => {
    const defaultPipeline = (await owner.get('/pipelines')).body.data.find((pipeline: { isDefault: boolean }) => pipeline.isDefault);
    const [setUp] = await outboxEvents(stack, 'pipeline.created', defaultPipeline.id);
    expect(setUp!.data.pipeline).toEqual({
      id: defaultPipeline.id,
      name: 'Sales pipeline',
      stages: defaultPipeline.stages,
      createdAt: defaultPipeline.createdAt,
    });

    const created = (await owner.post('/pipelines', { name: 'Events board', stages: BOARD })).body;
    const [first, second, third, fourth] = created.stages as Stage[];
    const reshaped = await owner.patch(`/pipelines/${created.id}`, {
      name: 'Events board 2',
      stages: [{ ...second, probability: 60 }, first, third, fourth].map(({ id, name, probability, kind }) => ({ id, name, probability, kind })),
    });
    expect(reshaped.status).toBe(200);
    expect((await owner.delete(`/pipelines/${created.id}`)).status).toBe(204);
    expect((await owner.post(`/pipelines/${created.id}/restore`)).status).toBe(200);

    expect((await outboxEvents(stack, 'pipeline.created', created.id)).map((event) => event.data.pipeline.stages)).toEqual([created.stages]);
    const [updated] = await outboxEvents(stack, 'pipeline.updated', created.id);
    expect(updated).toMatchObject({ actorId: owner.userId, data: { pipeline: { name: 'Events board 2', stages: reshaped.body.stages } } });
    expect(updated!.data.pipeline.stages[0]).toMatchObject({ id: second!.id, probability: 60, position: 0 });
    expect((await outboxEvents(stack, 'pipeline.deleted', created.id)).map((event) => event.data)).toEqual([{ pipelineId: created.id }]);
    expect((await outboxEvents(stack, 'pipeline.restored', created.id)).map((event) => event.data.pipeline.name)).toEqual(['Events board 2']);
  });

  it('refuses a duplicate name among live pipelines, naming the holder', async () => {
    const first = await owner.post('/pipelines', { name: 'Partners', stages: BOARD });
    const second = await owner.post('/pipelines', { name: 'partners', stages: BOARD });
    expectError(second, 409, 'name');
    expect(second.body.error.details[0].existingId).toBe(first.body.id);
  });

  it('refuses a board without an open, a won and a lost stage, or with twice the same stage name', async () => {
    const noLost = await owner.post('/pipelines', { name: 'Half', stages: BOARD.filter((stage) => stage.kind !== 'lost') });
    expectError(noLost, 422, 'stages');
    const twice = await owner.post('/pipelines', { name: 'Twice', stages: [...BOARD, { name: 'demo', probability: 50, kind: 'open' }] });
    expectError(twice, 422, 'stages.4.name');
    const badProbability = await owner.post('/pipelines', { name: 'Odd', stages: [{ ...BOARD[0], probability: 101 }, ...BOARD.slice(1)] });
    expectError(badProbability, 422, 'stages.0.probability');
    const badKind = await owner.post('/pipelines', { name: 'Odd', stages: [{ ...BOARD[0], kind: 'maybe' }, ...BOARD.slice(1)] });
    expectError(badKind, 422, 'stages.0.kind');
    expect((await owner.get('/pipelines?limit=500')).body.data.map((pipeline: { name: string }) => pipeline.name)).not.toEqual(
      expect.arrayContaining(['Half', 'Twice', 'Odd']),
    );
  });

  it('reorders, renames, adds and removes stages; a stage holding deals cannot be removed', async () => {
    const created = await owner.post('/pipelines', { name: 'Enterprise', stages: BOARD });
    const id = created.body.id as string;
    const [newStage, demo, signed, dropped] = created.body.stages as Stage[];
    const deal = await owner.post('/deals', { name: 'Big one', amount: 100, currency: 'EUR', pipelineId: id, stageId: demo!.id });
    expect(deal.status).toBe(201);

    const reshaped = await owner.patch(`/pipelines/${id}`, {
      stages: [
        { id: demo!.id, name: 'Live demo', probability: 35, kind: 'open' },
        { id: newStage!.id, name: 'New', probability: 10, kind: 'open' },
        { name: 'Security review', probability: 60, kind: 'open' },
        { id: signed!.id, name: 'Signed', probability: 100, kind: 'won' },
        { id: dropped!.id, name: 'Dropped', probability: 0, kind: 'lost' },
      ],
    });
    expect(reshaped.status).toBe(200);
    expect(reshaped.body.stages.map((stage: Stage) => [stage.name, stage.position, stage.probability])).toEqual([
      ['Live demo', 0, 35],
      ['New', 1, 10],
      ['Security review', 2, 60],
      ['Signed', 3, 100],
      ['Dropped', 4, 0],
    ]);
    expect(reshaped.body.stages[0].id).toBe(demo!.id);

    const withoutDemo = reshaped.body.stages
      .filter((stage: Stage) => stage.id !== demo!.id)
      .map(({ id: stageId, name, probability, kind }: Stage) => ({ id: stageId, name, probability, kind }));
    const refused = await owner.patch(`/pipelines/${id}`, { stages: withoutDemo });
    expectError(refused, 409, 'stages');
    expect(refused.body.error.details[0]).toMatchObject({ stageId: demo!.id, stageName: 'Live demo' });
    expect(refused.body.error.message).toContain('Live demo');
    expect((await owner.get(`/pipelines/${id}`)).body.stages).toEqual(reshaped.body.stages);

    const kindChange = await owner.patch(`/pipelines/${id}`, {
      stages: reshaped.body.stages.map(({ id: stageId, name, probability, kind }: Stage) => ({
        id: stageId,
        name,
        probability,
        kind: stageId === demo!.id ? 'won' : kind,
      })),
    });
    expectError(kindChange, 409, 'stages.0.kind');

    const foreign = await owner.patch(`/pipelines/${id}`, { stages: [{ id: randomUUID(), name: 'X', probability: 1, kind: 'open' }, ...withoutDemo] });
    expectError(foreign, 422, 'stages.0.id');

    const withoutNew = reshaped.body.stages
      .filter((stage: Stage) => stage.name !== 'New')
      .map(({ id: stageId, name, probability, kind }: Stage) => ({ id: stageId, name, probability, kind }));
    const removed = await owner.patch(`/pipelines/${id}`, { stages: withoutNew });
    expect(removed.status).toBe(200);
    expect(removed.body.stages.map((stage: Stage) => stage.name)).toEqual(['Live demo', 'Security review', 'Signed', 'Dropped']);
  });

  it('refuses to delete a pipeline that holds deals or is the default; another can become the default', async () => {
    const created = await owner.post('/pipelines', { name: 'Channel', stages: BOARD });
    const id = created.body.id as string;
    const deal = await owner.post('/deals', { name: 'Via reseller', amount: 5, currency: 'USD', pipelineId: id });
    expect(deal.body.stageId).toBe(created.body.stages[0].id);
    expectError(await owner.delete(`/pipelines/${id}`), 409, 'id');

    const defaultPipeline = (await owner.get('/pipelines?limit=500')).body.data.find((pipeline: { isDefault: boolean }) => pipeline.isDefault);
    expectError(await owner.delete(`/pipelines/${defaultPipeline.id}`), 409, 'id');

    const made = await owner.post(`/pipelines/${id}/default`);
    expect(made.status).toBe(200);
    expect(made.body.isDefault).toBe(true);
    expect((await owner.get(`/pipelines/${defaultPipeline.id}`)).body.isDefault).toBe(false);
    const defaulted = await owner.post('/deals', { name: 'Goes to the new default', amount: 1, currency: 'USD' });
    expect(defaulted.body.pipelineId).toBe(id);
    expect((await owner.post(`/pipelines/${defaultPipeline.id}/default`)).status).toBe(200);
  });

  it('lets everyone read pipelines but only managers and above change them', async () => {
    const member = await stack.as(owner, 'member');
    const viewer = await stack.as(owner, 'viewer');
    const manager = await stack.as(owner, 'manager');
    expect((await viewer.get('/pipelines')).status).toBe(200);
    expectError(await member.post('/pipelines', { name: 'Mine', stages: BOARD }), 403);
    expectError(await viewer.post('/pipelines', { name: 'Mine', stages: BOARD }), 403);
    expect((await manager.post('/pipelines', { name: 'Managed', stages: BOARD })).status).toBe(201);
  });

  it('answers 404 for another workspace’s pipeline and for ids that are not ids', async () => {
    const other = await stack.signUp('pipelines-other');
    const theirs = await other.post('/pipelines', { name: 'Theirs', stages: BOARD });
    expect(theirs.status).toBe(201);
    expectError(await owner.get(`/pipelines/${theirs.body.id}`), 404);
    expectError(await owner.patch(`/pipelines/${theirs.body.id}`, { name: 'Mine now' }), 404);
    expectError(await owner.delete(`/pipelines/${theirs.body.id}`), 404);
    expectError(await owner.get('/pipelines/not-an-id'), 404);
    expect((await other.get(`/pipelines/${theirs.body.id}`)).body.name).toBe('Theirs');
  });

  it('pages pipelines with a checked cursor', async () => {
    const first = await owner.get('/pipelines?limit=2&sort=name');
    expect(first.body.data).toHaveLength(2);
    const second = await owner.get(`/pipelines?limit=2&sort=name&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.data[0].name.toLowerCase() >= first.body.data[1].name.toLowerCase()).toBe(true);
    expectError(await owner.get(`/pipelines?limit=2&sort=name&cursor=${first.body.nextCursor}x`), 400, 'cursor');
  });
});
