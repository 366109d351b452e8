import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { startMailbox, startTestService, type Mailbox } from '@kinship/testing';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { eventually, expectError, type Caller } from '../../crm/test/support.js';
import { startReportingStack, type ReportingStack } from './support.js';

/**
 * Issue 13 item 4: a scheduled saved report is emailed, with its CSV attached, to the users chosen
 * (reporting emits report.scheduled_delivery, notifications sends template report_delivery).
 * The test moves the schedule's next run into the past instead of waiting for Monday.
 */
describe('scheduled saved reports', () => {
  let stack: ReportingStack;
  let mailbox: Mailbox;
  let notifications: RunningService;
  let owner: Caller;
  let manager: Caller;
  let member: Caller;

  async function emailOf(caller: Caller): Promise<string> {
    const me = await caller.get('/me');
    expect(me.status).toBe(200);
    return me.body.email as string;
  }

  beforeAll(async () => {
    stack = await startReportingStack('reporting-scheduled', { REPORT_SCHEDULE_POLL_INTERVAL_MS: '200' });
    mailbox = await startMailbox();
    // Its consumers take only events published after they first exist: it starts before any delivery.
    notifications = await startTestService(notificationsService, stack.environment, { SMTP_URL: mailbox.smtpUrl, SEND_BACKOFF_MS: '100' });
    owner = await stack.signUp('scheduled');
    manager = await stack.member(owner, 'manager');
    member = await stack.member(owner, 'member');
    const [pipeline] = await eventually(async () => {
      const pipelines = (await owner.get('/pipelines')).body.data as Array<{ id: string; stages: Array<{ id: string }> }>;
      return pipelines.length > 0 && pipelines;
    });
    for (const [index, currency] of ['EUR', 'USD', 'EUR'].entries()) {
      const created = await owner.post('/deals', {
        name: `Deal ${index}`,
        amount: 100 * (index + 1),
        currency,
        pipelineId: pipeline!.id,
        stageId: pipeline!.stages[0]!.id,
      });
      expect(created.status).toBe(201);
    }
    await stack.caughtUp();
  }, 300_000);

  afterAll(async () => {
    await notifications?.close();
    await mailbox?.close();
    await stack?.close();
  });

  it('emails the CSV to each chosen user once when the schedule is due, then waits for the next run', async () => {
    const query = { entity: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], dimensions: [{ field: 'currency' }] };
    const created = await manager.post('/reports/saved', {
      name: 'Weekly pipeline',
      query,
      schedule: { frequency: 'weekly', recipientUserIds: [owner.userId, member.userId, owner.userId] },
    });
    expect(created.status).toBe(201);
    const nextRunAt = new Date(created.body.schedule.nextRunAt);
    expect(created.body.schedule).toMatchObject({ frequency: 'weekly', recipientUserIds: [owner.userId, member.userId] });
    expect(nextRunAt.getUTCDay()).toBe(1);
    expect(nextRunAt.toISOString().slice(11)).toBe('07:00:00.000Z');
    expect(nextRunAt.getTime()).toBeGreaterThan(Date.now());

    await sleep(600);
    const reportMails = () => mailbox.messages().filter((mail) => mail.subject === 'Report: Weekly pipeline');
    expect(reportMails()).toEqual([]);
    await stack.readModels.query(`UPDATE reporting.report_schedules SET next_run_at = now() - interval '1 minute' WHERE saved_report_id = $1`, [
      created.body.id,
    ]);

    const ownerEmail = await emailOf(owner);
    const memberEmail = await emailOf(member);
    const delivered = await eventually(async () => reportMails().length >= 2 && reportMails(), 30_000);
    const toOwner = delivered.find((mail) => mail.to.includes(ownerEmail));
    const toMember = delivered.find((mail) => mail.to.includes(memberEmail));
    expect(toOwner!.subject).toBe('Report: Weekly pipeline');
    expect(toOwner!.text).toContain('weekly report');
    const csv = toOwner!.attachments.find((file) => file.filename?.endsWith('.csv'));
    expect(csv).toMatchObject({ filename: `weekly-pipeline-${new Date().toISOString().slice(0, 10)}.csv`, contentType: 'text/csv' });
    const results = (await owner.get(`/reports/saved/${created.body.id}/results`)).body;
    expect(csv!.content.toString('utf8').trim().split('\n')).toEqual(['currency,count,sum(amount)', ...results.rows.map((row: unknown[]) => row.join(','))]);
    // A member sees their own deals in the console (none here), and so in the email.
    const memberResults = (await member.get(`/reports/saved/${created.body.id}/results`)).body;
    expect(memberResults.rows).toEqual([]);
    expect(toMember!.attachments.map((file) => file.content.toString('utf8').trim())).toEqual(['currency,count,sum(amount)']);

    const after = (await owner.get(`/reports/saved/${created.body.id}`)).body;
    expect(new Date(after.schedule.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    await sleep(1000);
    expect(reportMails()).toHaveLength(2);
  });

  it('emails a report over a custom object’s records to each recipient as they may see them: a member their own, a role without access nothing', async () => {
    const property = {
      key: 'property',
      singularLabel: 'Property',
      pluralLabel: 'Properties',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true },
        { key: 'kind', label: 'Kind', type: 'select', options: ['house', 'flat'] },
      ],
      access: { manager: 'none' },
    };
    expect((await owner.post('/objects', property)).status).toBe(201);
    for (const [caller, kind] of [
      [owner, 'house'],
      [owner, 'flat'],
      [member, 'house'],
    ] as const) {
      expect((await caller.post('/objects/property/records', { values: { name: `${kind} of ${caller.role}`, kind } })).status).toBe(201);
    }
    await stack.caughtUp();
    const created = await owner.post('/reports/saved', {
      name: 'Properties by kind',
      query: { entity: 'records', object: 'property', measures: [{ fn: 'count' }], dimensions: [{ field: 'values.kind' }] },
      schedule: { frequency: 'monthly', recipientUserIds: [owner.userId, manager.userId, member.userId] },
    });
    expect(created.status).toBe(201);
    await stack.readModels.query(`UPDATE reporting.report_schedules SET next_run_at = now() - interval '1 minute' WHERE saved_report_id = $1`, [
      created.body.id,
    ]);

    const reportMails = () => mailbox.messages().filter((mail) => mail.subject === 'Report: Properties by kind');
    const delivered = await eventually(async () => reportMails().length >= 2 && reportMails(), 30_000);
    const csvTo = async (caller: Caller) => {
      const email = await emailOf(caller);
      const mail = delivered.find((candidate) => candidate.to.includes(email));
      return mail!.attachments
        .find((file) => file.filename?.endsWith('.csv'))!
        .content.toString('utf8')
        .trim()
        .split('\n');
    };
    const rowsOf = async (caller: Caller) => (await caller.get(`/reports/saved/${created.body.id}/results`)).body.rows.map((row: unknown[]) => row.join(','));
    expect(await rowsOf(owner)).toEqual(['flat,1', 'house,2']);
    expect(await csvTo(owner)).toEqual(['values.kind,count', ...(await rowsOf(owner))]);
    expect(await rowsOf(member)).toEqual(['house,1']);
    expect(await csvTo(member)).toEqual(['values.kind,count', ...(await rowsOf(member))]);
    // The manager's role may not read properties: nothing is sent to them, and the schedule moves on.
    expectError(await manager.get(`/reports/saved/${created.body.id}/results`), 403);
    await sleep(1000);
    const managerEmail = await emailOf(manager);
    expect(reportMails().filter((mail) => mail.to.includes(managerEmail))).toEqual([]);
    expect(reportMails()).toHaveLength(2);
    const after = (await owner.get(`/reports/saved/${created.body.id}`)).body;
    expect(new Date(after.schedule.nextRunAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('sends nothing for a report that no longer runs (a field removed from its object) and moves its schedule on', async () => {
    const lease = { key: 'lease', singularLabel: 'Lease', pluralLabel: 'Leases', fields: [{ key: 'rent', label: 'Rent', type: 'number' }] };
    expect((await owner.post('/objects', lease)).status).toBe(201);
    const created = await owner.post('/reports/saved', {
      name: 'Rent',
      query: { entity: 'records', object: 'lease', measures: [{ fn: 'sum', field: 'values.rent' }] },
      schedule: { frequency: 'weekly', recipientUserIds: [owner.userId] },
    });
    expect(created.status).toBe(201);
    expect((await owner.delete('/objects/lease/fields/rent')).status).toBe(204);
    await stack.readModels.query(`UPDATE reporting.report_schedules SET next_run_at = now() - interval '1 minute' WHERE saved_report_id = $1`, [
      created.body.id,
    ]);
    const moved = await eventually(async () => {
      const schedule = (await owner.get(`/reports/saved/${created.body.id}`)).body.schedule;
      return new Date(schedule.nextRunAt).getTime() > Date.now() && schedule;
    }, 30_000);
    expect(moved.frequency).toBe('weekly');
    await sleep(1000);
    expect(mailbox.messages().filter((mail) => mail.subject === 'Report: Rent')).toEqual([]);
  });

  it('refuses recipients who are not users of the workspace and saves nothing', async () => {
    const before = (await owner.get('/reports/saved')).body.data.length;
    const body = {
      name: 'Nobody',
      query: { entity: 'tasks', measures: [{ fn: 'count' }] },
      schedule: { frequency: 'monthly', recipientUserIds: [owner.userId, randomUUID()] },
    };
    expectError(await manager.post('/reports/saved', body), 422, 'schedule.recipientUserIds.1');
    expectError(
      await manager.post('/reports/saved', { ...body, schedule: { frequency: 'daily', recipientUserIds: [owner.userId] } }),
      422,
      'schedule.frequency',
    );
    expectError(await manager.post('/reports/saved', { ...body, schedule: { frequency: 'monthly', recipientUserIds: [] } }), 422, 'schedule.recipientUserIds');
    const stranger = await stack.signUp('stranger');
    expectError(
      await manager.post('/reports/saved', { ...body, schedule: { frequency: 'monthly', recipientUserIds: [stranger.userId] } }),
      422,
      'schedule.recipientUserIds.0',
    );
    expect((await owner.get('/reports/saved')).body.data).toHaveLength(before);
  });

  it('moves a schedule to monthly, and stops it with null', async () => {
    const created = await manager.post('/reports/saved', {
      name: 'Tasks',
      query: { entity: 'tasks', measures: [{ fn: 'count' }] },
      schedule: { frequency: 'weekly', recipientUserIds: [owner.userId] },
    });
    const monthly = await manager.patch(`/reports/saved/${created.body.id}`, { schedule: { frequency: 'monthly', recipientUserIds: [member.userId] } });
    expect(monthly.status).toBe(200);
    expect(monthly.body.schedule).toMatchObject({ frequency: 'monthly', recipientUserIds: [member.userId] });
    expect(new Date(monthly.body.schedule.nextRunAt).getUTCDate()).toBe(1);
    const stopped = await manager.patch(`/reports/saved/${created.body.id}`, { schedule: null });
    expect(stopped.body.schedule).toBeNull();
    const [{ count }] = await stack.readModels.query('SELECT count(*)::int AS count FROM reporting.report_schedules WHERE saved_report_id = $1', [
      created.body.id,
    ]);
    expect(count).toBe(0);
  });
});
