import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, expectError, type Caller } from '../../crm/test/support.js';
import { READ_MODEL_TABLES } from '../src/rebuild/rebuild.service.js';
import { startReportingStack, type ReportingStack } from './support.js';

/**
 * Issue 13 item 6: POST /reports/rebuild replays the events stream into shadow read models and
 * swaps them in; rebuilt, the workspace's read models are identical to the live ones (diffed
 * table by table), a row damaged behind the service's back comes back as the events say, and
 * another workspace's rows are not touched.
 */
/** Their ids are a sequence's, different in a rebuilt table. */
const HISTORY_TABLES = new Set(['deal_stage_history', 'contact_lifecycle_history']);

describe('rebuilding the read models from the stream', () => {
  let stack: ReportingStack;
  let owner: Caller;
  let member: Caller;
  let other: Caller;

  /** Every read model row of a workspace, without the history tables' surrogate ids, in a stable order. */
  async function snapshot(workspaceId: string): Promise<Record<string, unknown[]>> {
    const tables: Record<string, unknown[]> = {};
    for (const table of READ_MODEL_TABLES) {
      const rows: Array<Record<string, unknown>> = await stack.readModels.query(`SELECT * FROM reporting.${table} WHERE workspace_id = $1`, [workspaceId]);
      const kept = HISTORY_TABLES.has(table) ? rows.map(({ id: _surrogate, ...row }) => row) : rows;
      tables[table] = kept.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return tables;
  }

  async function rebuild(
    caller: Caller,
  ): Promise<{ id: string; status: string; eventsTotal: number; eventsRead: number; eventsApplied: number; error: string | null }> {
    const started = await caller.post('/reports/rebuild');
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('running');
    return eventually(async () => {
      const progress = await caller.get(`/reports/rebuild/${started.body.id}`);
      expect(progress.status).toBe(200);
      return progress.body.status === 'running' ? false : progress.body;
    }, 180_000);
  }

  beforeAll(async () => {
    stack = await startReportingStack('reporting-rebuild');
    owner = await stack.signUp('rebuild');
    member = await stack.member(owner, 'member');
    other = await stack.signUp('untouched');
    await stack.caughtUp();

    const [pipeline] = (await owner.get('/pipelines')).body.data as Array<{ id: string; stages: Array<{ id: string; kind: string }> }>;
    const open = pipeline!.stages.filter((stage) => stage.kind === 'open');
    const won = pipeline!.stages.find((stage) => stage.kind === 'won')!;
    for (let index = 0; index < 6; index++) {
      const creator = index % 2 ? member : owner;
      const deal = await creator.post('/deals', {
        name: `Deal ${index}`,
        amount: 1_000 * (index + 1),
        currency: index % 3 ? 'EUR' : 'USD',
        pipelineId: pipeline!.id,
        stageId: open[0]!.id,
      });
      expect(deal.status).toBe(201);
      if (index % 2 === 0) expect((await creator.post(`/deals/${deal.body.id}/stage`, { stageId: open[1]!.id })).status).toBe(200);
      if (index % 3 === 0) expect((await creator.post(`/deals/${deal.body.id}/stage`, { stageId: won.id })).status).toBe(200);
    }
    for (const [index, stages] of [['lead', 'marketing_qualified', 'customer'], ['subscriber', 'lead'], ['lead']].entries()) {
      const contact = await owner.post('/contacts', {
        firstName: `Contact ${index}`,
        email: `c-${randomUUID()}@example.com`,
        lifecycleStage: stages[0],
        leadSource: 'web',
      });
      expect(contact.status).toBe(201);
      for (const stage of stages.slice(1)) expect((await owner.patch(`/contacts/${contact.body.id}`, { lifecycleStage: stage })).status).toBe(200);
      expect((await owner.post('/notes', { body: 'Met them', related: { type: 'contact', id: contact.body.id } })).status).toBe(201);
    }
    expect((await owner.post('/companies', { name: 'Analytical Engines' })).status).toBe(201);
    const task = await owner.post('/tasks', { title: 'Call back', assigneeId: member.userId });
    expect((await owner.patch(`/tasks/${task.body.id}`, { status: 'done' })).status).toBe(200);
    expect(
      (
        await owner.post('/objects', {
          key: 'property',
          singularLabel: 'Property',
          pluralLabel: 'Properties',
          fields: [{ key: 'rooms', label: 'Rooms', type: 'number' }],
        })
      ).status,
    ).toBe(201);
    const [kept, removed] = await Promise.all(
      [1, 2].map(async (rooms) => (await owner.post('/objects/property/records', { values: { rooms } })).body.id as string),
    );
    expect((await owner.patch(`/objects/property/records/${kept}`, { values: { rooms: 3 } })).status).toBe(200);
    expect((await owner.delete(`/objects/property/records/${removed}`)).status).toBe(204);
    const [elsewhere] = (await other.get('/pipelines')).body.data as Array<{ id: string; stages: Array<{ id: string }> }>;
    expect(
      (await other.post('/deals', { name: 'Elsewhere', amount: 500, currency: 'EUR', pipelineId: elsewhere!.id, stageId: elsewhere!.stages[0]!.id })).status,
    ).toBe(201);
    await stack.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('rebuilds the workspace’s read models identical to the live ones, and leaves other workspaces alone', async () => {
    const live = await snapshot(owner.workspaceId);
    const elsewhere = await snapshot(other.workspaceId);
    expect(live.deals).toHaveLength(6);
    expect(live.contact_lifecycle_history).toHaveLength(6);
    expect(live.object_records).toHaveLength(2);
    expect(live.object_records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ values: { rooms: 2 }, deleted_at: expect.any(Date) }),
        expect.objectContaining({ values: { rooms: 3 }, deleted_at: null }),
      ]),
    );
    const reports = await Promise.all(
      ['/reports/pipeline', '/reports/lead-conversion?kind=any', '/reports/activity'].map(async (path) => (await owner.get(path)).body.data),
    );

    const result = await rebuild(owner);
    expect(result).toMatchObject({ status: 'completed', error: null });
    expect(result.eventsRead).toBe(result.eventsTotal);
    expect(result.eventsApplied).toBeGreaterThan(20);
    expect(await snapshot(owner.workspaceId)).toEqual(live);
    expect(await snapshot(other.workspaceId)).toEqual(elsewhere);
    expect(
      await Promise.all(['/reports/pipeline', '/reports/lead-conversion?kind=any', '/reports/activity'].map(async (path) => (await owner.get(path)).body.data)),
    ).toEqual(reports);
  }, 240_000);

  it('puts back what the events say when a read model was damaged behind the service’s back', async () => {
    const live = await snapshot(owner.workspaceId);
    await stack.readModels.query('UPDATE reporting.deals SET amount = 1 WHERE workspace_id = $1', [owner.workspaceId]);
    await stack.readModels.query('DELETE FROM reporting.contact_lifecycle_history WHERE workspace_id = $1', [owner.workspaceId]);
    expect(await snapshot(owner.workspaceId)).not.toEqual(live);
    expect((await rebuild(owner)).status).toBe('completed');
    expect(await snapshot(owner.workspaceId)).toEqual(live);
  }, 240_000);

  it('is for admins, and a rebuild of another workspace is not found', async () => {
    expectError(await member.post('/reports/rebuild'), 403);
    expectError(await member.get(`/reports/rebuild/${randomUUID()}`), 403);
    const started = await owner.post('/reports/rebuild');
    expect(started.status).toBe(201);
    expectError(await other.get(`/reports/rebuild/${started.body.id}`), 404);
    expectError(await owner.get('/reports/rebuild/not-an-id'), 400, 'id');
    // A rebuild after others: the shadow tables of the earlier ones went with them.
    const finished = await eventually(async () => {
      const progress = (await owner.get(`/reports/rebuild/${started.body.id}`)).body;
      return progress.status === 'running' ? false : progress;
    }, 180_000);
    expect(finished).toMatchObject({ status: 'completed', error: null });
  }, 240_000);
});
