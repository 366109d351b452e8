import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { isPermission, PERMISSIONS, roleHolds, ROLES, type Permission } from '@kinship/contracts';
import { RpcError, type RpcRequest } from '@kinship/messaging';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { documentedRoutes } from '../src/access/permissions-document.js';
import { routesOf, type Route } from '../src/access/route-table.js';
import { CONSOLE_ROUTES } from '../src/http/console-static.js';
import { startGateway } from '../src/gateway.js';
import { accessClaims, authStandIn, signAccessToken, testSigningKey, type StandIn } from './support.js';

/** Bodies that pass validation, so an allowed request reaches the (absent) auth service; other routes get `{}`. */
const VALID_BODIES: Record<string, unknown> = {
  'POST /api/v1/invitations': { email: 'grace@example.com', role: 'member' },
  'PATCH /api/v1/me': { name: 'Ada Lovelace' },
  'PUT /api/v1/me/settings': { locale: 'en-GB', timezone: 'Europe/London', notifications: { task_assigned: { email: true } } },
  'PATCH /api/v1/users/:id': { role: 'viewer' },
  'POST /api/v1/api-keys': { name: 'Sync', scopes: ['contacts:read'] },
  'POST /api/v1/custom-fields': { entity: 'contact', key: 'shoe_size', label: 'Shoe size', type: 'number' },
  'POST /api/v1/segments': { name: 'VIP', kind: 'static' },
  'POST /api/v1/views': { name: 'My leads', entity: 'contacts', columns: ['lastName'] },
  'POST /api/v1/segments/:id/contacts': { contactIds: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/segments/:id/contacts/remove': { contactIds: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/contacts/:id/merge': { otherId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/companies': { name: 'Acme' },
  'POST /api/v1/contacts/bulk': { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/companies/bulk': { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/deals/bulk': { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/tasks/bulk': { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/tickets/bulk': { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/objects/:object/records/bulk': { action: 'delete', ids: ['00000000-0000-4000-8000-000000000000'] },
  'POST /api/v1/tasks': { title: 'Call back' },
  'POST /api/v1/tasks/:id/assign': { assigneeId: null },
  'POST /api/v1/notes': { body: 'Met at the fair', related: { type: 'contact', id: '00000000-0000-4000-8000-000000000000' } },
  'PUT /api/v1/crm-settings': { defaultPhoneRegion: 'GB' },
  'POST /api/v1/objects': { key: 'property', singularLabel: 'Property', pluralLabel: 'Properties' },
  'POST /api/v1/objects/:object/fields': { key: 'propertyType', label: 'Property type', type: 'text' },
  'POST /api/v1/objects/:object/records': { values: {} },
  'POST /api/v1/objects/:object/records/:id/notes': { body: 'Roof needs work' },
  'POST /api/v1/objects/:object/records/:id/tasks': { title: 'Book a surveyor' },
  'POST /api/v1/objects/:object/records/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/pipelines': {
    name: 'Renewals',
    stages: [
      { name: 'Open', probability: 50, kind: 'open' },
      { name: 'Won', probability: 100, kind: 'won' },
      { name: 'Lost', probability: 0, kind: 'lost' },
    ],
  },
  'POST /api/v1/deals': { name: 'Acme', amount: 1000, currency: 'EUR' },
  'POST /api/v1/deals/:id/stage': { stageId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/contacts/:id/convert': { dealName: 'Acme', amount: 1000, currency: 'EUR' },
  'POST /api/v1/webhook-endpoints': { url: 'https://partner.example.com/hooks', events: ['deal.won'] },
  'POST /api/v1/campaigns': {
    name: 'Newsletter',
    channel: 'email',
    subject: 'News',
    body: '<p>News</p>',
    audience: { segmentId: '00000000-0000-4000-8000-000000000000' },
  },
  'POST /api/v1/exports': { entity: 'contacts', format: 'csv' },
  'POST /api/v1/email-templates': { key: 'task_assigned', subject: 'New task: {{taskTitle}}', body: '<p>{{taskTitle}}</p>' },
  'POST /api/v1/imports/:id/conflicts/:conflictId/resolve': { action: 'keep_existing' },
  'POST /api/v1/imports/:id/conflicts/resolve': { action: 'keep_existing', all: true },
  'POST /api/v1/products': { name: 'Consulting hour', sku: 'CONSULT-H', unitPrice: 12000, currency: 'EUR' },
  'POST /api/v1/invoices': {
    customer: { contactId: '00000000-0000-4000-8000-000000000000' },
    currency: 'EUR',
    lines: [{ description: 'Consulting', quantity: 1, unitPrice: 12000 }],
  },
  'POST /api/v1/reports/query': { entity: 'deals', measures: [{ fn: 'count' }] },
  'POST /api/v1/reports/saved': { name: 'Deals', query: { entity: 'deals', measures: [{ fn: 'count' }] } },
  'POST /api/v1/dashboards': { name: 'Sales', widgets: [] },
  'POST /api/v1/tickets': { subject: 'Cannot log in' },
  'POST /api/v1/contacts/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/companies/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/deals/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/tickets/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/notes/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/invoices/:id/files': { fileId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/tickets/:id/assign': { assigneeId: null },
  'POST /api/v1/tickets/:id/merge': { otherId: '00000000-0000-4000-8000-000000000000' },
  'POST /api/v1/tickets/:id/comments': { body: 'Looking into it' },
  'PUT /api/v1/sla-policies/:priority': { firstResponseMinutes: 60, resolutionMinutes: 480 },
  'PUT /api/v1/business-hours': { timezone: 'Europe/London', days: [{ day: 'monday', start: '09:00', end: '17:00' }] },
  'PUT /api/v1/ticket-settings': { assignment: 'none', assignees: [] },
  'PUT /api/v1/sms-settings': { phoneNumber: '+15550001111', helpText: 'Reply STOP to opt out.', inboundTickets: true },
  'POST /api/v1/invoices/:id/credit-notes': { amount: 1000, refund: 'wallet' },
  'POST /api/v1/invoice-schedules': {
    customer: { contactId: '00000000-0000-4000-8000-000000000000' },
    currency: 'EUR',
    lines: [{ description: 'Hosting', quantity: 1, unitPrice: 4900 }],
    interval: 'month',
    startDate: '2026-01-01',
  },
  'POST /api/v1/payments': { invoiceId: '00000000-0000-4000-8000-000000000000', amount: 1000, method: 'manual' },
  'POST /api/v1/payments/:id/refund': { amount: 1000 },
  'POST /api/v1/wallets/:customerId/credit': { amount: 1000, currency: 'EUR' },
};

/** Routes that read multipart forms: the walk uploads a small file, so an allowed request reaches the (absent) crm service. */
const MULTIPART_FORMS: Record<string, () => FormData> = {
  'POST /api/v1/imports': () => {
    const form = new FormData();
    form.append('entity', 'contacts');
    form.append('file', new Blob(['Email\nada@example.com\n']), 'contacts.csv');
    return form;
  },
  'POST /api/v1/imports/preview': () => {
    const form = new FormData();
    form.append('entity', 'contacts');
    form.append('file', new Blob(['Email\nada@example.com\n']), 'contacts.csv');
    return form;
  },
  'POST /api/v1/files': () => {
    const form = new FormData();
    form.append('file', new Blob(['minutes']), 'minutes.txt');
    return form;
  },
};
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The routes the running gateway knows, read from the controllers of every module Nest loaded. */
function nestRoutes(gateway: RunningService): Route[] {
  const controllers = [...gateway.app.get(ModulesContainer).values()].flatMap((module) =>
    [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type),
  );
  return routesOf(controllers);
}

/** Every `METHOD /path` Fastify serves, parsed from its route tree (HEAD and CORS's OPTIONS left out). */
function fastifyRoutes(gateway: RunningService): string[] {
  const tree = gateway.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const segments: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    segments.length = depth;
    segments.push(match[2]!);
    const path = segments.join('');
    for (const method of match[3]?.split(', ') ?? []) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push(`${method} ${path}`);
  }
  return routes;
}

const key = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

function call(gateway: RunningService, route: Route, headers: Record<string, string>): Promise<Response> {
  const path = route.path
    .replace(/:provider\b/, 'google')
    .replace(/:priority\b/, 'high')
    .replace(/:[A-Za-z]+/g, () => randomUUID());
  const form = MULTIPART_FORMS[key(route)];
  if (form) return fetch(`${gateway.url}${path}`, { method: route.method, headers, body: form() });
  const hasBody = BODY_METHODS.has(route.method);
  return fetch(`${gateway.url}${path}`, {
    method: route.method,
    headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
    body: hasBody ? JSON.stringify(VALID_BODIES[key(route)] ?? {}) : undefined,
  });
}

describe('access control, route by route', () => {
  let environment: TestEnvironment;
  let gateway: RunningService;
  let standIn: StandIn;
  let signingKey: Awaited<ReturnType<typeof testSigningKey>>;
  let routes: Route[];
  let guarded: Array<Route & { access: { kind: 'permission'; permission: Permission } }>;
  /** API keys the stand-in auth service knows, with their scopes. */
  const apiKeys = new Map<string, Permission[]>();

  function apiKeyWith(scopes: Permission[]): string {
    const apiKey = `kst_${randomUUID()}`;
    apiKeys.set(apiKey, scopes);
    return apiKey;
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-permissions');
    signingKey = await testSigningKey();
    // Only the signing keys and API-key verification are answered: every request the guard lets through finds no auth service (503).
    standIn = await authStandIn(environment, {
      'auth.signing-keys.jwks': () => ({ keys: [signingKey.publicJwk] }),
      'auth.api-keys.verify': ({ data }: RpcRequest) => {
        const scopes = apiKeys.get((data as { key: string }).key);
        if (!scopes) throw new RpcError(401, 'unauthorized', 'The API key is not valid.');
        return { keyId: randomUUID(), workspaceId: randomUUID(), scopes, createdBy: randomUUID() };
      },
    });
    gateway = await startGateway({ ...environment.env, RPC_TIMEOUT_MS: '2000' });
    routes = nestRoutes(gateway);
    guarded = routes.filter((route): route is (typeof guarded)[number] => route.access?.kind === 'permission');
  });

  afterAll(async () => {
    await gateway?.close();
    await standIn?.close();
    await environment?.dispose();
  });

  it('serves no route that Nest does not know, apart from the OpenAPI pages and the web console’s files', () => {
    const served = fastifyRoutes(gateway).filter((route) => !/^GET \/docs/.test(route) && !CONSOLE_ROUTES.includes(route));
    expect(served.sort()).toEqual(routes.map(key).sort());
  });

  it('has every route declare @Public() or @RequirePermission() with a permission of the matrix', () => {
    const undeclared = routes.filter((route) => route.access === undefined).map(key);
    expect(undeclared).toEqual([]);
    for (const route of guarded) expect(isPermission(route.access.permission)).toBe(true);
    expect(guarded.length).toBeGreaterThan(0);
  });

  it('serves exactly the routes docs/permissions.md lists, with the access it states', () => {
    expect(routes.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(documentedRoutes().sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('describes exactly these routes in the OpenAPI document, each guarded one with its permission and credentials', async () => {
    type Operation = { security?: Array<Record<string, unknown>>; 'x-kinship-permission'?: string };
    const document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operation })),
    );
    expect(described.map(({ route }) => route).sort()).toEqual(routes.map(key).sort());
    for (const route of guarded) {
      const { operation } = described.find((candidate) => candidate.route === key(route))!;
      const credentials = PERMISSIONS[route.access.permission].apiKeyScope ? [{ bearer: [] }, { apiKey: [] }] : [{ bearer: [] }];
      expect({ route: key(route), permission: operation['x-kinship-permission'], security: operation.security }).toEqual({
        route: key(route),
        permission: route.access.permission,
        security: credentials,
      });
    }
  });

  it('lets anyone call the public routes without credentials', async () => {
    for (const route of routes.filter((candidate) => candidate.access?.kind === 'public')) {
      const response = await call(gateway, route, {});
      expect({ route: key(route), refused: [401, 403].includes(response.status) }).toEqual({ route: key(route), refused: false });
    }
  });

  it('answers 401 with WWW-Authenticate on every guarded route called without credentials', async () => {
    for (const route of guarded) {
      const response = await call(gateway, route, {});
      expect({ route: key(route), status: response.status, challenge: response.headers.get('www-authenticate') }).toEqual({
        route: key(route),
        status: 401,
        challenge: 'Bearer realm="kinship"',
      });
    }
  });

  it('lets each role through exactly where the matrix grants it, and refuses it with 403 naming the permission elsewhere', async () => {
    for (const role of ROLES) {
      const token = await signAccessToken(signingKey, accessClaims(role));
      for (const route of guarded) {
        const { permission } = route.access;
        const response = await call(gateway, route, { authorization: `Bearer ${token}` });
        const body = (await response.json()) as { error: { code: string; details: unknown[] } };
        // Allowed: the guard let it through and only the missing auth service stopped it.
        const expected = roleHolds(role, permission)
          ? { status: 503, code: 'service_unavailable' }
          : { status: 403, code: 'forbidden', details: [{ issue: 'missing_permission', permission }] };
        const actual = roleHolds(role, permission)
          ? { status: response.status, code: body.error.code }
          : { status: response.status, code: body.error.code, details: body.error.details };
        expect({ role, route: key(route), ...actual }).toEqual({ role, route: key(route), ...expected });
      }
    }
  });

  it('lets an API key through only with the route’s permission as a scope, and only where a key may hold it', async () => {
    const allScopes = Object.keys(PERMISSIONS) as Permission[];
    for (const route of guarded) {
      const { permission } = route.access;
      const without = await call(gateway, route, { 'x-api-key': apiKeyWith(allScopes.filter((scope) => scope !== permission)) });
      expect({ route: key(route), status: without.status }).toEqual({ route: key(route), status: 403 });

      const withIt = await call(gateway, route, { 'x-api-key': apiKeyWith([permission]) });
      const expected = PERMISSIONS[permission].apiKeyScope ? 503 : 403;
      expect({ route: key(route), permission, status: withIt.status }).toEqual({ route: key(route), permission, status: expected });
    }
  });
});
