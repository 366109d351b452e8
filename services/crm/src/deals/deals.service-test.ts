import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '@kinship/contracts';
import { DomainEvents } from '@kinship/platform';
import { refusal, startServiceTest, type ServiceTest } from '@kinship/testing';
import type { CrmCaller } from '../common/crm-caller.js';
import { crmService } from '../crm.service.js';
import { PipelinesService, type Pipeline } from '../pipelines/pipelines.service.js';
import { DealsService } from './deals.service.js';

function caller(role: Role = 'owner', workspaceId: string = randomUUID()): CrmCaller {
  return { workspaceId, userId: randomUUID(), role, scopes: [] };
}

describe('deal stage moves (service tier): history, won and lost, reopening', () => {
  let crm: ServiceTest;
  let deals: DealsService;

  /** A workspace as crm sets it up when auth reports it created, and its default pipeline. */
  async function workspace(): Promise<{ owner: CrmCaller; pipeline: Pipeline; stage: (kind: 'open' | 'won' | 'lost', index?: number) => string }> {
    const owner = caller();
    await crm.get(DomainEvents).transaction(owner.workspaceId, (manager, emit) => crm.get(PipelinesService).createDefault(manager, emit, owner.workspaceId));
    const [pipeline] = (await crm.get(PipelinesService).list(owner, {})).data;
    const stage = (kind: 'open' | 'won' | 'lost', index = 0) => pipeline!.stages.filter((candidate) => candidate.kind === kind)[index]!.id;
    return { owner, pipeline: pipeline!, stage };
  }

  async function dealEvents(workspaceId: string): Promise<string[]> {
    return (await crm.events(workspaceId)).filter((event) => event.type.startsWith('deal.')).map((event) => event.type);
  }

  beforeAll(async () => {
    crm = await startServiceTest(crmService);
    deals = crm.get(DealsService);
  });

  afterAll(async () => {
    await crm?.close();
  });

  it('starts a deal in the first open stage, keeps every move in its history, and closes it as won with closedAt', async () => {
    const { owner, stage } = await workspace();
    const deal = await deals.create(owner, { name: 'Difference engine', amount: 150_000, currency: 'GBP' });
    expect(deal).toMatchObject({ stageId: stage('open'), status: 'open', closedAt: null });

    await deals.move(owner, { id: deal.id, stageId: stage('open', 1) });
    const won = await deals.move(owner, { id: deal.id, stageId: stage('won') });
    expect(won.status).toBe('won');
    expect(won.closedAt).not.toBeNull();

    const history = await deals.stageChanges(owner, deal.id);
    expect(history.data.map((change) => [change.fromStageId, change.toStageId])).toEqual([
      [stage('open', 1), stage('won')],
      [stage('open'), stage('open', 1)],
      [null, stage('open')],
    ]);
    expect(history.data.every((change) => change.changedBy === owner.userId)).toBe(true);
    expect(await dealEvents(owner.workspaceId)).toEqual(['deal.created', 'deal.stage_changed', 'deal.stage_changed', 'deal.won']);
  });

  it('requires a reason to lose a deal, and refuses a reason on any other move, with 422 and nothing changed', async () => {
    const { owner, stage } = await workspace();
    const deal = await deals.create(owner, { name: 'Loom', amount: 500, currency: 'EUR' });

    expect(await refusal(deals.move(owner, { id: deal.id, stageId: stage('lost') }))).toMatchObject({ status: 422, details: [{ field: 'lostReason' }] });
    expect(await refusal(deals.move(owner, { id: deal.id, stageId: stage('won'), lostReason: 'Price' }))).toMatchObject({
      status: 422,
      details: [{ field: 'lostReason' }],
    });
    expect(await refusal(deals.update(owner, { id: deal.id, lostReason: 'Price' }))).toMatchObject({ status: 422, details: [{ field: 'lostReason' }] });

    expect(await deals.get(owner, deal.id)).toEqual(deal);
    expect((await deals.stageChanges(owner, deal.id)).data).toHaveLength(1);
    expect(await dealEvents(owner.workspaceId)).toEqual(['deal.created']);

    const lost = await deals.move(owner, { id: deal.id, stageId: stage('lost'), lostReason: 'Price' });
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'Price' });
    expect(lost.closedAt).not.toBeNull();
    expect(await dealEvents(owner.workspaceId)).toEqual(['deal.created', 'deal.stage_changed', 'deal.lost']);
  });

  it('reopens a lost deal: back in an open stage it has no closedAt and no reason, and the history keeps the loss', async () => {
    const { owner, stage } = await workspace();
    const deal = await deals.create(owner, { name: 'Engine', amount: 100, currency: 'USD', stageId: stage('lost'), lostReason: 'Timing' });
    expect(deal).toMatchObject({ status: 'lost', lostReason: 'Timing' });

    const reopened = await deals.move(owner, { id: deal.id, stageId: stage('open') });
    expect(reopened).toMatchObject({ status: 'open', closedAt: null, lostReason: null });
    const history = await deals.stageChanges(owner, deal.id);
    expect(history.data.map((change) => [change.toStageId, change.lostReason])).toEqual([
      [stage('open'), null],
      [stage('lost'), 'Timing'],
    ]);
    expect(await dealEvents(owner.workspaceId)).toEqual(['deal.created', 'deal.lost', 'deal.stage_changed']);
  });

  it('changes nothing when a deal moves to the stage it is in', async () => {
    const { owner, stage } = await workspace();
    const deal = await deals.create(owner, { name: 'Engine', amount: 100, currency: 'USD' });
    expect(await deals.move(owner, { id: deal.id, stageId: stage('open') })).toEqual(deal);
    expect((await deals.stageChanges(owner, deal.id)).data).toHaveLength(1);
    expect(await dealEvents(owner.workspaceId)).toEqual(['deal.created']);
  });

  it('refuses a stage of another pipeline or workspace (422), a deleted or unknown deal (404) and a member’s move of another’s deal (403), changing nothing', async () => {
    const { owner, stage } = await workspace();
    const other = await workspace();
    const second = await crm.get(PipelinesService).create(owner, {
      name: 'Renewals',
      stages: [
        { name: 'Due', probability: 50, kind: 'open' },
        { name: 'Renewed', probability: 100, kind: 'won' },
        { name: 'Churned', probability: 0, kind: 'lost' },
      ],
    });
    const deal = await deals.create(owner, { name: 'Engine', amount: 100, currency: 'USD' });
    const deleted = await deals.create(owner, { name: 'Gone', amount: 1, currency: 'USD' });
    await deals.delete(owner, deleted.id);
    const eventsBefore = await dealEvents(owner.workspaceId);

    expect(await refusal(deals.move(owner, { id: deal.id, stageId: second.stages[0]!.id }))).toMatchObject({ status: 422, details: [{ field: 'stageId' }] });
    expect(await refusal(deals.move(owner, { id: deal.id, stageId: other.stage('won') }))).toMatchObject({ status: 422, details: [{ field: 'stageId' }] });
    expect(await refusal(deals.move(owner, { id: deleted.id, stageId: stage('won') }))).toMatchObject({ status: 404 });
    expect(await refusal(deals.move(other.owner, { id: deal.id, stageId: other.stage('won') }))).toMatchObject({ status: 404 });
    expect(await refusal(deals.move(caller('member', owner.workspaceId), { id: deal.id, stageId: stage('won') }))).toMatchObject({ status: 403 });

    expect(await deals.get(owner, deal.id)).toEqual(deal);
    expect((await deals.stageChanges(owner, deal.id)).data).toHaveLength(1);
    expect(await dealEvents(owner.workspaceId)).toEqual(eventsBefore);

    const moved = await deals.move(owner, { id: deal.id, pipelineId: second.id, stageId: second.stages[1]!.id });
    expect(moved).toMatchObject({ pipelineId: second.id, status: 'won' });
  });
});
