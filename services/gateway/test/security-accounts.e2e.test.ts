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

const JWT_SECRET = 'security-accounts-e2e-secret-shared-by-gateway-and-auth';
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
  services.push(await startTestService(authService, environment, { JWT_SECRET }));
  services.push(await startTestService(crmService, environment));
  const gateway = await startGateway({ ...environment.env, JWT_SECRET });
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
    return expectStatus<AuthRpc.RegisterReply>(request('POST', '/auth/register', { body: { email, password: PASSWORD, name: label, workspaceName: `${label} workspace` } }), 201);
  }

  /** The token of the first link to `path` in the newest email to `to`. */
  async function linkToken(to: string, path: string, count = 1): Promise<string> {
    const messages = await stack.mailbox.waitForMessages(count, { to, timeoutMs: 20_000 });
    const pattern = new RegExp(`${path.replace(/\//g, '\\/')}\\?token=([^\\s\\]"<]+)`);
    const match = pattern.exec(messages[messages.length - 1]!.text);
    expect(match).not.toBeNull();
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
});
