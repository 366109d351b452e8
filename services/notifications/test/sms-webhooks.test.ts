import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, expectError, outboxEvents, type ApiResponse, type Caller } from '../../crm/test/support.js';
import { twilioSignature } from '../src/sms/twilio-signature.js';
import { insertContacts, startCampaignsBed, type CampaignsTestBed } from './campaigns-support.js';
import { startSmsProvider, type SmsProvider } from './sms-support.js';

const AUTH_TOKEN = 'webhook-auth-token';
const RECEIVING_NUMBER = '+15550009999';
const HELP_TEXT = 'Acme support: reply STOP to opt out. Call +1 555 000 1234.';

type Params = Record<string, string>;

let sidCounter = 0;
/** A fresh inbound message id, in Twilio's shape. */
function inboundSid(): string {
  sidCounter += 1;
  return `SMfeed${Date.now().toString(16)}${sidCounter.toString(16)}`.padEnd(34, '0');
}

describe('SMS provider webhooks: delivery reports, inbound texts, STOP', () => {
  let bed: CampaignsTestBed;
  let provider: SmsProvider;
  let owner: Caller;

  /** Posts the provider's form to a webhook, signed with the auth token over the exact URL unless told otherwise. */
  async function webhook(
    kind: 'status' | 'inbound',
    params: Params,
    signing: { token?: string; signedUrl?: string; unsigned?: boolean } = {},
  ): Promise<ApiResponse> {
    const url = `${bed.stack.api}/webhooks/sms/${kind}`;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (!signing.unsigned) headers['x-twilio-signature'] = twilioSignature(signing.token ?? AUTH_TOKEN, signing.signedUrl ?? url, params);
    const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  function text(from: string, body: string, sid = inboundSid()): Params {
    return { MessageSid: sid, AccountSid: 'AC0123456789', From: from, To: RECEIVING_NUMBER, Body: body, NumMedia: '0' };
  }

  function report(sid: string, status: string, errorCode?: string): Params {
    return {
      MessageSid: sid,
      MessageStatus: status,
      AccountSid: 'AC0123456789',
      To: '+14155550000',
      From: '+15550001111',
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    };
  }

  async function sentCampaign(body: Record<string, unknown>): Promise<{ id: string; counts: Record<string, number> }> {
    const created = await owner.post('/campaigns', { name: 'Texts', channel: 'sms', ...body });
    expect(created.status).toBe(201);
    expect((await owner.post(`/campaigns/${created.body.id}/send`)).status).toBe(200);
    return eventually(async () => {
      const found = await owner.get(`/campaigns/${created.body.id}`);
      return found.body.status === 'sent' ? found.body : undefined;
    }, 20_000);
  }

  async function recipients(campaignId: string): Promise<Array<{ contactId: string; status: string; providerMessageId: string | null; error: string | null }>> {
    const response = await owner.get(`/campaigns/${campaignId}/recipients`);
    expect(response.status).toBe(200);
    return response.body.data;
  }

  async function contact(id: string): Promise<{ smsOptOut: boolean }> {
    const response = await owner.get(`/contacts/${id}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function storedReports(): Promise<number> {
    const rows: Array<{ count: string }> = await bed.stack.owner.query('SELECT count(*) FROM notifications.sms_status_reports');
    return Number(rows[0]!.count);
  }

  async function storedInbound(): Promise<number> {
    const rows: Array<{ count: string }> = await bed.stack.owner.query('SELECT count(*) FROM notifications.inbound_sms');
    return Number(rows[0]!.count);
  }

  beforeAll(async () => {
    provider = await startSmsProvider({ authToken: AUTH_TOKEN, reportFirst: (to) => to.endsWith('7') });
    bed = await startCampaignsBed('notifications-sms-webhooks', {
      SMS_PROVIDER: 'twilio',
      TWILIO_API_BASE: provider.url,
      TWILIO_ACCOUNT_SID: 'AC0123456789',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      SMS_FROM: '+15550001111',
      CAMPAIGN_SMS_PER_SECOND: '100',
    });
    owner = await bed.stack.signUp('sms-webhooks');
    const saved = await owner.put('/sms-settings', { phoneNumber: RECEIVING_NUMBER, helpText: HELP_TEXT, inboundTickets: true });
    expect(saved.status).toBe(200);
  });

  afterAll(async () => {
    await bed?.close();
    await provider?.close();
  });

  describe('settings', () => {
    it('keeps the receiving number, HELP reply and ticket switch per workspace; refuses a bad number, a number another workspace holds, and callers who are not admins', async () => {
      expect((await owner.get('/sms-settings')).body).toEqual({
        phoneNumber: RECEIVING_NUMBER,
        helpText: HELP_TEXT,
        inboundTickets: true,
        updatedAt: expect.any(String),
      });

      const other = await bed.stack.signUp('sms-other');
      expect((await other.get('/sms-settings')).body).toEqual({ phoneNumber: null, helpText: null, inboundTickets: false, updatedAt: null });
      const taken = await other.put('/sms-settings', { phoneNumber: RECEIVING_NUMBER });
      expectError(taken, 409, 'phoneNumber');
      expect(taken.body.error.code).toBe('number_taken');
      expectError(await other.put('/sms-settings', { phoneNumber: '555-0199' }), 422, 'phoneNumber');
      expectError(await other.put('/sms-settings', { phoneNumber: null, helpText: '   ' }), 422, 'helpText');
      expect((await other.get('/sms-settings')).body.updatedAt).toBeNull();

      const manager = await bed.stack.as(owner, 'manager');
      expectError(await manager.get('/sms-settings'), 403);
      expectError(await manager.put('/sms-settings', { phoneNumber: null }), 403);
      expect((await owner.get('/sms-settings')).body.phoneNumber).toBe(RECEIVING_NUMBER);
    });
  });

  describe('delivery status callbacks', () => {
    it('moves each campaign SMS forward once per status, never backwards, whatever order the reports arrive in, and counts them on the campaign', async () => {
      const ids = await insertContacts(bed.stack, owner.workspaceId, [
        { firstName: 'Delivered', phone: '+14155551001' },
        { firstName: 'Undelivered', phone: '+14155551002' },
        { firstName: 'Failed', phone: '+14155551003' },
      ]);
      const campaign = await sentCampaign({ body: 'Hi {{firstName}}', audience: { contactIds: ids } });
      expect(campaign.counts).toMatchObject({ total: 3, sent: 3, delivered: 0, undelivered: 0 });
      const sidOf = new Map((await recipients(campaign.id)).map((recipient) => [recipient.contactId, recipient.providerMessageId!]));
      const [delivered, undelivered, failed] = ids.map((id) => sidOf.get(id)!);

      // In order, with a duplicate: the duplicate takes no effect.
      expect((await webhook('status', report(delivered!, 'sent'))).body).toEqual({ received: true, applied: true });
      expect((await webhook('status', report(delivered!, 'delivered'))).body).toEqual({ received: true, applied: true });
      expect((await webhook('status', report(delivered!, 'delivered'))).body).toEqual({ received: true, applied: false });
      // Out of order: the final report first; the late "sent" does not move it back.
      expect((await webhook('status', report(undelivered!, 'undelivered', '30003'))).status).toBe(200);
      expect((await webhook('status', report(undelivered!, 'sent'))).body).toEqual({ received: true, applied: true });
      // Two final reports: the first one stands.
      expect((await webhook('status', report(failed!, 'failed', '30008'))).status).toBe(200);
      expect((await webhook('status', report(failed!, 'delivered'))).status).toBe(200);

      const after = await recipients(campaign.id);
      const byContact = new Map(after.map((recipient) => [recipient.contactId, recipient]));
      expect(byContact.get(ids[0]!)).toMatchObject({ status: 'delivered', error: null });
      expect(byContact.get(ids[1]!)).toMatchObject({ status: 'undelivered', error: expect.stringContaining('30003') });
      expect(byContact.get(ids[2]!)).toMatchObject({ status: 'failed', error: expect.stringContaining('30008') });
      expect((await owner.get(`/campaigns/${campaign.id}`)).body.counts).toMatchObject({ total: 3, sent: 0, delivered: 1, undelivered: 1, failed: 1 });
      expect((await owner.get(`/campaigns/${campaign.id}/recipients?status=delivered`)).body.data).toHaveLength(1);
    });

    it('applies a report that arrives before the send has stored the provider’s message id', async () => {
      // The provider stand-in reports numbers ending in 7 delivered before it answers the send.
      const [id] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Early', phone: '+14155551007' }]);
      const campaign = await sentCampaign({ body: 'Quick one', audience: { contactIds: [id] } });
      const recipient = await eventually(async () => (await recipients(campaign.id)).find((candidate) => candidate.status === 'delivered'));
      expect(recipient.providerMessageId).toMatch(/^SM/);
    });

    it('refuses an unsigned callback (400), a wrong signature or one of another URL (403), and a malformed one (400), and changes nothing', async () => {
      const [id] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Guarded', phone: '+14155551011' }]);
      const campaign = await sentCampaign({ body: 'Guarded', audience: { contactIds: [id] } });
      const [{ providerMessageId: sid }] = await recipients(campaign.id);
      const before = await storedReports();

      const unsigned = await webhook('status', report(sid!, 'delivered'), { unsigned: true });
      expectError(unsigned, 400, 'X-Twilio-Signature');
      expect(unsigned.body.error.code).toBe('invalid_signature');
      expectError(await webhook('status', report(sid!, 'delivered'), { token: 'another-token' }), 403);
      expectError(await webhook('status', report(sid!, 'delivered'), { signedUrl: `${bed.stack.api}/webhooks/sms/status?replayed=1` }), 403);
      expectError(await webhook('status', { MessageSid: sid! }), 400, 'MessageStatus');
      expectError(await webhook('status', report(sid!, 'teleported')), 400, 'MessageStatus');
      expectError(await webhook('status', report('not a sid!', 'delivered')), 400, 'MessageSid');

      expect(await storedReports()).toBe(before);
      expect((await recipients(campaign.id))[0]).toMatchObject({ status: 'sent' });
    });
  });

  describe('inbound texts', () => {
    it('opts the contact out on STOP (any case, trimmed) once however often the text is delivered; campaigns never text it; START opts it back in', async () => {
      const phone = '+14155552001';
      const [id] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Stopper', phone }]);
      const stop = text(phone, '  Stop \n');
      expect((await webhook('inbound', stop)).body).toEqual({ received: true, applied: true });
      expect((await webhook('inbound', stop)).body).toEqual({ received: true, applied: false });
      await eventually(async () => (await contact(id!)).smsOptOut);
      const events = await eventually(async () => {
        const found = await outboxEvents(bed.stack, 'contact.sms_unsubscribed', id);
        return found.length > 0 ? found : undefined;
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ contactId: id, phone, keyword: 'Stop' });

      const skipped = await sentCampaign({ body: 'Sale!', audience: { contactIds: [id] } });
      expect(skipped.counts).toMatchObject({ total: 1, sent: 0, skippedOptedOut: 1 });
      expect(provider.to(phone)).toHaveLength(0);

      // A second opt-out keyword changes nothing more.
      expect((await webhook('inbound', text(phone, 'QUIT'))).status).toBe(200);
      expect((await webhook('inbound', text(phone, 'unstop'))).body).toEqual({ received: true, applied: true });
      await eventually(async () => !(await contact(id!)).smsOptOut);
      expect(await outboxEvents(bed.stack, 'contact.sms_unsubscribed', id)).toHaveLength(1);
      const resumed = await sentCampaign({ body: 'Welcome back', audience: { contactIds: [id] } });
      expect(resumed.counts).toMatchObject({ sent: 1 });
      expect(provider.to(phone)).toHaveLength(1);
    });

    it('skips a number that texted STOP before it was anyone’s contact', async () => {
      const phone = '+14155552002';
      for (const keyword of ['STOPALL', 'unsubscribe', 'cancel', 'END']) expect((await webhook('inbound', text(phone, keyword))).status).toBe(200);
      const [id] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Later', phone }]);
      const campaign = await sentCampaign({ body: 'Hello', audience: { contactIds: [id] } });
      expect(campaign.counts).toMatchObject({ sent: 0, skippedOptedOut: 1 });
      expect(provider.to(phone)).toHaveLength(0);
    });

    it('answers HELP with the workspace’s help text once, and reports its delivery on /messages', async () => {
      const phone = '+14155552003';
      const help = text(phone, 'help');
      expect((await webhook('inbound', help)).status).toBe(200);
      expect((await webhook('inbound', help)).body).toEqual({ received: true, applied: false });
      const reply = await eventually(async () =>
        (await owner.get('/messages?channel=sms')).body.data.find(
          (message: { address: string; status: string }) => message.address === phone && message.status === 'sent',
        ),
      );
      expect(reply).toMatchObject({ templateKey: 'sms_help', providerMessageId: expect.stringMatching(/^SM/) });
      expect(provider.to(phone).map((request) => request.form.Body)).toEqual([HELP_TEXT]);

      expect((await webhook('status', report(reply.providerMessageId, 'delivered'))).status).toBe(200);
      const delivered = (await owner.get('/messages?status=delivered')).body.data.find((message: { id: string }) => message.id === reply.id);
      expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: expect.any(String) });
    });

    it('puts any other text on the contact’s timeline and opens a ticket, then comments on it; a redelivered text adds nothing', async () => {
      const phone = '+14155552004';
      const [id] = await insertContacts(bed.stack, owner.workspaceId, [{ firstName: 'Asker', phone }]);
      const first = text(phone, 'My order #1234 has not arrived');
      expect((await webhook('inbound', first)).status).toBe(200);
      const ticket = await eventually(async () => (await owner.get(`/tickets?contactId=${id}`)).body.data[0]);
      expect(ticket).toMatchObject({ subject: 'My order #1234 has not arrived', channel: 'sms', status: 'new', contactId: id });

      expect((await webhook('inbound', text(phone, 'Any news?'))).status).toBe(200);
      expect((await webhook('inbound', first)).body).toEqual({ received: true, applied: false });
      const comments = await eventually(async () => {
        const found = (await owner.get(`/tickets/${ticket.id}/comments`)).body.data;
        return found.length > 0 ? found : undefined;
      });
      expect(comments).toEqual([expect.objectContaining({ body: 'Any news?', author: 'customer', internal: false })]);
      expect((await owner.get(`/tickets?contactId=${id}`)).body.data).toHaveLength(1);

      const timeline = await eventually(async () => {
        const entries = (await owner.get(`/contacts/${id}/timeline`)).body.data.filter((entry: { kind: string }) => entry.kind === 'sms_received');
        return entries.length === 2 ? entries : undefined;
      });
      expect(timeline.map((entry: { data: { body: string } }) => entry.data.body).sort()).toEqual(['Any news?', 'My order #1234 has not arrived']);
    });

    it('opens no ticket when the workspace does not want one', async () => {
      const quiet = await bed.stack.signUp('sms-quiet');
      expect((await quiet.put('/sms-settings', { phoneNumber: '+15550008888' })).status).toBe(200);
      const phone = '+14155552005';
      const [id] = await insertContacts(bed.stack, quiet.workspaceId, [{ firstName: 'Quiet', phone }]);
      expect((await webhook('inbound', { ...text(phone, 'Just saying hi'), To: '+15550008888' })).status).toBe(200);
      await eventually(async () => (await quiet.get(`/contacts/${id}/timeline`)).body.data.find((entry: { kind: string }) => entry.kind === 'sms_received'));
      expect((await quiet.get(`/tickets?contactId=${id}`)).body.data).toEqual([]);
    });

    it('refuses an unsigned or wrongly signed text, one to a number no workspace receives on, and one without a sender, storing nothing', async () => {
      const phone = '+14155552006';
      const before = await storedInbound();
      expectError(await webhook('inbound', text(phone, 'STOP'), { unsigned: true }), 400, 'X-Twilio-Signature');
      const forged = await webhook('inbound', text(phone, 'STOP'), { token: 'guessed' });
      expectError(forged, 403, 'X-Twilio-Signature');
      expect(forged.body.error.code).toBe('invalid_signature');
      const unknown = await webhook('inbound', { ...text(phone, 'STOP'), To: '+15550007777' });
      expectError(unknown, 404, 'To');
      expect(unknown.body.error.code).toBe('unknown_number');
      const withoutSender = text(phone, 'STOP');
      delete withoutSender.From;
      expectError(await webhook('inbound', withoutSender), 400, 'From');
      expect(await storedInbound()).toBe(before);
    });
  });
});
