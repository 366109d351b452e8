import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthRpc } from '@kinship/contracts';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startMailbox, startTestService, type Mailbox, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { startGateway } from '../src/gateway.js';

/**
 * Regression suite for the account findings of issue 10, replayed through the HTTP API only:
 * tokens come from really registering and signing in, emails from a real SMTP mailbox.
 */

const PASSWORD = 'amber-cobalt-violin-meadow-4';
const PUBLIC_URL = 'https://app.kinship.test';

interface ErrorBody {
  error: { status: number; code: string; message: string; details: Array<{ field?: string; issue: string }> };
}

interface Stack {
  environment: TestEnvironment;
  mailbox: Mailbox;
  services: RunningService[];
  api: string;
}

/** Everything the suite boots, in one place: auth, crm, notifications (to a real mailbox) and the gateway. */
async function startStack(): Promise<Stack> {
  const environment = await createTestEnvironment('security-accounts-e2e');
  const mailbox = await startMailbox();
  const services: RunningService[] = [];
  services.push(await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl, PUBLIC_URL }));
  services.push(await startTestService(authService, environment));
  services.push(await startTestService(crmService, environment));
  const gateway = await startGateway(environment.env);
  services.push(gateway);
  return { environment, mailbox, services, api: `${gateway.url}/api/v1` };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  for (const service of [...stack.services].reverse()) await service.close();
  await stack.mailbox.close();
  await stack.environment.dispose();
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

describe('security: accounts (issue 10)', () => {
  let stack: Stack;

  function request(method: string, path: string, options: { token?: string; apiKey?: string; body?: unknown; ip?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    if (options.ip) headers['x-forwarded-for'] = options.ip;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${stack.api}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  }

  async function expectStatus<T>(response: Promise<Response>, status: number): Promise<T> {
    const answered = await response;
    const text = await answered.text();
    expect({ status: answered.status, body: text }).toEqual({ status, body: expect.any(String) });
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function register(label: string): Promise<AuthRpc.RegisterReply> {
    const email = uniqueEmail(label);
    return expectStatus<AuthRpc.RegisterReply>(
      request('POST', '/auth/register', { body: { email, password: PASSWORD, name: label, workspaceName: `${label} workspace` } }),
      201,
    );
  }

  /** The token of the link to `path` in the newest of the first `count` emails to `to` that holds one. */
  async function linkToken(to: string, path: string, count = 1): Promise<string> {
    const messages = await stack.mailbox.waitForMessages(count, { to, timeoutMs: 20_000 });
    const pattern = new RegExp(`${path.replace(/\//g, '\\/')}\\?token=([^\\s\\]"<]+)`);
    const match = messages.map((message) => pattern.exec(message.text)).findLast((found) => found !== null);
    expect(match).toBeDefined();
    return decodeURIComponent(match![1]!);
  }

  /** Invites a new person with the role and accepts through the emailed link: their session. */
  async function addMember(owner: AuthRpc.RegisterReply, role: string): Promise<AuthRpc.Session> {
    const email = uniqueEmail(role);
    await expectStatus(request('POST', '/invitations', { token: owner.accessToken, body: { email, role } }), 201);
    const token = await linkToken(email, '/invitations/accept');
    return expectStatus<AuthRpc.Session>(request('POST', '/invitations/accept', { body: { token, name: role, password: PASSWORD } }), 201);
  }

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);

  afterAll(async () => {
    await stopStack(stack);
  });

  describe('finding 3: an email change needs the current password and applies only once the new address is verified', () => {
    it('refuses an email change without the current password or with a wrong one (422 naming currentPassword), changing nothing', async () => {
      const user = await register('unguarded');
      const target = uniqueEmail('attacker');
      for (const body of [{ email: target }, { email: target, currentPassword: 'not-the-password-at-all' }]) {
        const refused = await expectStatus<ErrorBody>(request('PATCH', '/me', { token: user.accessToken, body }), 422);
        expect(refused.error.details).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      }
      const me = await expectStatus<AuthRpc.User>(request('GET', '/me', { token: user.accessToken }), 200);
      expect(me).toMatchObject({ email: user.user!.email, pendingEmail: null });
    });

    it('keeps signing in with the old address until the new one is verified, tells the old address, and a second request replaces the first', async () => {
      const user = await register('mover');
      const oldEmail = user.user!.email;
      const first = uniqueEmail('first-new');
      const second = uniqueEmail('second-new');

      const pending = await expectStatus<AuthRpc.User>(
        request('PATCH', '/me', { token: user.accessToken, body: { email: first, currentPassword: PASSWORD } }),
        200,
      );
      expect(pending).toMatchObject({ email: oldEmail, pendingEmail: first });
      const firstToken = await linkToken(first, '/verify-email');
      // The old address is told, with the new one named (registration sent it a verification email first).
      const notice = (await stack.mailbox.waitForMessages(2, { to: oldEmail, timeoutMs: 20_000 })).find((message) => message.text.includes(first));
      expect(notice).toBeDefined();
      expect(notice!.text).not.toMatch(/token=/);

      // Not yet the account's address: no sign-in, no reset link with it.
      await expectStatus(request('POST', '/auth/login', { body: { email: first, password: PASSWORD } }), 401);
      await expectStatus(request('POST', '/auth/login', { body: { email: oldEmail, password: PASSWORD } }), 200);

      await expectStatus(request('PATCH', '/me', { token: user.accessToken, body: { email: second, currentPassword: PASSWORD } }), 200);
      const secondToken = await linkToken(second, '/verify-email');
      await expectStatus(request('POST', '/auth/email/verify', { body: { token: firstToken } }), 400);

      await expectStatus(request('POST', '/auth/email/verify', { body: { token: secondToken } }), 204);
      const me = await expectStatus<AuthRpc.User>(request('GET', '/me', { token: user.accessToken }), 200);
      expect(me).toMatchObject({ email: second, pendingEmail: null, emailVerifiedAt: expect.any(String) });
      await expectStatus(request('POST', '/auth/login', { body: { email: second, password: PASSWORD } }), 200);
      await expectStatus(request('POST', '/auth/login', { body: { email: oldEmail, password: PASSWORD } }), 401);
      await expectStatus(request('POST', '/auth/email/verify', { body: { token: secondToken } }), 400);
    });

    it('answers an address of another workspace’s account as a free one, and never moves it', async () => {
      const other = await register('holder');
      const user = await register('prober');
      const taken = await expectStatus<AuthRpc.User>(
        request('PATCH', '/me', { token: user.accessToken, body: { email: other.user!.email, currentPassword: PASSWORD } }),
        200,
      );
      const free = await expectStatus<AuthRpc.User>(
        request('PATCH', '/me', { token: user.accessToken, body: { email: uniqueEmail('free'), currentPassword: PASSWORD } }),
        200,
      );
      expect(Object.keys(taken).sort()).toEqual(Object.keys(free).sort());
      expect(taken).toMatchObject({ email: user.user!.email, pendingEmail: other.user!.email });
      await expectStatus(request('POST', '/auth/login', { body: { email: other.user!.email, password: PASSWORD } }), 200);
    });
  });

  describe('finding 7: forgot-password and current-password checks are throttled per account and per address', () => {
    /** Sends the request `times` times in a row; the statuses, and the Retry-After of each 429. */
    async function repeat(times: number, send: () => Promise<Response>): Promise<Array<{ status: number; retryAfter: string | null; code?: string }>> {
      const answers: Array<{ status: number; retryAfter: string | null; code?: string }> = [];
      for (let i = 0; i < times; i += 1) {
        const response = await send();
        const body = (await response.json().catch(() => undefined)) as ErrorBody | undefined;
        answers.push({ status: response.status, retryAfter: response.headers.get('retry-after'), code: body?.error?.code });
      }
      return answers;
    }

    it('sends at most 3 reset emails for 12 requests in a row and answers 429 with Retry-After beyond', async () => {
      const user = await register('forgetful');
      const email = user.user!.email;
      const known = await repeat(12, () => request('POST', '/auth/password/forgot', { body: { email }, ip: '198.51.100.7' }));
      const unknown = await repeat(12, () => request('POST', '/auth/password/forgot', { body: { email: uniqueEmail('nobody') }, ip: '198.51.100.8' }));

      expect(known.slice(0, 3).map((answer) => answer.status)).toEqual([202, 202, 202]);
      for (const answer of known.slice(3)) expect(answer).toEqual({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), code: 'too_many_attempts' });
      // Distinct unknown addresses, one by one, are not refused per account: what a new address gets.
      expect(unknown.map((answer) => answer.status)).toEqual(Array(12).fill(202));

      await stack.mailbox.waitForMessages(3, { to: email, timeoutMs: 20_000 });
      // Time for any further email to arrive, were one sent.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(stack.mailbox.messages().filter((message) => message.to.includes(email))).toHaveLength(3 + 1 /* the verification email of registration */);
    });

    it('answers an unknown address exactly as a known one when it is asked for too often', async () => {
      const unknown = uniqueEmail('ghost');
      const answers = await repeat(5, () => request('POST', '/auth/password/forgot', { body: { email: unknown }, ip: '198.51.100.9' }));
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 429, 429]);
      expect(answers[3]!.retryAfter).toMatch(/^[1-9]\d*$/);
    });

    it('refuses one client address after too many forgot-password requests, whatever the addresses', async () => {
      const answers = await repeat(31, () => request('POST', '/auth/password/forgot', { body: { email: uniqueEmail('spray') }, ip: '198.51.100.10' }));
      expect(answers.slice(0, 30).every((answer) => answer.status === 202)).toBe(true);
      expect(answers[30]).toEqual({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), code: 'too_many_attempts' });
    });

    it('throttles wrong current passwords on PATCH /me (password and email) like sign-in failures, with Retry-After', async () => {
      const user = await register('guessed');
      // Alternately a new password and a new email, each with a wrong current password.
      const wrong = [
        { password: 'quartz-lantern-orbit-harbor-9', currentPassword: 'not-the-password-at-all' },
        { email: uniqueEmail('elsewhere'), currentPassword: 'not-the-password-at-all' },
      ];
      let attempt = 0;
      const answers = await repeat(12, () => request('PATCH', '/me', { token: user.accessToken, body: wrong[attempt++ % 2], ip: '198.51.100.11' }));
      expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([422, 422, 422, 422, 422]);
      const refused = answers.filter((answer) => answer.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) expect(answer).toEqual({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), code: 'too_many_attempts' });
    });

    it('counts wrong current passwords together with failed sign-ins, so a stolen token buys no extra guesses', async () => {
      const user = await register('counted');
      const wrong = { email: uniqueEmail('elsewhere'), currentPassword: 'not-the-password-at-all' };
      const answers = await repeat(4, () => request('PATCH', '/me', { token: user.accessToken, body: wrong, ip: '198.51.100.12' }));
      expect(answers.map((answer) => answer.status)).toEqual([422, 422, 422, 422]);
      await expectStatus(request('POST', '/auth/login', { body: { email: user.user!.email, password: 'not-the-password-at-all' }, ip: '198.51.100.13' }), 401);
      // The fifth failure in a row blocks the account, whichever way the next guess comes.
      const blocked = await request('PATCH', '/me', {
        token: user.accessToken,
        body: { email: uniqueEmail('elsewhere'), currentPassword: PASSWORD },
        ip: '198.51.100.12',
      });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    });
  });

  describe('finding 6: an API key acts with no more than its creator’s current role', () => {
    let owner: AuthRpc.RegisterReply;
    let admin: AuthRpc.Session;
    let key: string;

    beforeAll(async () => {
      owner = await register('keys-owner');
      admin = await addMember(owner, 'admin');
      const created = await expectStatus<AuthRpc.CreatedApiKey>(
        request('POST', '/api-keys', { token: admin.accessToken, body: { name: 'sync', scopes: ['contacts:read', 'contacts:write', 'exports:write'] } }),
        201,
      );
      key = created.key;
    });

    it('stops writing contacts and starting exports as soon as its creator is demoted to viewer, and keeps reading', async () => {
      await expectStatus(request('POST', '/contacts', { apiKey: key, body: { firstName: 'Before' } }), 201);
      await expectStatus(request('POST', '/exports', { apiKey: key, body: { entity: 'contacts', format: 'csv' } }), 202);

      await expectStatus(request('PATCH', `/users/${admin.user!.id}`, { token: owner.accessToken, body: { role: 'viewer' } }), 200);

      const refused = await expectStatus<ErrorBody>(request('POST', '/contacts', { apiKey: key, body: { firstName: 'After' } }), 403);
      expect(refused.error.details).toEqual([expect.objectContaining({ issue: 'missing_permission', permission: 'contacts:write' })]);
      await expectStatus(request('POST', '/exports', { apiKey: key, body: { entity: 'contacts', format: 'csv' } }), 403);
      const contacts = await expectStatus<{ data: Array<{ firstName: string }> }>(request('GET', '/contacts', { apiKey: key }), 200);
      expect(contacts.data.map((contact) => contact.firstName)).toEqual(['Before']);

      // A member writes only their own contacts; a key acts as no user, so it gets no write at all.
      await expectStatus(request('PATCH', `/users/${admin.user!.id}`, { token: owner.accessToken, body: { role: 'member' } }), 200);
      await expectStatus(request('POST', '/contacts', { apiKey: key, body: { firstName: 'As member' } }), 403);

      await expectStatus(request('PATCH', `/users/${admin.user!.id}`, { token: owner.accessToken, body: { role: 'admin' } }), 200);
      await expectStatus(request('POST', '/contacts', { apiKey: key, body: { firstName: 'Promoted again' } }), 201);
    });

    it('stops working (401) as soon as its creator is deactivated', async () => {
      await expectStatus(request('GET', '/contacts', { apiKey: key }), 200);
      await expectStatus(request('DELETE', `/users/${admin.user!.id}`, { token: owner.accessToken }), 204);
      await expectStatus(request('GET', '/contacts', { apiKey: key }), 401);
    });
  });

  describe('finding 10: an existing email does not reveal another workspace’s account', () => {
    it('invites the address of another workspace’s account like a new one; only the address’s owner learns, on accepting', async () => {
      const elsewhere = await register('elsewhere');
      const inviter = await register('inviter');
      const fresh = await expectStatus<AuthRpc.Invitation>(
        request('POST', '/invitations', { token: inviter.accessToken, body: { email: uniqueEmail('fresh'), role: 'member' } }),
        201,
      );
      const taken = await expectStatus<AuthRpc.Invitation>(
        request('POST', '/invitations', { token: inviter.accessToken, body: { email: elsewhere.user!.email, role: 'member' } }),
        201,
      );
      expect(Object.keys(taken).sort()).toEqual(Object.keys(fresh).sort());
      expect(taken).toMatchObject({ email: elsewhere.user!.email, status: 'pending' });

      const token = await linkToken(elsewhere.user!.email, '/invitations/accept', 2);
      const refused = await expectStatus<ErrorBody>(request('POST', '/invitations/accept', { body: { token, name: 'Elsewhere', password: PASSWORD } }), 409);
      expect(refused.error.details).toEqual([expect.objectContaining({ field: 'email' })]);
      await expectStatus(request('POST', '/auth/login', { body: { email: elsewhere.user!.email, password: PASSWORD } }), 200);
    });

    it('still names a member of the inviter’s own workspace (409 with existingId), whom the inviter can list anyway', async () => {
      const owner = await register('own-members');
      const member = await addMember(owner, 'member');
      const conflict = await expectStatus<ErrorBody>(
        request('POST', '/invitations', { token: owner.accessToken, body: { email: member.user!.email, role: 'viewer' } }),
        409,
      );
      expect(conflict.error.details).toEqual([expect.objectContaining({ field: 'email', existingId: member.user!.id })]);
    });

    it('lets one client address learn that addresses are taken only a few times an hour at sign-up', async () => {
      const holders = await Promise.all([1, 2, 3].map(() => register('holder')));
      const ip = '203.0.113.40';
      const signUp = (email: string) => request('POST', '/auth/register', { body: { email, password: PASSWORD, name: 'Prober', workspaceName: 'Probe' }, ip });
      const answers: number[] = [];
      for (let i = 0; i < 12; i += 1) answers.push((await signUp(holders[i % 3]!.user!.email)).status);
      expect(answers.slice(0, 10)).toEqual(Array(10).fill(409));
      expect(answers.slice(10)).toEqual([429, 429]);
      // Refused whatever the address from then on, so a 429 tells nothing either.
      const next = await signUp(uniqueEmail('new-person'));
      expect(next.status).toBe(429);
      expect(next.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    });
  });
});
