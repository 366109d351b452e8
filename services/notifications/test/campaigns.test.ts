import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, expectError, type Caller } from '../../crm/test/support.js';
import { insertContacts, parse, startCampaignsBed, uniqueLabel, type CampaignsTestBed } from './campaigns-support.js';

interface Counts {
  total: number;
  queued: number;
  sent: number;
  failed: number;
  skippedOptedOut: number;
  skippedNoAddress: number;
  cancelled: number;
  unsubscribed: number;
}

function email(label: string): string {
  return `${uniqueLabel(label)}@example.com`;
}

describe('campaigns', () => {
  let bed: CampaignsTestBed;
  let owner: Caller;

  async function campaign(caller: Caller, id: string): Promise<{ status: string; counts: Counts; [key: string]: unknown }> {
    const response = await caller.get(`/campaigns/${id}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function sentCampaign(id: string, caller = owner): Promise<{ status: string; counts: Counts }> {
    return eventually(async () => {
      const found = await campaign(caller, id);
      return found.status === 'sent' ? found : undefined;
    }, 20_000);
  }

  async function createAndSend(caller: Caller, body: Record<string, unknown>): Promise<string> {
    const created = await caller.post('/campaigns', body);
    expect(created.status).toBe(201);
    const sent = await caller.post(`/campaigns/${created.body.id}/send`);
    expect(sent.status).toBe(200);
    return created.body.id;
  }

  beforeAll(async () => {
    // A low rate, so that a campaign of a few hundred takes long enough to watch and cancel.
    bed = await startCampaignsBed('notifications-campaigns', { CAMPAIGN_EMAILS_PER_SECOND: '100', CAMPAIGN_BATCH_SIZE: '20' });
    owner = await bed.stack.signUp('campaigns');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('refuses a campaign whose audience, content or schedule is wrong, naming the field, and stores nothing', async () => {
    const segment = '00000000-0000-4000-8000-000000000000';
    const base = { name: 'Launch', channel: 'email', subject: 'Hi', body: '<p>Hi</p>' };
    expect((await owner.post('/custom-fields', { entity: 'contact', key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, audience: { segmentId: segment, contactIds: [segment] } }, 422, 'audience'],
      [{ ...base, audience: {} }, 422, 'audience'],
      [{ ...base, audience: { segmentId: segment } }, 422, 'audience.segmentId'],
      [{ ...base, audience: { filter: { lifecycleStage: 'astronaut' } } }, 422, 'audience.filter.lifecycleStage'],
      [{ ...base, audience: { filter: { customFields: { seats: { from: 9, to: 1 } } } } }, 422, 'audience.filter.customFields.seats'],
      [{ ...base, audience: { filter: { customFields: { seats: { contains: '9' } } } } }, 422, 'audience.filter.customFields.seats'],
      [{ ...base, audience: { contactIds: [segment] }, scheduledAt: '2020-01-01T00:00:00.000Z' }, 422, 'scheduledAt'],
      [{ ...base, subject: undefined, audience: { contactIds: [segment] } }, 422, 'subject'],
      [{ ...base, body: '<p>{{#if}}</p>', audience: { contactIds: [segment] } }, 422, 'body'],
      [{ ...base, body: undefined, templateId: 'password_reset', audience: { contactIds: [segment] } }, 422, 'templateId'],
      [{ ...base, body: undefined, templateId: 'no_such_template', audience: { contactIds: [segment] } }, 422, 'templateId'],
      [{ ...base, channel: 'sms', audience: { contactIds: [segment] } }, 422, 'subject'],
      [{ ...base, channel: 'fax', audience: { contactIds: [segment] } }, 422, 'channel'],
    ];
    for (const [body, status, field] of cases) {
      const response = await owner.post('/campaigns', body);
      try {
        expectError(response, status, field);
      } catch (error) {
        throw new Error(`${JSON.stringify(body)} → ${response.status} ${JSON.stringify(response.body)}: ${(error as Error).message}`);
      }
    }
    expect((await owner.get('/campaigns')).body.data).toEqual([]);
  });

  it('sends a static segment personalised mail with one-click unsubscribe headers, skipping and counting opted-out and address-less contacts', async () => {
    const ada = email('ada');
    const optedOut = email('gone');
    const ids = await insertContacts(bed.stack, owner.workspaceId, [
      { firstName: 'Ada', lastName: 'Lovelace', email: ada, companyName: 'Analytical <Engines>', customFields: { plan: 'gold' } },
      { firstName: 'Opted', email: optedOut, emailOptOut: true },
      { firstName: 'Nomail', phone: '+442071838750' },
    ]);
    const segment = await owner.post('/segments', { name: uniqueLabel('static'), kind: 'static', contactIds: ids });
    expect(segment.status).toBe(201);
    const id = await createAndSend(owner, {
      name: 'Static launch',
      channel: 'email',
      subject: 'News for {{firstName}} at {{companyName}}',
      body: '<p>Dear {{firstName}} {{lastName}} of {{companyName}}, your plan: {{customFields.plan}}</p>',
      audience: { segmentId: segment.body.id },
    });
    const done = await sentCampaign(id);
    expect(done.counts).toMatchObject({ total: 3, queued: 0, sent: 1, failed: 0, skippedOptedOut: 1, skippedNoAddress: 1, unsubscribed: 0 });
    expect(bed.smtp.to(optedOut)).toHaveLength(0);
    const [mail] = bed.smtp.to(ada);
    expect(bed.smtp.to(ada)).toHaveLength(1);
    const parsed = await parse(mail!);
    expect(parsed.subject).toBe('News for Ada at Analytical <Engines>');
    expect(parsed.html).toContain('Dear Ada Lovelace of Analytical &lt;Engines&gt;, your plan: gold');
    expect(parsed.text).toContain('Dear Ada Lovelace of Analytical <Engines>, your plan: gold');
    const header = (key: string) => parsed.headerLines.find((line) => line.key === key)?.line.replace(/\r?\n\s+/g, '');
    const unsubscribeUrl = /^List-Unsubscribe: ?<([^>]+)>$/.exec(header('list-unsubscribe') ?? '')?.[1];
    if (!unsubscribeUrl) throw new Error(`no List-Unsubscribe URL in ${JSON.stringify(parsed.headerLines)}`);
    expect(unsubscribeUrl).toMatch(new RegExp(`^${bed.stack.gateway.url}/api/v1/u/[A-Za-z0-9_-]+$`));
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // The body has no {{unsubscribeUrl}} of its own: the footer carries the same link.
    expect(parsed.html).toContain(`href="${unsubscribeUrl}"`);

    const log = await owner.get(`/campaigns/${id}/recipients`);
    expect(log.status).toBe(200);
    expect(log.body.data.map((row: { status: string }) => row.status).sort()).toEqual(['sent', 'skipped_no_address', 'skipped_opted_out']);
    const sentRow = log.body.data.find((row: { status: string }) => row.status === 'sent');
    expect(sentRow).toMatchObject({ address: ada, attempts: 1, providerMessageId: parsed.messageId, sentAt: expect.any(String) });
    const skipped = await owner.get(`/campaigns/${id}/recipients?status=skipped_opted_out`);
    expect(skipped.body.data).toEqual([expect.objectContaining({ address: optedOut, sentAt: null })]);

    // email.sent puts the email on the contact's timeline in crm; the skipped contacts get none.
    const entry = await eventually(async () => {
      const timeline = await owner.get(`/contacts/${ids[0]}/timeline`);
      return timeline.body.data.find((candidate: { kind: string }) => candidate.kind === 'email_sent');
    });
    expect(entry.data).toMatchObject({ campaignId: id });
    const optedOutTimeline = await owner.get(`/contacts/${ids[1]}/timeline`);
    expect(optedOutTimeline.body.data.filter((candidate: { kind: string }) => candidate.kind === 'email_sent')).toEqual([]);
  });

  it('sends to a dynamic filter and to a list of contact ids', async () => {
    const tag = uniqueLabel('filter');
    const [first, second] = [email('f1'), email('f2')];
    const ids = await insertContacts(bed.stack, owner.workspaceId, [
      { firstName: 'First', email: first, companyName: tag },
      { firstName: 'Second', email: second, companyName: tag },
    ]);
    const byFilter = await createAndSend(owner, {
      name: 'Filter',
      channel: 'email',
      subject: 'Hello {{firstName}}',
      body: '<p>x</p>',
      audience: { filter: { q: tag } },
    });
    expect((await sentCampaign(byFilter)).counts).toMatchObject({ total: 2, sent: 2 });
    const byIds = await createAndSend(owner, { name: 'Ids', channel: 'email', subject: 'Only you', body: '<p>y</p>', audience: { contactIds: [ids[1]] } });
    expect((await sentCampaign(byIds)).counts).toMatchObject({ total: 1, sent: 1 });
    expect(bed.smtp.to(first)).toHaveLength(1);
    expect(bed.smtp.to(second)).toHaveLength(2);
  });

  it('sends an SMS campaign to contacts with a phone number, skipping those without one and those opted out of SMS', async () => {
    const ids = await insertContacts(bed.stack, owner.workspaceId, [
      { firstName: 'Phone', phone: '+14155550101' },
      { firstName: 'NoPhone', email: email('nophone') },
      { firstName: 'StopSms', phone: '+14155550102', smsOptOut: true },
    ]);
    const id = await createAndSend(owner, { name: 'Sms', channel: 'sms', body: 'Hi {{firstName}}, sale today', audience: { contactIds: ids } });
    const done = await sentCampaign(id);
    expect(done.counts).toMatchObject({ total: 3, sent: 1, skippedNoAddress: 1, skippedOptedOut: 1 });
  });

  it('opts a contact out through the unsubscribe link’s confirmation: crm sets the opt-out, the campaign counts it, a second use changes nothing', async () => {
    const address = email('leaver');
    const [contactId] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Leaver', email: address }]);
    const id = await createAndSend(owner, {
      name: 'Leave',
      channel: 'email',
      subject: 'Bye',
      body: '<p>Go: <a href="{{unsubscribeUrl}}">here</a></p>',
      audience: { contactIds: [contactId] },
    });
    await sentCampaign(id);
    const parsed = await parse(bed.smtp.to(address)[0]!);
    const link = /href="([^"]+\/api\/v1\/u\/[^"]+)"/.exec(parsed.html || '')![1]!;
    expect(parsed.html).not.toContain('You receive this email because');

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<form method="post">');
    const confirmed = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are unsubscribed');
    const contact = await eventually(async () => {
      const response = await owner.get(`/contacts/${contactId}`);
      return response.body.emailOptOut === true ? response.body : undefined;
    });
    expect(contact.smsOptOut).toBe(false);
    expect((await campaign(owner, id)).counts.unsubscribed).toBe(1);

    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.json()).toEqual({ channel: 'email', alreadyUnsubscribed: true });
    const events: Array<{ count: string }> = await bed.stack.owner.query(
      `SELECT count(*) FROM notifications.outbox WHERE type = 'contact.unsubscribed' AND payload->>'aggregateId' = $1`,
      [contactId],
    );
    expect(Number(events[0]!.count)).toBe(1);

    const unsubscribed = await owner.get(`/campaigns/${id}/recipients?status=unsubscribed`);
    expect(unsubscribed.body.data).toEqual([expect.objectContaining({ contactId, status: 'sent', unsubscribedAt: expect.any(String) })]);

    const tampered = link.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    const refused = await fetch(tampered);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({ status: 404, code: expect.any(String) });

    // The next campaign to the same contact skips it as opted out.
    const again = await createAndSend(owner, { name: 'Again', channel: 'email', subject: 'Back?', body: '<p>?</p>', audience: { contactIds: [contactId] } });
    expect((await sentCampaign(again)).counts).toMatchObject({ sent: 0, skippedOptedOut: 1 });
    expect(bed.smtp.to(address)).toHaveLength(1);
  });

  it('shows live counts while sending and stops on cancel: nobody queued is sent afterwards', async () => {
    const tag = uniqueLabel('cancel');
    await insertContacts(
      bed.stack,
      owner.workspaceId,
      Array.from({ length: 400 }, (_, index) => ({ firstName: `C${index}`, email: `${tag}-${index}@example.com`, companyName: tag })),
    );
    const id = await createAndSend(owner, { name: 'Cancel me', channel: 'email', subject: 'x', body: '<p>x</p>', audience: { filter: { q: tag } } });
    const live = await eventually(async () => {
      const found = await campaign(owner, id);
      return found.status === 'sending' && found.counts.sent > 0 && found.counts.queued > 0 ? found : undefined;
    });
    expect(live.counts.total).toBe(400);
    const cancelled = await owner.post(`/campaigns/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // Batches in hand finish; then nothing moves.
    await eventually(async () => (await campaign(owner, id)).counts.queued === 0);
    await sleep(1000);
    const after = await campaign(owner, id);
    expect(after.counts.sent).toBeGreaterThan(0);
    expect(after.counts.cancelled).toBeGreaterThan(0);
    expect(after.counts.sent + after.counts.cancelled).toBe(400);
    expect(bed.smtp.mails.filter((mail) => mail.to.startsWith(`${tag}-`))).toHaveLength(after.counts.sent);
    expectError(await owner.post(`/campaigns/${id}/cancel`), 409, 'status');
    expectError(await owner.post(`/campaigns/${id}/send`), 409, 'status');
  });

  it('schedules a campaign for later, sends it then, and refuses to change or resend a sent one', async () => {
    const address = email('later');
    const [contactId] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Later', email: address }]);
    const scheduledAt = new Date(Date.now() + 1500).toISOString();
    const created = await owner.post('/campaigns', {
      name: 'Later',
      channel: 'email',
      subject: 'Later',
      body: '<p>now</p>',
      audience: { contactIds: [contactId] },
      scheduledAt,
    });
    expect(created.body).toMatchObject({ status: 'draft', scheduledAt });
    const scheduled = await owner.post(`/campaigns/${created.body.id}/send`);
    expect(scheduled.body.status).toBe('scheduled');
    expect(bed.smtp.to(address)).toHaveLength(0);
    await sentCampaign(created.body.id);
    expect(bed.smtp.to(address)).toHaveLength(1);
    expectError(await owner.patch(`/campaigns/${created.body.id}`, { name: 'Renamed' }), 409, 'status');
    expectError(await owner.post(`/campaigns/${created.body.id}/send`), 409, 'status');
    expectError(await owner.delete(`/campaigns/${created.body.id}`), 409, 'status');
  });

  it('edits and deletes drafts; keeps campaigns to their workspace and writes to managers', async () => {
    const created = await owner.post('/campaigns', {
      name: 'Draft',
      channel: 'email',
      subject: 's',
      body: '<p>b</p>',
      audience: { contactIds: ['00000000-0000-4000-8000-000000000001'] },
    });
    const patched = await owner.patch(`/campaigns/${created.body.id}`, { name: 'Draft 2', subject: 'Hello {{firstName}}' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Draft 2', subject: 'Hello {{firstName}}', status: 'draft' });
    expectError(await owner.patch(`/campaigns/${created.body.id}`, { scheduledAt: '2001-01-01T00:00:00.000Z' }), 422, 'scheduledAt');
    expect((await campaign(owner, created.body.id)).name).toBe('Draft 2');

    const stranger = await bed.stack.signUp('stranger');
    for (const response of [
      await stranger.get(`/campaigns/${created.body.id}`),
      await stranger.post(`/campaigns/${created.body.id}/send`),
      await stranger.post(`/campaigns/${created.body.id}/cancel`),
      await stranger.get(`/campaigns/${created.body.id}/recipients`),
    ]) {
      expectError(response, 404);
    }
    const viewer = await bed.stack.as(owner, 'viewer');
    expect((await viewer.get(`/campaigns/${created.body.id}`)).status).toBe(200);
    expectError(await viewer.post('/campaigns', { name: 'No', channel: 'email', subject: 's', body: 'b', audience: { contactIds: [created.body.id] } }), 403);
    expectError(await viewer.post(`/campaigns/${created.body.id}/send`), 403);
    expect((await campaign(owner, created.body.id)).status).toBe('draft');

    expect((await owner.delete(`/campaigns/${created.body.id}`)).status).toBe(204);
    expectError(await owner.get(`/campaigns/${created.body.id}`), 404);
  });

  it('counts campaign messages on /metrics by channel and outcome', async () => {
    const outcomes = async () => {
      const page = await (await fetch(`${bed.notifications.url}/metrics`)).text();
      const count = (outcome: string) => {
        const sample = page
          .split('\n')
          .find((line) => line.startsWith('kinship_campaign_messages_total{') && line.includes('channel="email"') && line.includes(`outcome="${outcome}"`));
        return sample ? Number(sample.split(' ').at(-1)) : 0;
      };
      return { queued: count('queued'), sent: count('sent'), skippedOptedOut: count('skipped_opted_out'), skippedNoAddress: count('skipped_no_address') };
    };
    const ids = await insertContacts(bed.stack, owner.workspaceId, [
      { firstName: 'One', email: email('m1') },
      { firstName: 'Two', email: email('m2') },
      { firstName: 'Gone', email: email('m3'), emailOptOut: true },
      { firstName: 'Nomail', phone: '+14155550103' },
    ]);
    const before = await outcomes();
    const id = await createAndSend(owner, { name: 'Counted', channel: 'email', subject: 'Hi', body: '<p>z</p>', audience: { contactIds: ids } });
    expect((await sentCampaign(id)).counts).toMatchObject({ total: 4, sent: 2, skippedOptedOut: 1, skippedNoAddress: 1 });
    const expected = {
      queued: before.queued + 2,
      sent: before.sent + 2,
      skippedOptedOut: before.skippedOptedOut + 1,
      skippedNoAddress: before.skippedNoAddress + 1,
    };
    await eventually(async () => JSON.stringify(await outcomes()) === JSON.stringify(expected));
    expect(await outcomes()).toEqual(expected);
  });
});
