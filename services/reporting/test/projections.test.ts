import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LIFECYCLE_FUNNEL_STAGES } from '@kinship/contracts/reporting';
import type { DomainEvent } from '@kinship/messaging';
import { eventually, outboxEvents, type Caller } from '../../crm/test/support.js';
import { startReportingStack, type ReportingStack } from './support.js';

interface Stage {
  id: string;
  name: string;
  probability: number;
  position: number;
  kind: string;
}

function sorted<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The read models through the superuser, one workspace at a time. */
function readModel(stack: ReportingStack, sql: string, parameters: unknown[]): Promise<any[]> {
  return stack.readModels.query(sql, parameters);
}

describe('reporting projections', () => {
  let stack: ReportingStack;
  let owner: Caller;
  let stages: Stage[];
  let pipelineId: string;

  beforeAll(async () => {
    stack = await startReportingStack('reporting-projections');
    owner = await stack.signUp('projections');
    await stack.caughtUp();
    const pipeline = (await owner.get('/pipelines')).body.data[0];
    pipelineId = pipeline.id;
    stages = pipeline.stages;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('keeps pipelines and stages from crm’s pipeline events, the default pipeline of a new workspace included', async () => {
    const rows = await readModel(
      stack,
      'SELECT id, name, probability, position, kind, removed_at FROM reporting.stages WHERE workspace_id = $1 AND pipeline_id = $2 ORDER BY position',
      [owner.workspaceId, pipelineId],
    );
    expect(rows).toEqual(stages.map(({ id, name, probability, position, kind }) => ({ id, name, probability, position, kind, removed_at: null })));

    const created = (
      await owner.post('/pipelines', {
        name: 'Renewals',
        stages: [
          { name: 'Call', probability: 20, kind: 'open' },
          { name: 'Renewed', probability: 100, kind: 'won' },
          { name: 'Churned', probability: 0, kind: 'lost' },
        ],
      })
    ).body;
    const [call, renewed, churned] = created.stages as Stage[];
    await owner.patch(`/pipelines/${created.id}`, {
      name: 'Renewals 2026',
      stages: [
        { id: call!.id, name: 'First call', probability: 30, kind: 'open' },
        { name: 'Offer', probability: 60, kind: 'open' },
        { id: renewed!.id, name: 'Renewed', probability: 100, kind: 'won' },
        { id: churned!.id, name: 'Churned', probability: 0, kind: 'lost' },
      ],
    });
    await stack.caughtUp();
    const [pipeline] = await readModel(stack, 'SELECT name, deleted_at FROM reporting.pipelines WHERE workspace_id = $1 AND id = $2', [
      owner.workspaceId,
      created.id,
    ]);
    expect(pipeline).toEqual({ name: 'Renewals 2026', deleted_at: null });
    const board = await readModel(
      stack,
      'SELECT name, probability, position, kind FROM reporting.stages WHERE workspace_id = $1 AND pipeline_id = $2 AND removed_at IS NULL ORDER BY position',
      [owner.workspaceId, created.id],
    );
    expect(board).toEqual([
      { name: 'First call', probability: 30, position: 0, kind: 'open' },
      { name: 'Offer', probability: 60, position: 1, kind: 'open' },
      { name: 'Renewed', probability: 100, position: 2, kind: 'won' },
      { name: 'Churned', probability: 0, position: 3, kind: 'lost' },
    ]);
  });

  it('keeps a deal with its outcome and stage history, reopened and closed again', async () => {
    const [prospecting, qualification, , , won, lost] = stages;
    const deal = (await owner.post('/deals', { name: 'Acme', amount: 120_000, currency: 'EUR', stageId: prospecting!.id, expectedCloseDate: '2026-11-30' }))
      .body;
    for (const [stageId, lostReason] of [[qualification!.id], [won!.id], [qualification!.id], [lost!.id, 'price']] as Array<[string, string?]>) {
      expect((await owner.post(`/deals/${deal.id}/stage`, { stageId, lostReason })).status).toBe(200);
    }
    await owner.patch(`/deals/${deal.id}`, { amount: 150_000 });
    await stack.caughtUp();
    const source = (await owner.get(`/deals/${deal.id}`)).body;
    const [row] = await readModel(stack, 'SELECT * FROM reporting.deals WHERE workspace_id = $1 AND id = $2', [owner.workspaceId, deal.id]);
    expect(row).toMatchObject({
      name: 'Acme',
      pipeline_id: pipelineId,
      stage_id: lost!.id,
      amount: '150000',
      currency: 'EUR',
      owner_id: owner.userId,
      status: 'lost',
      lost_reason: 'price',
      deleted_at: null,
    });
    expect(row.closed_at.toISOString()).toBe(source.closedAt);
    expect(row.created_at.toISOString()).toBe(source.createdAt);
    const history = await readModel(
      stack,
      'SELECT stage_id, entered_at, left_at FROM reporting.deal_stage_history WHERE workspace_id = $1 AND deal_id = $2 ORDER BY entered_at',
      [owner.workspaceId, deal.id],
    );
    expect(history.map((entry) => entry.stage_id)).toEqual([prospecting!.id, qualification!.id, won!.id, qualification!.id, lost!.id]);
    history.slice(0, -1).forEach((entry, index) => expect(entry.left_at).toEqual(history[index + 1].entered_at));
    expect(history.at(-1).left_at).toBeNull();
    expect(history[0].entered_at.toISOString()).toBe(source.createdAt);

    await owner.delete(`/deals/${deal.id}`);
    await stack.caughtUp();
    const [deleted] = await readModel(stack, 'SELECT deleted_at FROM reporting.deals WHERE workspace_id = $1 AND id = $2', [owner.workspaceId, deal.id]);
    expect(deleted.deleted_at).not.toBeNull();
  });

  it('applies a burst of deal events (a deal several times in one batch) as one by one would, and keeps the pipeline, forecast, close and stage-stay totals the deals grouped', async () => {
    const [prospecting, qualification, , , won, lost] = stages;
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        owner.post('/deals', {
          name: `Burst ${index}`,
          amount: 1_000 * (index + 1),
          currency: index % 2 ? 'EUR' : 'USD',
          stageId: prospecting!.id,
          expectedCloseDate: `2026-0${1 + (index % 9)}-15`,
        }),
      ),
    );
    const ids: string[] = created.map((response) => response.body.id);
    await Promise.all(
      ids.map(async (id, index) => {
        expect((await owner.post(`/deals/${id}/stage`, { stageId: qualification!.id })).status).toBe(200);
        if (index % 3 === 0) expect((await owner.post(`/deals/${id}/stage`, { stageId: won!.id })).status).toBe(200);
        if (index % 3 === 1) expect((await owner.post(`/deals/${id}/stage`, { stageId: lost!.id, lostReason: 'price' })).status).toBe(200);
        if (index % 4 === 0) expect((await owner.patch(`/deals/${id}`, { amount: 777 })).status).toBe(200);
        // A change of owner moves the deal's close and stage-stay groups.
        if (index % 4 === 1) expect((await owner.patch(`/deals/${id}`, { ownerId: null })).status).toBe(200);
        if (index === 5) expect((await owner.delete(`/deals/${id}`)).status).toBe(204);
      }),
    );
    await stack.caughtUp();
    const projected = await readModel(
      stack,
      'SELECT id, stage_id, amount::int AS amount, status, deleted_at IS NOT NULL AS deleted FROM reporting.deals WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
      [owner.workspaceId, ids],
    );
    expect(sorted(projected)).toEqual(
      sorted(
        ids.map((id, index) => ({
          id,
          stage_id: [won, lost, qualification][index % 3]!.id,
          amount: index % 4 === 0 ? 777 : 1_000 * (index + 1),
          status: ['won', 'lost', 'open'][index % 3],
          deleted: index === 5,
        })),
      ),
    );
    const open = await readModel(
      stack,
      `SELECT pipeline_id, stage_id, currency, (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS deals, sum(amount)::int AS amount
       FROM reporting.deals WHERE workspace_id = $1 AND deleted_at IS NULL AND status = 'open' GROUP BY 1, 2, 3, 4`,
      [owner.workspaceId],
    );
    const pipelineTotals = await readModel(
      stack,
      'SELECT pipeline_id, stage_id, currency, created_on AS day, deals, amount::int AS amount FROM reporting.deal_pipeline_totals WHERE workspace_id = $1',
      [owner.workspaceId],
    );
    expect(open.length).toBeGreaterThan(0);
    expect(sorted(pipelineTotals)).toEqual(sorted(open));
    const forecast = await readModel(
      stack,
      `SELECT pipeline_id, stage_id, currency, status, expected_close_date AS day, count(*)::int AS deals, sum(amount)::int AS amount FROM reporting.deals
       WHERE workspace_id = $1 AND deleted_at IS NULL AND status IN ('open', 'won') AND expected_close_date IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
      [owner.workspaceId],
    );
    const forecastTotals = await readModel(
      stack,
      'SELECT pipeline_id, stage_id, currency, status, expected_close_date AS day, deals, amount::int AS amount FROM reporting.deal_forecast_totals WHERE workspace_id = $1',
      [owner.workspaceId],
    );
    expect(forecast.some((group) => group.status === 'won')).toBe(true);
    expect(sorted(forecastTotals)).toEqual(sorted(forecast));
    const closed = await readModel(
      stack,
      `SELECT pipeline_id, owner_id, currency, status, (closed_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS deals, sum(amount)::int AS amount,
         sum(extract(epoch FROM closed_at - created_at))::text AS seconds
       FROM reporting.deals WHERE workspace_id = $1 AND deleted_at IS NULL AND status IN ('won', 'lost') AND closed_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
      [owner.workspaceId],
    );
    const closeTotals = await readModel(
      stack,
      `SELECT pipeline_id, owner_id, currency, status, closed_on AS day, deals, amount::int AS amount, cycle_seconds::text AS seconds
       FROM reporting.deal_close_totals WHERE workspace_id = $1`,
      [owner.workspaceId],
    );
    expect(closed.some((group) => group.owner_id === null) && closed.some((group) => group.owner_id === owner.userId)).toBe(true);
    expect(sorted(closeTotals)).toEqual(sorted(closed));
    const stays = await readModel(
      stack,
      `SELECT d.pipeline_id, h.stage_id, d.owner_id, (h.entered_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS stays,
         sum(extract(epoch FROM h.left_at - h.entered_at))::text AS seconds
       FROM reporting.deal_stage_history h JOIN reporting.deals d ON d.workspace_id = h.workspace_id AND d.id = h.deal_id
       WHERE h.workspace_id = $1 AND d.deleted_at IS NULL AND h.left_at IS NOT NULL GROUP BY 1, 2, 3, 4`,
      [owner.workspaceId],
    );
    const stageTotals = await readModel(
      stack,
      'SELECT pipeline_id, stage_id, owner_id, entered_on AS day, stays, seconds::text AS seconds FROM reporting.deal_stage_totals WHERE workspace_id = $1',
      [owner.workspaceId],
    );
    expect(stays.length).toBeGreaterThan(0);
    expect(sorted(stageTotals)).toEqual(sorted(stays));
  });

  it('keeps contacts with their lifecycle history, and tasks with assignee, status and completion', async () => {
    const contact = (
      await owner.post('/contacts', { firstName: 'Ada', email: `ada-${randomUUID()}@example.com`, lifecycleStage: 'lead', leadSource: 'webinar' })
    ).body;
    await owner.patch(`/contacts/${contact.id}`, { lifecycleStage: 'sales_qualified' });
    await owner.patch(`/contacts/${contact.id}`, { firstName: 'Ada L.' });
    await owner.patch(`/contacts/${contact.id}`, { lifecycleStage: 'customer' });
    const task = (await owner.post('/tasks', { title: 'Call Ada', assigneeId: owner.userId, related: { type: 'contact', id: contact.id } })).body;
    await owner.patch(`/tasks/${task.id}`, { status: 'done' });
    await stack.caughtUp();

    const source = (await owner.get(`/contacts/${contact.id}`)).body;
    const [row] = await readModel(
      stack,
      'SELECT lifecycle_stage, lead_source, owner_id, customer_since::text, created_at FROM reporting.contacts WHERE workspace_id = $1 AND id = $2',
      [owner.workspaceId, contact.id],
    );
    expect({ ...row, created_at: row.created_at.toISOString() }).toEqual({
      lifecycle_stage: 'customer',
      lead_source: 'webinar',
      owner_id: source.ownerId,
      customer_since: source.customerSince,
      created_at: source.createdAt,
    });
    const lifecycle = await readModel(
      stack,
      'SELECT lifecycle_stage, left_at IS NULL AS current FROM reporting.contact_lifecycle_history WHERE workspace_id = $1 AND contact_id = $2 ORDER BY entered_at',
      [owner.workspaceId, contact.id],
    );
    expect(lifecycle).toEqual([
      { lifecycle_stage: 'lead', current: false },
      { lifecycle_stage: 'sales_qualified', current: false },
      { lifecycle_stage: 'customer', current: true },
    ]);

    const done = (await owner.get(`/tasks/${task.id}`)).body;
    const [taskRow] = await readModel(
      stack,
      'SELECT assignee_id, status, completed_at, related_type, related_id FROM reporting.tasks WHERE workspace_id = $1 AND id = $2',
      [owner.workspaceId, task.id],
    );
    expect({ ...taskRow, completed_at: taskRow.completed_at?.toISOString() }).toEqual({
      assignee_id: owner.userId,
      status: 'done',
      completed_at: done.completedAt,
      related_type: 'contact',
      related_id: contact.id,
    });
  });

  it('counts the contacts of an import like single creates and updates (crm emits one contacts.imported per batch)', async () => {
    const existing = (await owner.post('/contacts', { firstName: 'Grace', email: `grace-${randomUUID()}@example.com`, lifecycleStage: 'lead' })).body;
    const fresh = `imported-${randomUUID()}@example.com`;
    const form = new FormData();
    form.append('entity', 'contacts');
    form.append('mode', 'overwrite');
    form.append(
      'file',
      new Blob([`Email,First Name,Lifecycle Stage,Lead Source\n${fresh},Imported,subscriber,trade fair\n${existing.email},Grace,sales_qualified,referral\n`]),
      'contacts.csv',
    );
    const upload = await fetch(`${stack.api}/imports`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}` }, body: form });
    expect(upload.status).toBe(202);
    const { id: importId } = (await upload.json()) as { id: string };
    await eventually(async () => (await owner.get(`/imports/${importId}`)).body.status === 'completed', 30_000);
    await stack.caughtUp();

    const rows = await readModel(stack, 'SELECT id, lifecycle_stage, lead_source FROM reporting.contacts WHERE workspace_id = $1 ORDER BY created_at', [
      owner.workspaceId,
    ]);
    const source = (await owner.get('/contacts?limit=100')).body.data as Array<{
      id: string;
      email: string;
      lifecycleStage: string;
      leadSource: string | null;
    }>;
    expect(sorted(rows)).toEqual(
      sorted(source.map((contact) => ({ id: contact.id, lifecycle_stage: contact.lifecycleStage, lead_source: contact.leadSource }))),
    );
    expect(rows.find((row) => row.id === existing.id)).toMatchObject({ lifecycle_stage: 'sales_qualified', lead_source: 'referral' });
    const freshContact = source.find((contact) => contact.email === fresh)!;
    expect(freshContact).toMatchObject({ lifecycleStage: 'subscriber', leadSource: 'trade fair' });
    // What reporting applied came from the batch event, not from single contact events.
    expect(await outboxEvents(stack, 'contact.created', freshContact.id)).toEqual([]);
    const batches = await outboxEvents(stack, 'contacts.imported');
    expect(batches.flatMap((batch) => batch.data.contacts.map((contact: { id: string }) => contact.id))).toEqual(
      expect.arrayContaining([freshContact.id, existing.id]),
    );
    const lifecycle = await readModel(
      stack,
      'SELECT lifecycle_stage FROM reporting.contact_lifecycle_history WHERE workspace_id = $1 AND contact_id = $2 ORDER BY entered_at',
      [owner.workspaceId, existing.id],
    );
    expect(lifecycle.map((entry) => entry.lifecycle_stage)).toEqual(['lead', 'sales_qualified']);

    // The funnel totals are the GROUP BY of the live contacts after creates, an import's updates and a deletion.
    expect((await owner.delete(`/contacts/${freshContact.id}`)).status).toBe(204);
    await stack.caughtUp();
    const funnel = await readModel(
      stack,
      `SELECT owner_id, (created_at AT TIME ZONE 'UTC')::date AS day, lifecycle_stages_entered AS entered, lifecycle_funnel_steps AS steps, count(*)::int AS contacts
       FROM reporting.contacts WHERE workspace_id = $1 AND deleted_at IS NULL GROUP BY 1, 2, 3, 4`,
      [owner.workspaceId],
    );
    const funnelTotals = await readModel(
      stack,
      `SELECT owner_id, created_on AS day, lifecycle_stages_entered AS entered, lifecycle_funnel_steps AS steps, contacts
       FROM reporting.contact_funnel_totals WHERE workspace_id = $1`,
      [owner.workspaceId],
    );
    expect(funnel.some((group) => group.entered.includes('sales_qualified'))).toBe(true);
    expect(sorted(funnelTotals)).toEqual(sorted(funnel));
    // Each contact's funnel columns are what the funnel function finds in its stored history, of one entry (which the statement
    // works out without the function) or of several.
    const funnelColumns = await readModel(
      stack,
      `SELECT c.lifecycle_stages_entered = h.entered AND c.lifecycle_funnel_steps = h.steps AS agree, h.entries FROM reporting.contacts c
       JOIN (SELECT contact_id, count(*)::int AS entries, array_agg(DISTINCT lifecycle_stage) AS entered,
               reporting.contact_funnel_steps($2::text[], array_agg(lifecycle_stage ORDER BY entered_at), array_agg(entered_at ORDER BY entered_at)) AS steps
             FROM reporting.contact_lifecycle_history WHERE workspace_id = $1 GROUP BY contact_id) h ON h.contact_id = c.id
       WHERE c.workspace_id = $1`,
      [owner.workspaceId, LIFECYCLE_FUNNEL_STAGES],
    );
    expect(new Set(funnelColumns.map((contact) => contact.entries > 1))).toEqual(new Set([false, true]));
    expect(funnelColumns.filter((contact) => !contact.agree)).toEqual([]);
    const acquired = await readModel(
      stack,
      `SELECT owner_id, lead_source, customer_since::text AS day, count(*)::int AS customers FROM reporting.contacts
       WHERE workspace_id = $1 AND deleted_at IS NULL AND customer_since IS NOT NULL GROUP BY 1, 2, 3`,
      [owner.workspaceId],
    );
    const acquisitionTotals = await readModel(
      stack,
      'SELECT owner_id, lead_source, customer_since::text AS day, customers FROM reporting.contact_acquisition_totals WHERE workspace_id = $1',
      [owner.workspaceId],
    );
    expect(acquired.length).toBeGreaterThan(0);
    expect(sorted(acquisitionTotals)).toEqual(sorted(acquired));
  });

  it('records the stream position it has applied, and a redelivered event has no second effect', async () => {
    const [prospecting, qualification] = stages;
    const deal = (await owner.post('/deals', { name: 'Twice', amount: 5_000, currency: 'USD', stageId: prospecting!.id })).body;
    await owner.post(`/deals/${deal.id}/stage`, { stageId: qualification!.id });
    await stack.caughtUp();
    const historyOf = () =>
      readModel(stack, 'SELECT stage_id, left_at FROM reporting.deal_stage_history WHERE workspace_id = $1 AND deal_id = $2 ORDER BY entered_at', [
        owner.workspaceId,
        deal.id,
      ]);
    const before = await historyOf();
    expect(before.map((entry) => entry.stage_id)).toEqual([prospecting!.id, qualification!.id]);

    const [moved] = await outboxEvents(stack, 'deal.stage_changed', deal.id);
    const [position] = await readModel(stack, `SELECT stream_sequence, last_event_id FROM reporting.projection_positions WHERE projection = 'deals'`, []);
    expect(position.last_event_id).toBe(moved!.id);

    // The same event published again after JetStream's duplicate window: stored twice, applied once.
    const [stored] = await stack.owner.query('SELECT payload FROM crm.outbox WHERE id = $1', [moved!.id]);
    const sequence = await stack.publish('crm', stored.payload, `${moved!.id}:again`);
    expect(sequence).toBeGreaterThan(Number(position.stream_sequence));
    await stack.caughtUp();
    expect(await historyOf()).toEqual(before);
    const [after] = await readModel(stack, `SELECT stream_sequence FROM reporting.projection_positions WHERE projection = 'deals'`, []);
    expect(after.stream_sequence).toBe(position.stream_sequence);
  });

  it('takes a deal in a stage it has never heard of without stopping, and keeps applying later events', async () => {
    const unknownStage = randomUUID();
    const stray = {
      id: randomUUID(),
      name: 'Stray',
      amount: 900,
      currency: 'CHF',
      pipelineId: randomUUID(),
      stageId: unknownStage,
      contactIds: [],
      createdAt: new Date().toISOString(),
    };
    await stack.publish('crm', envelope(owner.workspaceId, 'deal.created', stray.id, { deal: stray }));
    const after = (await owner.post('/deals', { name: 'After the stray', amount: 700, currency: 'USD', stageId: stages[0]!.id })).body;
    await stack.caughtUp();
    const rows = await readModel(stack, 'SELECT id, stage_id, status FROM reporting.deals WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY name', [
      owner.workspaceId,
      [stray.id, after.id],
    ]);
    expect(rows).toEqual([
      { id: after.id, stage_id: stages[0]!.id, status: 'open' },
      { id: stray.id, stage_id: unknownStage, status: 'open' },
    ]);
    const report = await owner.get(`/reports/pipeline?pipelineId=${stray.pipelineId}`);
    expect(report.status).toBe(200);
    expect(report.body.data).toEqual([
      {
        pipelineId: stray.pipelineId,
        stageId: unknownStage,
        stageName: null,
        position: null,
        probability: null,
        currency: 'CHF',
        count: 1,
        amount: 900,
        weightedAmount: 0,
      },
    ]);
  });
});

function envelope(workspaceId: string, type: string, aggregateId: string, data: unknown): DomainEvent {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), workspaceId, actorId: null, aggregateId, data };
}
