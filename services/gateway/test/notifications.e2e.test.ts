import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AuthRpc, CrmEvents, NotificationsRpc } from '@kinship/contracts';
import { subjectFor, type DomainEvent } from '@kinship/messaging';
import { newId } from '@kinship/persistence';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startMailbox, startTestService, type Mailbox, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { startGateway } from '../src/gateway.js';

const PASSWORD = 'amber-cobalt-violin-meadow-4';
const PUBLIC_URL = 'https://app.kinship.test';

interface ErrorBody {
  error: { status: number; code: string; details: Array<{ field?: string; issue: string }> };
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.com`;

describe('notifications through the gateway (end to end)', () => {
  let environment: TestEnvironment;
  let mailbox: Mailbox;
  let notifications: RunningService;
  let auth: RunningService;
  let gateway: RunningService;
  let nats: NatsConnection;
  let api: string;
  let owner: AuthRpc.RegisterReply;
  let member: AuthRpc.Session;

  function request(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${api}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  }

  async function expectStatus<T>(response: Promise<Response>, status: number): Promise<T> {
    const answered = await response;
    const text = await answered.text();
    expect({ status: answered.status, body: text }).toEqual({ status, body: expect.any(String) });
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function expectFieldError(response: Promise<Response>, status: number, field: string): Promise<void> {
    const body = await expectStatus<ErrorBody>(response, status);
    expect(body.error.details.map((detail) => detail.field)).toContain(field);
  }

  async function publishTaskAssigned(assigneeId: string, title: string): Promise<void> {
    const taskId = newId();
    const event: DomainEvent<CrmEvents.TaskAssigned> = {
      id: newId(),
      type: 'task.assigned',
      version: 1,
      occurredAt: new Date().toISOString(),
      workspaceId: owner.workspace!.id,
      actorId: owner.user!.id,
      aggregateId: taskId,
      data: { task: { id: taskId, title, priority: 'normal', status: 'open', assigneeId, createdBy: owner.user!.id, createdAt: new Date().toISOString() } },
    };
    await jetstream(nats).publish(subjectFor(environment.natsNamespace, 'crm', 'task.assigned'), JSON.stringify(event), { msgID: event.id });
  }

  async function notificationsOf(token: string, query = ''): Promise<NotificationsRpc.NotificationPage> {
    return expectStatus<NotificationsRpc.NotificationPage>(request('GET', `/notifications${query}`, { token }), 200);
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-notifications-e2e');
    mailbox = await startMailbox();
    notifications = await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl, PUBLIC_URL });
    auth = await startTestService(authService, environment);
    gateway = await startGateway(environment.env);
    api = `${gateway.url}/api/v1`;
    nats = await connect({ servers: environment.natsUrl });

    const email = uniqueEmail('owner');
    owner = await expectStatus<AuthRpc.RegisterReply>(
      request('POST', '/auth/register', { body: { email, password: PASSWORD, name: 'Owner', workspaceName: 'Notified' } }),
      201,
    );
    const invitee = uniqueEmail('member');
    await expectStatus(request('POST', '/invitations', { token: owner.accessToken, body: { email: invitee, role: 'member' } }), 201);
    const [invitation] = await mailbox.waitForMessages(1, { to: invitee });
    const token = decodeURIComponent(/\/invitations\/accept\?token=([^\s\]]+)/.exec(invitation!.text)![1]!);
    member = await expectStatus<AuthRpc.Session>(request('POST', '/invitations/accept', { body: { token, name: 'Member', password: PASSWORD } }), 201);
  });

  afterAll(async () => {
    await gateway?.close();
    await auth?.close();
    await notifications?.close();
    await nats?.close();
    await mailbox?.close();
    await environment?.dispose();
  });

  it('lists the caller’s notifications with the unread count and marks them read', async () => {
    await publishTaskAssigned(member.user!.id, 'Prepare the demo');
    let page = await notificationsOf(member.accessToken);
    for (const deadline = Date.now() + 10_000; page.data.length === 0 && Date.now() < deadline; page = await notificationsOf(member.accessToken))
      await sleep(100);
    expect(page).toMatchObject({ unreadCount: 1, nextCursor: null, data: [{ type: 'task_assigned', title: 'New task: Prepare the demo', readAt: null }] });

    const id = page.data[0]!.id;
    await expectStatus<ErrorBody>(request('POST', `/notifications/${id}/read`, { token: owner.accessToken }), 404);
    const read = await expectStatus<NotificationsRpc.InAppNotification>(request('POST', `/notifications/${id}/read`, { token: member.accessToken }), 200);
    expect(read.readAt).toEqual(expect.any(String));
    expect(await notificationsOf(member.accessToken, '?unread=true')).toMatchObject({ unreadCount: 0, data: [] });
    expect(await expectStatus<NotificationsRpc.ReadAllReply>(request('POST', '/notifications/read-all', { token: member.accessToken }), 200)).toEqual({
      marked: 0,
    });
  });

  it('refuses malformed notification requests with 400 naming the parameter', async () => {
    await expectFieldError(request('GET', '/notifications?unread=maybe', { token: member.accessToken }), 400, 'unread');
    await expectFieldError(request('POST', '/notifications/not-an-id/read', { token: member.accessToken }), 400, 'id');
  });

  it('lets an admin override, preview and reset a template, and refuses bad ones with 422', async () => {
    const list = await expectStatus<NotificationsRpc.EmailTemplateList>(request('GET', '/email-templates', { token: owner.accessToken }), 200);
    expect(list.data).toHaveLength(13);
    await expectStatus(request('GET', '/email-templates', { token: member.accessToken }), 403);

    const created = await expectStatus<NotificationsRpc.EmailTemplate>(
      request('POST', '/email-templates', { token: owner.accessToken, body: { key: 'deal_won', subject: 'Won: {{dealName}}', body: '<b>{{dealName}}</b>' } }),
      201,
    );
    expect(created).toMatchObject({ id: 'deal_won', isDefault: false });
    const preview = await expectStatus<NotificationsRpc.RenderedEmail>(
      request('POST', '/email-templates/deal_won/preview', { token: owner.accessToken, body: { data: { dealName: '<img src=x onerror=alert(1)>' } } }),
      200,
    );
    expect(preview.html).toBe('<b>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</b>');
    await expectStatus(request('DELETE', '/email-templates/deal_won', { token: owner.accessToken }), 204);
    expect(await expectStatus<NotificationsRpc.EmailTemplate>(request('GET', '/email-templates/deal_won', { token: owner.accessToken }), 200)).toMatchObject({
      isDefault: true,
    });

    await expectFieldError(
      request('POST', '/email-templates', { token: owner.accessToken, body: { key: 'weekly_digest', subject: 'Hi', body: 'Hi' } }),
      422,
      'key',
    );
    await expectFieldError(request('PATCH', '/email-templates/invitation', { token: owner.accessToken, body: { body: '{{#each}}' } }), 422, 'body');
    await expectFieldError(request('PATCH', '/email-templates/invitation', { token: owner.accessToken, body: { colour: 'red' } }), 422, 'colour');
    await expectStatus(request('GET', '/email-templates/weekly_digest', { token: owner.accessToken }), 404);
    expect(await expectStatus<NotificationsRpc.EmailTemplate>(request('GET', '/email-templates/invitation', { token: owner.accessToken }), 200)).toMatchObject({
      isDefault: true,
    });
  });

  it('shows admins the messages sent and refuses to retry one that did not fail', async () => {
    const sent = await expectStatus<NotificationsRpc.MessagePage>(request('GET', '/messages?status=sent', { token: owner.accessToken }), 200);
    expect(sent.data.map((message) => message.templateKey)).toEqual(expect.arrayContaining(['invitation', 'email_verification']));
    expect(await expectStatus<NotificationsRpc.MessagePage>(request('GET', '/messages?status=failed', { token: owner.accessToken }), 200)).toEqual({
      data: [],
      nextCursor: null,
    });
    await expectFieldError(request('GET', '/messages?status=lost', { token: owner.accessToken }), 400, 'status');
    await expectStatus(request('POST', `/messages/${sent.data[0]!.id}/retry`, { token: owner.accessToken }), 409);
    await expectStatus(request('POST', `/messages/${newId()}/retry`, { token: owner.accessToken }), 404);
    await expectStatus(request('GET', '/messages', { token: member.accessToken }), 403);
  });
});
