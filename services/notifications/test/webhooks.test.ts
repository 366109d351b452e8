import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import type { RunningService } from '@kinship/platform';
import { startTestService } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { startGateway } from '../../gateway/src/gateway.js';
import type { WebhookDelivery } from '../src/webhooks/webhook-deliveries.repository.js';
import type { WebhookEndpoint } from '../src/webhooks/webhook-endpoints.repository.js';
import type { Page, WebhookEndpointWithSecret } from '../src/webhooks/webhook-endpoints.service.js';
import {
  anEvent,
  eventually,
  expectError,
  publishEvent,
  startWebhooksBed,
  userContext,
  verifySignature,
  waitForEvent,
  type WebhooksTestBed,
} from './webhooks-support.js';

const PASSWORD = 'plum-ferry-quartz-lantern-7';

describe('outbound webhooks: events from a real producer reach partners, signed, retried, logged', () => {
  let bed: WebhooksTestBed;
  let auth: RunningService;
  let gateway: RunningService;
  let owner: AuthRpc.RegisterReply;
  let asOwner: RequestContext;
  let label = 0;

  const send = <T>(pattern: string, data: unknown, context: RequestContext = asOwner) =>
    bed.client.send<T>(`notifications.webhook-endpoints.${pattern}`, data, context);
  const createEndpoint = (path: string, events: string[]) => send<WebhookEndpointWithSecret>('create', { url: bed.partner.url(path), events });
  const deliveriesOf = (id: string) => send<Page<WebhookDelivery>>('deliveries', { id });

  /** A new member joins the owner's workspace by invitation: auth emits user.invited, then user.registered. */
  async function inviteAndAccept(): Promise<AuthRpc.Session> {
    label += 1;
    const email = `member-${label}-${Date.now()}@example.com`;
    await bed.client.send('auth.invitations.create', { email, role: 'member' }, asOwner);
    const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.email === email);
    // The token is minted for the invitation email; asking only once that is queued keeps ours the one that works.
    await eventually(async () =>
      expect(await bed.owner.query('SELECT 1 FROM notifications.messages WHERE dedupe_key = $1', [`${invited.id}:email`])).toHaveLength(1),
    );
    const request: AuthRpc.IssueOneTimeTokenRequest = { kind: 'invitation', requestId: invited.data.invitationId };
    const { token } = await bed.client.send<AuthRpc.OneTimeToken>('auth.one-time-tokens.issue', request, asOwner);
    return bed.client.send<AuthRpc.Session>('auth.invitations.accept', { token, name: `Member ${label}`, password: PASSWORD }, userContext(''));
  }

  /** auth emits user.role_changed. */
  async function changeRole(userId: string, role: 'viewer' | 'member'): Promise<void> {
    await bed.client.send('auth.users.update', { id: userId, role }, asOwner);
  }

  beforeAll(async () => {
    bed = await startWebhooksBed('webhooks', {
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS_RETRY_SCHEDULE_MS: '300,300',
      WEBHOOKS_DISABLE_AFTER_FAILURES: '2',
      WEBHOOKS_POLL_INTERVAL_MS: '100',
      WEBHOOKS_TIMEOUT_MS: '2000',
    });
    auth = await startTestService(authService, bed.environment);
    gateway = await startGateway(bed.environment.env);
    owner = await bed.client.send<AuthRpc.RegisterReply>(
      'auth.registration.register',
      { email: `owner-${Date.now()}@example.com`, password: PASSWORD, name: 'Ada Owner', workspaceName: 'Webhook Works' },
      userContext(''),
    );
    asOwner = userContext(owner.workspace!.id, owner.user!.id, 'owner');
  });

  afterAll(async () => {
    await gateway?.close();
    await auth?.close();
    await bed?.close();
  });

  it('shows the signing secret on creation only, and a rotation replaces it', async () => {
    const created = await createEndpoint('/secret', ['deal.won', 'invoice.paid']);
    expect(created).toMatchObject({
      url: bed.partner.url('/secret'),
      events: ['deal.won', 'invoice.paid'],
      active: true,
      consecutiveFailures: 0,
      createdBy: owner.user!.id,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const fetched = await send<WebhookEndpoint>('get', { id: created.id });
    expect(fetched).not.toHaveProperty('secret');
    const listed = await send<Page<WebhookEndpoint>>('list', {});
    expect(listed.data.find((endpoint) => endpoint.id === created.id)).not.toHaveProperty('secret');
    const [stored] = (await bed.owner.query('SELECT secret_sealed FROM notifications.webhook_endpoints WHERE id = $1', [created.id])) as Array<{
      secret_sealed: string;
    }>;
    expect(stored!.secret_sealed).not.toContain(created.secret.slice(6));

    const rotated = await send<WebhookEndpointWithSecret>('rotate-secret', { id: created.id });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
  });

  it('delivers a subscribed event from the auth service, signed; types not subscribed to, and token-carrying ones, are not sent', async () => {
    const registered = await createEndpoint('/registered', ['user.registered']);
    const everything = await createEndpoint('/everything', ['*']);
    const session = await inviteAndAccept();
    const member = session.user!;

    const [delivery] = await eventually(() => {
      const received = bed.partner.at('/registered');
      expect(received).toHaveLength(1);
      return received;
    });
    expect(verifySignature(delivery!, registered.secret)).toBe(true);
    expect(verifySignature(delivery!, everything.secret)).toBe(false);
    const body = JSON.parse(delivery!.body) as { id: string; type: string; workspaceId: string; data: AuthEvents.UserRegistered };
    expect(body).toMatchObject({
      type: 'user.registered',
      version: 1,
      workspaceId: owner.workspace!.id,
      aggregateId: member.id,
      data: { userId: member.id, email: member.email, role: 'member' },
    });
    expect(delivery!.headers).toMatchObject({
      'content-type': 'application/json',
      'kinship-event-id': body.id,
      'kinship-event-type': 'user.registered',
      'kinship-delivery-attempt': '1',
    });
    expect(delivery!.headers['user-agent']).toMatch(/^Kinship-Webhooks\//);

    // The role change goes to "*" only; user.invited (it carries the invitation token) to no one.
    await changeRole(member.id, 'viewer');
    await eventually(() => expect(bed.partner.at('/everything').map((request) => request.headers['kinship-event-type'])).toContain('user.role_changed'));
    await sleep(500);
    expect(bed.partner.at('/registered')).toHaveLength(1);
    const everythingTypes = bed.partner.at('/everything').map((request) => request.headers['kinship-event-type']);
    expect(everythingTypes).toEqual(expect.arrayContaining(['user.registered', 'user.role_changed']));
    expect(everythingTypes).not.toContain('user.invited');
    expect(bed.partner.at('/everything').every((request) => verifySignature(request, everything.secret))).toBe(true);

    const log = await deliveriesOf(registered.id);
    expect(log.data).toEqual([
      expect.objectContaining({
        eventId: body.id,
        eventType: 'user.registered',
        status: 'succeeded',
        attemptCount: 1,
        responseStatus: 200,
        responseBody: 'ok',
        error: null,
        nextAttemptAt: null,
      }),
    ]);
  });

  it('retries a delivery the partner answered with 500, and the log shows both attempts', async () => {
    bed.partner.answer('/flaky', 500, 200);
    const endpoint = await createEndpoint('/flaky', ['user.role_changed']);
    const session = await inviteAndAccept();
    await changeRole(session.user!.id, 'viewer');

    const delivery = await eventually(async () => {
      const [latest] = (await deliveriesOf(endpoint.id)).data;
      expect(latest).toMatchObject({ status: 'succeeded' });
      return latest!;
    });
    expect(delivery).toMatchObject({ eventType: 'user.role_changed', attemptCount: 2, responseStatus: 200, error: null });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attempt: 1, responseStatus: 500, responseBody: 'partner says 500', error: 'the endpoint answered 500' }),
      expect.objectContaining({ attempt: 2, responseStatus: 200, responseBody: 'ok', error: null }),
    ]);
    const requests = bed.partner.at('/flaky');
    expect(requests.map((request) => request.headers['kinship-delivery-attempt'])).toEqual(['1', '2']);
    expect(new Set(requests.map((request) => request.headers['kinship-event-id']))).toEqual(new Set([delivery.eventId]));
    expect(requests.every((request) => verifySignature(request, endpoint.secret))).toBe(true);

    const metrics = await (await fetch(`${bed.notifications.url}/metrics`)).text();
    expect(metrics).toMatch(/kinship_webhook_delivery_attempts_total\{outcome="retrying"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/kinship_webhook_delivery_attempts_total\{outcome="succeeded"[^}]*\} [1-9]/);
  });

  it('disables an endpoint after deliveries in a row fail every attempt; re-enabling resets it', async () => {
    bed.partner.answer('/down', 503);
    const endpoint = await createEndpoint('/down', ['user.role_changed']);
    const session = await inviteAndAccept();
    await changeRole(session.user!.id, 'viewer');
    await changeRole(session.user!.id, 'member');

    const disabled = await eventually(async () => {
      const current = await send<WebhookEndpoint>('get', { id: endpoint.id });
      expect(current.active).toBe(false);
      return current;
    });
    expect(disabled).toMatchObject({ consecutiveFailures: 2, disabledReason: '2 deliveries in a row failed every attempt' });
    expect(disabled.disabledAt).not.toBeNull();
    const log = await deliveriesOf(endpoint.id);
    expect(log.data).toHaveLength(2);
    for (const delivery of log.data) {
      expect(delivery).toMatchObject({ status: 'failed', attemptCount: 3, responseStatus: 503, nextAttemptAt: null });
      expect(delivery.attempts.map((attempt) => attempt.responseStatus)).toEqual([503, 503, 503]);
    }
    expect(bed.partner.at('/down')).toHaveLength(6);

    // While disabled, events make no delivery.
    await changeRole(session.user!.id, 'viewer');
    await waitForEvent<AuthEvents.UserRoleChanged>(
      bed,
      'user.role_changed',
      (data) => data.userId === session.user!.id && data.role === 'viewer' && data.previousRole === 'member',
    );
    await sleep(500);
    expect((await deliveriesOf(endpoint.id)).data).toHaveLength(2);

    bed.partner.answer('/down', 200);
    const enabled = await send<WebhookEndpoint>('update', { id: endpoint.id, active: true });
    expect(enabled).toMatchObject({ active: true, consecutiveFailures: 0, disabledReason: null, disabledAt: null });
    await changeRole(session.user!.id, 'member');
    await eventually(async () => expect((await deliveriesOf(endpoint.id)).data[0]).toMatchObject({ status: 'succeeded', attemptCount: 1 }));
  });

  it('makes one delivery of an event that JetStream delivers twice', async () => {
    const endpoint = await createEndpoint('/once', ['deal.won']);
    const event = anEvent(owner.workspace!.id, 'deal.won', { deal: { id: 'deal-1', name: 'Big one', amount: 100000, currency: 'EUR' } });
    // Two message ids: the stream keeps both copies, as it does for a republish after its duplicate window.
    await publishEvent(bed, 'crm', event, `${event.id}-first`);
    await publishEvent(bed, 'crm', event, `${event.id}-again`);
    await eventually(() => expect(bed.partner.at('/once')).toHaveLength(1));
    await sleep(700);
    expect(bed.partner.at('/once')).toHaveLength(1);
    expect(JSON.parse(bed.partner.at('/once')[0]!.body)).toEqual(event);
    const log = await deliveriesOf(endpoint.id);
    expect(log.data.map((delivery) => delivery.eventId)).toEqual([event.id]);
  });

  it('answers 404 for another workspace’s endpoint, whatever the operation, and changes nothing', async () => {
    const endpoint = await createEndpoint('/private', ['deal.won']);
    const elsewhere = await bed.client.send<AuthRpc.RegisterReply>(
      'auth.registration.register',
      { email: `stranger-${Date.now()}@example.com`, password: PASSWORD, name: 'Stranger', workspaceName: 'Elsewhere' },
      userContext(''),
    );
    const stranger = userContext(elsewhere.workspace!.id, elsewhere.user!.id, 'owner');
    for (const [pattern, data] of [
      ['get', { id: endpoint.id }],
      ['update', { id: endpoint.id, url: bed.partner.url('/stolen') }],
      ['delete', { id: endpoint.id }],
      ['rotate-secret', { id: endpoint.id }],
      ['deliveries', { id: endpoint.id }],
      ['get', { id: 'not-a-uuid' }],
    ] as const) {
      await expectError(send(pattern, data, stranger), { status: 404, code: 'not_found' });
    }
    expect((await send<Page<WebhookEndpoint>>('list', {}, stranger)).data).toEqual([]);
    expect(await send<WebhookEndpoint>('get', { id: endpoint.id })).toMatchObject({ url: bed.partner.url('/private') });
  });

  it('refuses callers who are not admins and API keys', async () => {
    await expectError(send('list', {}, userContext(owner.workspace!.id, owner.user!.id, 'manager')), { status: 403 });
    await expectError(send('list', {}, { ...asOwner, userId: null, role: null, scopes: ['webhooks:manage'] }), { status: 403 });
  });

  it('answers bad input with 422 naming the field, and creates or changes nothing', async () => {
    const endpoint = await createEndpoint('/valid', ['deal.won']);
    const before = await send<Page<WebhookEndpoint>>('list', {});
    const url = bed.partner.url('/x');
    const creations: Array<[Record<string, unknown>, string]> = [
      [{ url: 'not a url', events: ['deal.won'] }, 'url'],
      [{ url: 'ftp://example.com/hook', events: ['deal.won'] }, 'url'],
      [{ url: `https://example.com/${'a'.repeat(2050)}`, events: ['deal.won'] }, 'url'],
      [{ events: ['deal.won'] }, 'url'],
      [{ url, events: [] }, 'events'],
      [{ url, events: ['deal.exploded'] }, 'events'],
      [{ url, events: ['user.invited'] }, 'events'],
      [{ url, events: 'deal.won' }, 'events'],
      [{ url, events: ['deal.won', 'deal.won'] }, 'events'],
      [{ url }, 'events'],
      [{ url, events: ['deal.won'], secret: 'mine' }, 'secret'],
    ];
    for (const [data, field] of creations) await expectError(send('create', data), { status: 422, code: 'validation_failed', field });
    const updates: Array<[Record<string, unknown>, string]> = [
      [{ id: endpoint.id, url: 'javascript:alert(1)' }, 'url'],
      [{ id: endpoint.id, events: [] }, 'events'],
      [{ id: endpoint.id, events: ['nope.never'] }, 'events'],
      [{ id: endpoint.id, active: 'yes' }, 'active'],
      [{ id: endpoint.id, url: null }, 'url'],
    ];
    for (const [data, field] of updates) await expectError(send('update', data), { status: 422, code: 'validation_failed', field });
    await expectError(send('deliveries', { id: endpoint.id, status: 'lost' }), { status: 422, field: 'status' });
    await expectError(send('list', { cursor: 'bogus' }), { status: 400, code: 'invalid_cursor' });
    expect(await send<Page<WebhookEndpoint>>('list', {})).toEqual(before);
  });

  it('pages endpoints newest first and deletes one with its log', async () => {
    const first = await createEndpoint('/page-1', ['deal.won']);
    const second = await createEndpoint('/page-2', ['deal.won']);
    const page = await send<Page<WebhookEndpoint>>('list', { limit: 1 });
    expect(page.data.map((endpoint) => endpoint.id)).toEqual([second.id]);
    const next = await send<Page<WebhookEndpoint>>('list', { limit: 1, cursor: page.nextCursor });
    expect(next.data.map((endpoint) => endpoint.id)).toEqual([first.id]);

    await expect(send('delete', { id: first.id })).resolves.toEqual({});
    await expectError(send('get', { id: first.id }), { status: 404 });
    await expectError(send('delete', { id: first.id }), { status: 404 });
  });

  it('serves the endpoints over HTTP: 201 with the secret once, 422 naming the field, 204 on delete', async () => {
    const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${gateway.url}/api/v1${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${owner.accessToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    const created = await api('/webhook-endpoints', {
      method: 'POST',
      body: { url: bed.partner.url('/http'), events: ['deal.won'], description: 'Warehouse sync' },
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as WebhookEndpointWithSecret;
    expect(endpoint).toMatchObject({ url: bed.partner.url('/http'), description: 'Warehouse sync', active: true });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const fetched = await api(`/webhook-endpoints/${endpoint.id}`);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).not.toHaveProperty('secret');
    const log = await api(`/webhook-endpoints/${endpoint.id}/deliveries?status=failed`);
    expect(await log.json()).toEqual({ data: [], nextCursor: null });

    const invalid = await api('/webhook-endpoints', { method: 'POST', body: { url: 'not a url', events: ['deal.won'] } });
    expect(invalid.status).toBe(422);
    const envelope = (await invalid.json()) as { error: { code: string; details: Array<{ field: string }> } };
    expect(envelope.error.code).toBe('validation_failed');
    expect(envelope.error.details.map((detail) => detail.field)).toContain('url');
    const unknownType = await api(`/webhook-endpoints/${endpoint.id}`, { method: 'PATCH', body: { events: ['deal.exploded'] } });
    expect(unknownType.status).toBe(422);

    const disabled = await api(`/webhook-endpoints/${endpoint.id}`, { method: 'PATCH', body: { active: false } });
    expect(await disabled.json()).toMatchObject({ active: false, disabledReason: 'disabled through the API' });
    expect((await api(`/webhook-endpoints/${endpoint.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });
});
