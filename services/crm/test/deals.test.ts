import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { eventually, expectError, outboxEvents, startCrmStack, type Caller, type CrmStack } from './support.js';

interface Stage {
  id: string;
  name: string;
  kind: string;
}

interface Pipeline {
  id: string;
  stages: Stage[];
}

/** The default pipeline of a workspace, once crm has set it up from workspace.created. */
async function defaultPipeline(caller: Caller): Promise<Pipeline> {
  return eventually(async () => {
    const response = await caller.get('/pipelines');
    return (response.body.data as Pipeline[] | undefined)?.find((pipeline) => (pipeline as Pipeline & { isDefault: boolean }).isDefault);
  });
}

function stageNamed(pipeline: Pipeline, name: string): Stage {
  return pipeline.stages.find((stage) => stage.name === name)!;
}

describe('deals', () => {
  let stack: CrmStack;
  let owner: Caller;
  let pipeline: Pipeline;

  beforeAll(async () => {
    stack = await startCrmStack('crm-deals');
    owner = await stack.signUp('deals');
    pipeline = await defaultPipeline(owner);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('creates a deal in the default pipeline’s first open stage, owned by the caller, and emits deal.created', async () => {
    const company = await owner.post('/companies', { name: 'Acme' });
    const contact = await owner.post('/contacts', { firstName: 'Ada', email: `ada-${randomUUID()}@example.com` });
    const created = await owner.post('/deals', {
      name: 'Acme — 50 seats',
      amount: 1_250_000,
      currency: 'EUR',
      companyId: company.body.id,
      contactIds: [contact.body.id],
      expectedCloseDate: '2026-12-31',
      description: 'Annual plan',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Acme — 50 seats',
      amount: 1_250_000,
      currency: 'EUR',
      pipelineId: pipeline.id,
      stageId: stageNamed(pipeline, 'Prospecting').id,
      status: 'open',
      companyId: company.body.id,
      contactIds: [contact.body.id],
      ownerId: owner.userId,
      expectedCloseDate: '2026-12-31',
      description: 'Annual plan',
      lostReason: null,
      closedAt: null,
      customFields: {},
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      deletedAt: null,
    });
    expect((await owner.get(`/deals/${created.body.id}`)).body).toEqual(created.body);
    const [event] = await outboxEvents(stack, 'deal.created', created.body.id);
    expect(event!.actorId).toBe(owner.userId);
    expect(event!.data.deal).toMatchObject({
      id: created.body.id,
      amount: 1_250_000,
      currency: 'EUR',
      pipelineId: pipeline.id,
      contactIds: [contact.body.id],
      companyId: company.body.id,
    });
  });

  it('updates fields (null clears), emits deal.updated with the changed fields, deletes and restores', async () => {
    const created = await owner.post('/deals', { name: 'Globex', amount: 500, currency: 'USD', expectedCloseDate: '2026-06-30' });
    const id = created.body.id as string;
    const updated = await owner.patch(`/deals/${id}`, { amount: 900, expectedCloseDate: null, name: 'Globex renewal' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ amount: 900, expectedCloseDate: null, name: 'Globex renewal', stageId: created.body.stageId });
    const [event] = await outboxEvents(stack, 'deal.updated', id);
    expect(event!.data.changedFields.sort()).toEqual(['amount', 'expectedCloseDate', 'name']);
    expect(event!.data.deal).toMatchObject({ amount: 900, name: 'Globex renewal' });

    expectError(await owner.patch(`/deals/${id}`, { stageId: stageNamed(pipeline, 'Won').id }), 422, 'stageId');

    expect((await owner.delete(`/deals/${id}`)).status).toBe(204);
    expect((await owner.get(`/deals/${id}`)).body.deletedAt).toEqual(expect.any(String));
    expectError(await owner.patch(`/deals/${id}`, { amount: 1 }), 404);
    expect((await owner.get('/deals?limit=500')).body.data.map((deal: { id: string }) => deal.id)).not.toContain(id);
    expect((await owner.get('/deals?deleted=true')).body.data.map((deal: { id: string }) => deal.id)).toContain(id);
    expect((await outboxEvents(stack, 'deal.deleted', id))[0]!.data).toEqual({ dealId: id });

    const restored = await owner.post(`/deals/${id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id, deletedAt: null, amount: 900 });
    expect((await outboxEvents(stack, 'deal.restored', id))[0]!.data.deal).toMatchObject({ id, amount: 900 });
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const other = await stack.signUp('deals-bad-input');
    const otherPipeline = await defaultPipeline(other);
    const before = (await owner.get('/deals?limit=500')).body.data.length;
    expectError(await owner.post('/deals', { name: 'Minus', amount: -1, currency: 'EUR' }), 422, 'amount');
    expectError(await owner.post('/deals', { name: 'Fraction', amount: 1.5, currency: 'EUR' }), 422, 'amount');
    expectError(await owner.post('/deals', { name: 'Fake money', amount: 1, currency: 'XYZ' }), 422, 'currency');
    expectError(await owner.post('/deals', { name: 'Lower', amount: 1, currency: 'eur' }), 422, 'currency');
    expectError(await owner.post('/deals', { name: 'Foreign stage', amount: 1, currency: 'EUR', stageId: otherPipeline.stages[0]!.id }), 422, 'stageId');
    expectError(await owner.post('/deals', { name: 'Foreign pipeline', amount: 1, currency: 'EUR', pipelineId: otherPipeline.id }), 422, 'pipelineId');
    expectError(await owner.post('/deals', { name: 'Ghost company', amount: 1, currency: 'EUR', companyId: randomUUID() }), 422, 'companyId');
    expectError(await owner.post('/deals', { name: 'Ghost contact', amount: 1, currency: 'EUR', contactIds: [randomUUID()] }), 422, 'contactIds');
    expectError(await owner.post('/deals', { name: 'Bad date', amount: 1, currency: 'EUR', expectedCloseDate: '2026-02-30' }), 422, 'expectedCloseDate');
    expectError(await owner.post('/deals', { name: 'Lost at once', amount: 1, currency: 'EUR', stageId: stageNamed(pipeline, 'Lost').id }), 422, 'lostReason');
    expectError(await owner.post('/deals', { name: 'Custom', amount: 1, currency: 'EUR', customFields: { nope: 1 } }), 422, 'customFields.nope');
    expect((await owner.get('/deals?limit=500')).body.data.length).toBe(before);
  });

  it('stores deal custom fields checked by type', async () => {
    expect((await owner.post('/custom-fields', { entity: 'deal', key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    const created = await owner.post('/deals', { name: 'Seats', amount: 1, currency: 'EUR', customFields: { seats: 50 } });
    expect(created.body.customFields).toEqual({ seats: 50 });
    expectError(await owner.patch(`/deals/${created.body.id}`, { customFields: { seats: 'many' } }), 422, 'customFields.seats');
    const cleared = await owner.patch(`/deals/${created.body.id}`, { customFields: { seats: null } });
    expect(cleared.body.customFields).toEqual({});
    expect((await outboxEvents(stack, 'deal.updated', created.body.id))[0]!.data.changedFields).toEqual(['customFields']);
  });

  it('moves a deal: won sets closedAt and emits deal.stage_changed then deal.won; the history is kept', async () => {
    const created = await owner.post('/deals', { name: 'Initech', amount: 7_000, currency: 'GBP' });
    const id = created.body.id as string;
    const proposal = stageNamed(pipeline, 'Proposal');
    const won = stageNamed(pipeline, 'Won');

    const moved = await owner.post(`/deals/${id}/stage`, { stageId: proposal.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stageId: proposal.id, status: 'open', closedAt: null });

    const closed = await owner.post(`/deals/${id}/stage`, { stageId: won.id });
    expect(closed.body).toMatchObject({ stageId: won.id, status: 'won', closedAt: expect.any(String), lostReason: null });

    const stageChanged = await outboxEvents(stack, 'deal.stage_changed', id);
    expect(stageChanged.map((event) => [event.data.fromStageId, event.data.deal.stageId])).toEqual([
      [created.body.stageId, proposal.id],
      [proposal.id, won.id],
    ]);
    const wonEvents = await outboxEvents(stack, 'deal.won', id);
    expect(wonEvents).toHaveLength(1);
    expect(wonEvents[0]!.data.deal).toMatchObject({ id, stageId: won.id, amount: 7_000, currency: 'GBP', closedAt: closed.body.closedAt });
    const order: Array<{ type: string }> = await stack.owner.query(`SELECT type FROM crm.outbox WHERE payload->>'aggregateId' = $1 ORDER BY position`, [id]);
    expect(order.map((row) => row.type)).toEqual(['deal.created', 'deal.stage_changed', 'deal.stage_changed', 'deal.won']);

    const history = await owner.get(`/deals/${id}/stage-changes`);
    expect(
      history.body.data.map((change: { fromStageId: string | null; toStageId: string; changedBy: string }) => [
        change.fromStageId,
        change.toStageId,
        change.changedBy,
      ]),
    ).toEqual([
      [proposal.id, won.id, owner.userId],
      [created.body.stageId, proposal.id, owner.userId],
      [null, created.body.stageId, owner.userId],
    ]);

    const reopened = await owner.post(`/deals/${id}/stage`, { stageId: proposal.id });
    expect(reopened.body).toMatchObject({ status: 'open', closedAt: null, lostReason: null });
  });

  it('needs a reason to lose a deal, and refuses a stage of another pipeline', async () => {
    const created = await owner.post('/deals', { name: 'Umbrella', amount: 100, currency: 'EUR' });
    const id = created.body.id as string;
    const lost = stageNamed(pipeline, 'Lost');
    expectError(await owner.post(`/deals/${id}/stage`, { stageId: lost.id }), 422, 'lostReason');

    const elsewhere = await owner.post('/pipelines', {
      name: `Elsewhere ${randomUUID()}`,
      stages: [
        { name: 'Open', probability: 50, kind: 'open' },
        { name: 'Won', probability: 100, kind: 'won' },
        { name: 'Lost', probability: 0, kind: 'lost' },
      ],
    });
    expectError(await owner.post(`/deals/${id}/stage`, { stageId: elsewhere.body.stages[0].id }), 422, 'stageId');
    expect((await owner.get(`/deals/${id}`)).body.stageId).toBe(created.body.stageId);

    const across = await owner.post(`/deals/${id}/stage`, { stageId: elsewhere.body.stages[0].id, pipelineId: elsewhere.body.id });
    expect(across.body).toMatchObject({ pipelineId: elsewhere.body.id, stageId: elsewhere.body.stages[0].id });

    const lostDeal = await owner.post(`/deals/${id}/stage`, { stageId: elsewhere.body.stages[2].id, lostReason: 'Went with a competitor' });
    expect(lostDeal.body).toMatchObject({ status: 'lost', lostReason: 'Went with a competitor', closedAt: expect.any(String) });
    expect((await outboxEvents(stack, 'deal.lost', id))[0]!.data.deal).toMatchObject({ lostReason: 'Went with a competitor' });
    expect(
      (await stack.owner.query('SELECT lost_reason FROM crm.deal_stage_changes WHERE deal_id = $1 ORDER BY changed_at DESC LIMIT 1', [id]))[0].lost_reason,
    ).toBe('Went with a competitor');
  });

  it('filters by status, amount range and contact; sorts; pages with a checked cursor', async () => {
    const workspace = await stack.signUp('deals-list');
    const board = await defaultPipeline(workspace);
    const contact = await workspace.post('/contacts', { firstName: 'Grace', email: `grace-${randomUUID()}@example.com` });
    const amounts = [300, 100, 500, 200, 400];
    const ids: string[] = [];
    for (const [index, amount] of amounts.entries()) {
      const created = await workspace.post('/deals', { name: `Deal ${index}`, amount, currency: 'EUR', contactIds: index % 2 === 0 ? [contact.body.id] : [] });
      ids.push(created.body.id);
    }
    await workspace.post(`/deals/${ids[0]}/stage`, { stageId: stageNamed(board, 'Won').id });
    await workspace.post(`/deals/${ids[1]}/stage`, { stageId: stageNamed(board, 'Lost').id, lostReason: 'Budget' });

    const won = await workspace.get('/deals?status=won');
    expect(won.body.data.map((deal: { id: string }) => deal.id)).toEqual([ids[0]]);
    const closed = await workspace.get('/deals?status=won,lost&sort=amount');
    expect(closed.body.data.map((deal: { amount: number }) => deal.amount)).toEqual([100, 300]);
    const range = await workspace.get('/deals?amountFrom=200&amountTo=400&sort=-amount');
    expect(range.body.data.map((deal: { amount: number }) => deal.amount)).toEqual([400, 300, 200]);
    const withContact = await workspace.get(`/deals?contactId=${contact.body.id}&sort=amount`);
    expect(withContact.body.data.map((deal: { amount: number }) => deal.amount)).toEqual([300, 400, 500]);
    const search = await workspace.get('/deals?q=deal');
    expect(search.body.data).toHaveLength(5);

    const first = await workspace.get('/deals?sort=amount&limit=2');
    expect(first.body.data.map((deal: { amount: number }) => deal.amount)).toEqual([100, 200]);
    const second = await workspace.get(`/deals?sort=amount&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((deal: { amount: number }) => deal.amount)).toEqual([300, 400]);
    const third = await workspace.get(`/deals?sort=amount&limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toMatchObject({ nextCursor: null });
    expect(third.body.data.map((deal: { amount: number }) => deal.amount)).toEqual([500]);

    const tampered = `${first.body.nextCursor.slice(0, -2)}xx`;
    expectError(await workspace.get(`/deals?sort=amount&limit=2&cursor=${tampered}`), 400, 'cursor');
    expectError(await workspace.get(`/deals?sort=-amount&limit=2&cursor=${first.body.nextCursor}`), 400, 'cursor');
    expectError(await workspace.get('/deals?sort=probability'), 400, 'sort');
    expectError(await workspace.get('/deals?limit=501'), 400, 'limit');
    expectError(await workspace.get('/deals?status=maybe'), 400, 'status');

    const byClose = await workspace.get('/deals?sort=expectedCloseDate');
    expect(byClose.status).toBe(200);
    expect((await workspace.get('/deals?sort=name&limit=1')).body.data[0].name).toBe('Deal 0');
  });

  it('lets a member write and move only their own deals; a viewer only reads', async () => {
    const member = await stack.as(owner, 'member');
    const viewer = await stack.as(owner, 'viewer');
    const ownersDeal = await owner.post('/deals', { name: 'Owner’s', amount: 1, currency: 'EUR' });
    const membersDeal = await member.post('/deals', { name: 'Member’s', amount: 1, currency: 'EUR' });
    expect(membersDeal.status).toBe(201);
    expect(membersDeal.body.ownerId).toBe(member.userId);

    expectError(await member.post('/deals', { name: 'For someone else', amount: 1, currency: 'EUR', ownerId: owner.userId }), 403);
    expectError(await member.patch(`/deals/${ownersDeal.body.id}`, { amount: 2 }), 403);
    expectError(await member.post(`/deals/${ownersDeal.body.id}/stage`, { stageId: stageNamed(pipeline, 'Won').id }), 403);
    expectError(await member.delete(`/deals/${ownersDeal.body.id}`), 403);
    expectError(await member.patch(`/deals/${membersDeal.body.id}`, { ownerId: owner.userId }), 403);
    expect((await member.patch(`/deals/${membersDeal.body.id}`, { amount: 3 })).status).toBe(200);
    expect((await member.post(`/deals/${membersDeal.body.id}/stage`, { stageId: stageNamed(pipeline, 'Won').id })).body.status).toBe('won');
    expect((await member.get(`/deals/${ownersDeal.body.id}`)).status).toBe(200);
    expect((await owner.get(`/deals/${ownersDeal.body.id}`)).body.amount).toBe(1);

    expect((await viewer.get(`/deals/${ownersDeal.body.id}`)).status).toBe(200);
    expectError(await viewer.post('/deals', { name: 'Viewer’s', amount: 1, currency: 'EUR' }), 403);
    expectError(await viewer.post(`/deals/${ownersDeal.body.id}/stage`, { stageId: stageNamed(pipeline, 'Won').id }), 403);
  });

  describe('the board’s order within a stage', () => {
    let workspace: Caller;
    let board: Pipeline;

    beforeAll(async () => {
      workspace = await stack.signUp('deals-order');
      board = await defaultPipeline(workspace);
    });

    /** The names of a stage's deals as GET /deals?sort=position lists them (the board's column). */
    async function column(stageName: string): Promise<string[]> {
      const listed = await workspace.get(`/deals?pipelineId=${board.id}&stageId=${stageNamed(board, stageName).id}&sort=position&limit=500`);
      expect(listed.status).toBe(200);
      return listed.body.data.map((deal: { name: string }) => deal.name);
    }

    async function dealsNamed(names: string[], stageName = 'Prospecting'): Promise<Record<string, string>> {
      const ids: Record<string, string> = {};
      for (const name of names) {
        ids[name] = (await workspace.post('/deals', { name, amount: 100, currency: 'EUR', stageId: stageNamed(board, stageName).id })).body.id;
      }
      return ids;
    }

    it('lists a new deal first, places a deal before or after another, and keeps a reorder out of the history and the events', async () => {
      const ids = await dealsNamed(['A', 'B', 'C']);
      expect(await column('Prospecting')).toEqual(['C', 'B', 'A']);

      const reordered = await workspace.post(`/deals/${ids.C}/stage`, { stageId: stageNamed(board, 'Prospecting').id, afterDealId: ids.A });
      expect(reordered.status).toBe(200);
      expect(await column('Prospecting')).toEqual(['B', 'A', 'C']);
      await workspace.post(`/deals/${ids.B}/stage`, { stageId: stageNamed(board, 'Prospecting').id, beforeDealId: ids.C });
      expect(await column('Prospecting')).toEqual(['A', 'B', 'C']);
      expect((await workspace.get(`/deals/${ids.B}/stage-changes`)).body.data).toHaveLength(1);
      expect(await outboxEvents(stack, 'deal.stage_changed', ids.B!)).toEqual([]);

      // Into another stage: between two of its deals, with the stage move's history and event; without a place, first.
      const next = await dealsNamed(['X', 'Y'], 'Qualification');
      const moved = await workspace.post(`/deals/${ids.B}/stage`, { stageId: stageNamed(board, 'Qualification').id, beforeDealId: next.X });
      expect(moved.body).toMatchObject({ stageId: stageNamed(board, 'Qualification').id });
      expect(await column('Qualification')).toEqual(['Y', 'B', 'X']);
      expect(await column('Prospecting')).toEqual(['A', 'C']);
      expect((await outboxEvents(stack, 'deal.stage_changed', ids.B!)).map((event) => event.data.fromStageId)).toEqual([stageNamed(board, 'Prospecting').id]);
      await workspace.post(`/deals/${ids.A}/stage`, { stageId: stageNamed(board, 'Qualification').id });
      expect(await column('Qualification')).toEqual(['A', 'Y', 'B', 'X']);
    });

    it('keeps the order when deals are dropped at the same spot again and again (the stage is numbered again)', async () => {
      // Created one after the other: the newer first.
      const ids = await dealsNamed(['bottom', 'top'], 'Proposal');
      const dropped = Array.from({ length: 25 }, (_, index) => `dropped ${index}`);
      Object.assign(ids, await dealsNamed(dropped, 'Negotiation'));
      // Each one just below "bottom"'s upper neighbour: the gap above "bottom" halves every time.
      for (const name of dropped) {
        const placed = await workspace.post(`/deals/${ids[name]}/stage`, { stageId: stageNamed(board, 'Proposal').id, beforeDealId: ids.bottom });
        expect(placed.status).toBe(200);
      }
      expect(await column('Proposal')).toEqual(['top', ...dropped, 'bottom']);
    });

    it('takes concurrent moves into one stage one at a time: every deal listed once, each where it was put', async () => {
      const ids = await dealsNamed(['last', 'first'], 'Won');
      const movers = Array.from({ length: 12 }, (_, index) => `mover ${index}`);
      Object.assign(ids, await dealsNamed(movers, 'Prospecting'));
      const answers = await Promise.all(
        movers.map((name, index) =>
          workspace.post(`/deals/${ids[name]}/stage`, {
            stageId: stageNamed(board, 'Won').id,
            ...(index % 2 === 0 ? { afterDealId: ids.last } : { beforeDealId: ids.last }),
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(movers.map(() => 200));
      const won = await column('Won');
      expect([...won].sort()).toEqual(['first', 'last', ...movers].sort());
      expect(won[0]).toBe('first');
      const last = won.indexOf('last');
      expect(won.slice(1, last).sort()).toEqual(movers.filter((_, index) => index % 2 === 1).sort());
      expect(won.slice(last + 1).sort()).toEqual(movers.filter((_, index) => index % 2 === 0).sort());
      // Each was given a place of its own: moves placed from the same neighbours at once would share one.
      const [places] = await stack.owner.query(
        `SELECT count(*)::int AS deals, count(DISTINCT board_position)::int AS places FROM crm.deals WHERE stage_id = $1 AND deleted_at IS NULL`,
        [stageNamed(board, 'Won').id],
      );
      expect(places).toEqual({ deals: movers.length + 2, places: movers.length + 2 });
    });

    it('refuses a place next to a deal of another stage or pipeline, an unknown or deleted deal, itself or both sides, with 422 and nothing changed', async () => {
      const ids = await dealsNamed(['P1', 'P2'], 'Negotiation');
      const { elsewhere: otherStage } = await dealsNamed(['elsewhere'], 'Proposal');
      const second = await workspace.post('/pipelines', {
        name: 'Renewals',
        stages: [
          { name: 'Open', probability: 50, kind: 'open' },
          { name: 'Won', probability: 100, kind: 'won' },
          { name: 'Lost', probability: 0, kind: 'lost' },
        ],
      });
      const otherPipeline = (await workspace.post('/deals', { name: 'renewal', amount: 1, currency: 'EUR', pipelineId: second.body.id })).body.id;
      const removed = (await workspace.post('/deals', { name: 'removed', amount: 1, currency: 'EUR', stageId: stageNamed(board, 'Negotiation').id })).body.id;
      await workspace.delete(`/deals/${removed}`);
      const before = await column('Negotiation');
      const negotiation = stageNamed(board, 'Negotiation').id;
      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ stageId: negotiation, beforeDealId: otherStage }, 'beforeDealId'],
        [{ stageId: negotiation, beforeDealId: otherPipeline }, 'beforeDealId'],
        [{ stageId: negotiation, afterDealId: randomUUID() }, 'afterDealId'],
        [{ stageId: negotiation, afterDealId: removed }, 'afterDealId'],
        [{ stageId: negotiation, beforeDealId: ids.P1 }, 'beforeDealId'],
        [{ stageId: negotiation, beforeDealId: ids.P2, afterDealId: ids.P2 }, 'afterDealId'],
        [{ stageId: negotiation, beforeDealId: 'not-an-id' }, 'beforeDealId'],
      ];
      for (const [body, field] of refusals) {
        const refused = await workspace.post(`/deals/${ids.P1}/stage`, body);
        expect({ body, status: refused.status }).toEqual({ body, status: 422 });
        expectError(refused, 422, field);
      }
      // Into another stage next to a deal that is not in it: the stage does not change either.
      expectError(await workspace.post(`/deals/${ids.P1}/stage`, { stageId: stageNamed(board, 'Proposal').id, afterDealId: ids.P2 }), 422, 'afterDealId');
      expect((await workspace.get(`/deals/${ids.P1}`)).body.stageId).toBe(negotiation);
      expect(await column('Negotiation')).toEqual(before);
      // Another workspace's deal is unknown here.
      const stranger = await owner.post('/deals', { name: 'stranger', amount: 1, currency: 'EUR' });
      expectError(await workspace.post(`/deals/${ids.P1}/stage`, { stageId: negotiation, afterDealId: stranger.body.id }), 422, 'afterDealId');
      expectError(await workspace.post(`/deals/${randomUUID()}/stage`, { stageId: negotiation, afterDealId: ids.P2 }), 404);
    });
  });

  it('answers 404 for another workspace’s deal and for ids that are not ids', async () => {
    const other = await stack.signUp('deals-other');
    await defaultPipeline(other);
    const theirs = await other.post('/deals', { name: 'Theirs', amount: 1, currency: 'EUR' });
    expect(theirs.status).toBe(201);
    expectError(await owner.get(`/deals/${theirs.body.id}`), 404);
    expectError(await owner.patch(`/deals/${theirs.body.id}`, { amount: 2 }), 404);
    expectError(await owner.post(`/deals/${theirs.body.id}/stage`, { stageId: stageNamed(pipeline, 'Won').id }), 404);
    expectError(await owner.delete(`/deals/${theirs.body.id}`), 404);
    expectError(await owner.post(`/deals/${theirs.body.id}/restore`), 404);
    expectError(await owner.get(`/deals/${theirs.body.id}/stage-changes`), 404);
    expectError(await owner.get('/deals/not-an-id'), 404);
    expect((await other.get(`/deals/${theirs.body.id}`)).body.amount).toBe(1);
  });

  describe('lead conversion', () => {
    it('creates the deal and moves the contact to opportunity in one transaction', async () => {
      const company = await owner.post('/companies', { name: `Stark ${randomUUID()}` });
      const contact = await owner.post('/contacts', {
        firstName: 'Pepper',
        email: `pepper-${randomUUID()}@example.com`,
        companyId: company.body.id,
        lifecycleStage: 'lead',
      });
      expect(contact.status).toBe(201);
      const converted = await owner.post(`/contacts/${contact.body.id}/convert`, { dealName: 'Stark — pilot', amount: 25_000, currency: 'USD' });
      expect(converted.status).toBe(201);
      expect(converted.body.deal).toMatchObject({
        name: 'Stark — pilot',
        amount: 25_000,
        currency: 'USD',
        pipelineId: pipeline.id,
        stageId: stageNamed(pipeline, 'Prospecting').id,
        companyId: company.body.id,
        contactIds: [contact.body.id],
        ownerId: contact.body.ownerId,
      });
      expect(converted.body.contact).toMatchObject({ id: contact.body.id, lifecycleStage: 'opportunity' });
      expect((await owner.get(`/contacts/${contact.body.id}`)).body.lifecycleStage).toBe('opportunity');
      const [updated] = await outboxEvents(stack, 'contact.updated', contact.body.id);
      expect(updated!.data).toMatchObject({ changedFields: ['lifecycleStage'], contact: { id: contact.body.id, lifecycleStage: 'opportunity' } });
      expect(await outboxEvents(stack, 'deal.created', converted.body.deal.id)).toHaveLength(1);
    });

    it('leaves a customer a customer', async () => {
      const contact = await owner.post('/contacts', { firstName: 'Happy', email: `happy-${randomUUID()}@example.com`, lifecycleStage: 'customer' });
      const converted = await owner.post(`/contacts/${contact.body.id}/convert`, { dealName: 'Upsell', amount: 1_000, currency: 'EUR' });
      expect(converted.status).toBe(201);
      expect(converted.body.contact.lifecycleStage).toBe('customer');
      expect(await outboxEvents(stack, 'contact.updated', contact.body.id)).toHaveLength(0);
    });

    it('changes nothing when the conversion fails', async () => {
      const contact = await owner.post('/contacts', { firstName: 'Bruce', email: `bruce-${randomUUID()}@example.com`, lifecycleStage: 'lead' });
      const dealsBefore = await owner.get(`/deals?contactId=${contact.body.id}`);
      expectError(await owner.post(`/contacts/${contact.body.id}/convert`, { dealName: 'Bad money', amount: 1, currency: 'XYZ' }), 422, 'currency');
      const otherPipeline = await defaultPipeline(await stack.signUp('conversion-other'));
      expectError(
        await owner.post(`/contacts/${contact.body.id}/convert`, { dealName: 'Foreign', amount: 1, currency: 'EUR', pipelineId: otherPipeline.id }),
        422,
        'pipelineId',
      );
      expect((await owner.get(`/contacts/${contact.body.id}`)).body.lifecycleStage).toBe('lead');
      expect((await owner.get(`/deals?contactId=${contact.body.id}`)).body.data).toEqual(dealsBefore.body.data);
      expect(await outboxEvents(stack, 'contact.updated', contact.body.id)).toHaveLength(0);
      expectError(await owner.post(`/contacts/${randomUUID()}/convert`, { dealName: 'Nobody', amount: 1, currency: 'EUR' }), 404);
    });

    it('lets a member convert only their own contacts; a viewer none', async () => {
      const member = await stack.as(owner, 'member');
      const viewer = await stack.as(owner, 'viewer');
      const ownersContact = await owner.post('/contacts', { firstName: 'Tony', email: `tony-${randomUUID()}@example.com` });
      expectError(await member.post(`/contacts/${ownersContact.body.id}/convert`, { dealName: 'Not mine', amount: 1, currency: 'EUR' }), 403);
      expectError(await viewer.post(`/contacts/${ownersContact.body.id}/convert`, { dealName: 'Not mine', amount: 1, currency: 'EUR' }), 403);
      expect((await owner.get(`/contacts/${ownersContact.body.id}`)).body.lifecycleStage).toBe(ownersContact.body.lifecycleStage);
    });
  });
});
