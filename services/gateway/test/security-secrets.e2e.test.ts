import { createHash, createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startMailbox, startTestService, type Mailbox, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { startGateway } from '../src/gateway.js';

/**
 * Issue 10, findings 1 (public default secrets) and 9 (forgeable cursors), replayed through the
 * HTTP API of a stack started with nothing configured beyond the test environment: no
 * UNSUBSCRIBE_SECRET, no cursor key. Only the mail server is the suite's own.
 */
const PASSWORD = 'amber-cobalt-violin-meadow-4';
const PUBLIC_URL = 'https://app.kinship.test';

/** What notifications signed unsubscribe links with when UNSUBSCRIBE_SECRET was unset, published in its source. */
const OLD_DEFAULT_UNSUBSCRIBE_SECRET = 'kinship-development-unsubscribe-secret-not-for-production';

let environment: TestEnvironment;
let mailbox: Mailbox;
let services: RunningService[] = [];
let api: string;
let owner: { accessToken: string; workspaceId: string };

beforeAll(async () => {
  environment = await createTestEnvironment('gateway-security-secrets');
  mailbox = await startMailbox();
  services = [
    await startTestService(authService, environment),
    await startTestService(crmService, environment),
    await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl, PUBLIC_URL }),
    await startGateway(environment.env),
  ];
  api = `${services.at(-1)!.url}/api/v1`;
  const email = `owner-${randomBytes(4).toString('hex')}@example.com`;
  const registered = await call('POST', '/auth/register', { body: { email, password: PASSWORD, name: 'Owner', workspaceName: 'Secrets' } });
  expect(registered.status).toBe(201);
  owner = { accessToken: registered.body.accessToken, workspaceId: registered.body.workspace.id };
});

afterAll(async () => {
  for (const service of services.reverse()) await service.close();
  await mailbox?.close();
  await environment?.dispose();
});

/** The RFC 8058 one-click POST a mail client sends from the email's List-Unsubscribe-Post header. */
async function oneClickUnsubscribe(token: string): Promise<{ status: number; body: any }> {
  const answered = await fetch(`${api}/u/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  const text = await answered.text();
  return { status: answered.status, body: text ? JSON.parse(text) : undefined };
}

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function createContact(firstName: string, email?: string): Promise<string> {
  const created = await call('POST', '/contacts', { token: owner.accessToken, body: { firstName, lastName: 'Recipient', ...(email ? { email } : {}) } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** An unsubscribe token as notifications lays it out (campaigns/unsubscribe-tokens.ts), HMAC'd with the given secret. */
function unsubscribeToken(secret: string, claim: { workspaceId: string; contactId: string; campaignId: string }): string {
  const uuid = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
  const payload = Buffer.concat([Buffer.from([0]), uuid(claim.workspaceId), uuid(claim.contactId), uuid(claim.campaignId)]);
  const mac = createHmac('sha256', secret).update(payload).digest().subarray(0, 16);
  return Buffer.concat([payload, mac]).toString('base64url');
}

/** The crm's old cursor check: an unkeyed SHA-256 of the body anyone could recompute. */
function cursorWithOldCheck(prefix: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHash('sha256').update(`${prefix}:${body}`).digest('base64url').slice(0, 16)}`;
}

function payloadOf(cursor: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('utf8'));
}

describe('finding 1: unsubscribe links signed with the old public default secret', () => {
  it('refuses a link HMAC’d with the old default UNSUBSCRIBE_SECRET, while the link really mailed works', async () => {
    const address = `recipient-${randomBytes(4).toString('hex')}@example.com`;
    const contactId = await createContact('Mailed', address);
    const campaign = await call('POST', '/campaigns', {
      token: owner.accessToken,
      body: { name: 'Newsletter', channel: 'email', subject: 'News', body: '<p>News</p>', audience: { contactIds: [contactId] } },
    });
    expect(campaign.status).toBe(201);
    expect((await call('POST', `/campaigns/${campaign.body.id}/send`, { token: owner.accessToken })).status).toBe(200);
    const [mail] = await mailbox.waitForMessages(1, { to: address });
    // The footer of every campaign email carries the recipient's unsubscribe link.
    const mailedToken = new RegExp(`${PUBLIC_URL}/api/v1/u/([A-Za-z0-9_-]+)`).exec(mail!.text)?.[1];
    expect(mailedToken).toEqual(expect.any(String));

    const forged = unsubscribeToken(OLD_DEFAULT_UNSUBSCRIBE_SECRET, { workspaceId: owner.workspaceId, contactId, campaignId: campaign.body.id });
    const refused = await oneClickUnsubscribe(forged);
    expect(refused).toMatchObject({ status: 404, body: { error: { status: 404, code: 'not_found' } } });
    const unsubscribed = () => call('GET', `/campaigns/${campaign.body.id}/recipients?status=unsubscribed`, { token: owner.accessToken });
    expect((await unsubscribed()).body.data).toEqual([]);

    expect(mailedToken).not.toBe(forged);
    // RFC 8058 one-click: the link really mailed opts the contact out (crm learns it from contact.unsubscribed).
    expect((await oneClickUnsubscribe(mailedToken!)).status).toBe(200);
    expect((await unsubscribed()).body.data).toHaveLength(1);
    let optedOut = false;
    for (const deadline = Date.now() + 15_000; !optedOut && Date.now() < deadline; await sleep(100)) {
      optedOut = (await call('GET', `/contacts/${contactId}`, { token: owner.accessToken })).body.emailOptOut === true;
    }
    expect(optedOut).toBe(true);
  });
});

describe('finding 9: forged cursors', () => {
  let contactId: string;

  beforeAll(async () => {
    contactId = await createContact('Paged');
    await createContact('Second');
    for (const body of ['First call', 'Second call']) {
      expect((await call('POST', '/notes', { token: owner.accessToken, body: { body, related: { type: 'contact', id: contactId } } })).status).toBe(201);
    }
  });

  function expectInvalidCursor(response: { status: number; body: any }): void {
    expect(response).toMatchObject({ status: 400, body: { error: { status: 400, code: 'invalid_cursor', details: [{ field: 'cursor' }] } } });
  }

  it('GET /contacts refuses a cursor with a non-date sort key under a recomputed unkeyed checksum with 400 invalid_cursor', async () => {
    const first = await call('GET', '/contacts?limit=1', { token: owner.accessToken });
    expect(first.status).toBe(200);
    const forged = cursorWithOldCheck('kinship-crm-cursor', { ...payloadOf(first.body.nextCursor), k: 'not-a-date' });
    expectInvalidCursor(await call('GET', `/contacts?limit=1&cursor=${encodeURIComponent(forged)}`, { token: owner.accessToken }));
    const next = await call('GET', `/contacts?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: owner.accessToken });
    expect(next.status).toBe(200);
    expect(next.body.data).toHaveLength(1);
  });

  it('GET /contacts/:id/timeline refuses a cursor with a non-date time under a recomputed unkeyed checksum with 400 invalid_cursor', async () => {
    const first = await call('GET', `/contacts/${contactId}/timeline?limit=1`, { token: owner.accessToken });
    expect(first.status).toBe(200);
    const forged = cursorWithOldCheck('kinship-crm-timeline-cursor', { ...payloadOf(first.body.nextCursor), t: 'not-a-date' });
    expectInvalidCursor(await call('GET', `/contacts/${contactId}/timeline?limit=1&cursor=${encodeURIComponent(forged)}`, { token: owner.accessToken }));
    const next = await call('GET', `/contacts/${contactId}/timeline?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: owner.accessToken });
    expect(next.status).toBe(200);
    expect(next.body.data).toHaveLength(1);
  });
});
