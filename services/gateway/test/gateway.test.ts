import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, skipResponseCheck, startTestService, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { reportingService } from '../../reporting/src/reporting.service.js';
import { startGateway } from '../src/gateway.js';
import { exposedNames, metricNames, monitoringQueries } from '../../../deploy/test/monitoring.js';
import { ProbeGatewayController, ProbeHandlersModule } from './probe.js';

const RPC_TIMEOUT_MS = 1000;

describe('gateway', () => {
  // The probe routes are the test's own, with answers made up to exercise the seam.
  skipResponseCheck('test-only probe routes');
  let environment: TestEnvironment;
  let gateway: RunningService;
  let crm: RunningService;
  const others: RunningService[] = [];
  let api: string;

  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway');
    const overrides = { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS), BODY_LIMIT_BYTES: '4096', CORS_ORIGINS: 'https://app.example.com' };
    // crm's own features too: their metrics (imports, queues) are on the page the dashboard test reads.
    crm = await startTestService({ ...crmService, features: (config) => [...crmService.features(config), ProbeHandlersModule] }, environment, overrides);
    others.push(await startTestService(authService, environment));
    others.push(await startTestService(billingService, environment));
    others.push(await startTestService(notificationsService, environment));
    others.push(await startTestService(reportingService, environment));
    gateway = await startGateway({ ...environment.env, ...overrides }, { features: [{ module: class ProbeModule {}, controllers: [ProbeGatewayController] }] });
    api = `${gateway.url}/api/v1`;
  });

  afterAll(async () => {
    await gateway?.close();
    for (const service of others) await service.close();
    await crm?.close();
    await environment?.dispose();
  });

  it('forwards a valid request to the service with the caller context and returns its answer', async () => {
    const response = await post('/probe/echo', JSON.stringify({ name: 'Ada', count: 2 }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as { received: unknown; requestId: string };
    expect(body.received).toEqual({ name: 'Ada', count: 2 });
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('puts X-Request-Id on every response and keeps the caller’s own id', async () => {
    const generated = await fetch(`${api}/nowhere`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${gateway.url}/health/live`, { headers: { 'x-request-id': 'trace-from-client-42' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-from-client-42');
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const response = await fetch(`${api}/nowhere`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ status: 404, code: 'not_found', requestId: response.headers.get('x-request-id') });
  });

  it('answers malformed JSON with a 400 envelope', async () => {
    const response = await post('/probe/echo', '{"name": "Ada",');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ status: 400, code: 'malformed_json' });
  });

  it('answers a body over the limit with a 413 envelope', async () => {
    const response = await post('/probe/echo', JSON.stringify({ name: 'x'.repeat(5000) }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('answers a body that is not JSON with a 415 envelope', async () => {
    const response = await post('/probe/echo', 'name=Ada', 'text/csv');
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('answers an invalid body with a 422 naming each field, unknown fields included, and forwards nothing', async () => {
    const response = await post('/probe/conflict', JSON.stringify({ name: 42, count: -1, admin: true }));
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { code: string; details: Array<{ field: string }> } };
    expect(error.code).toBe('validation_failed');
    expect([...new Set(error.details.map((detail) => detail.field))].sort()).toEqual(['admin', 'count', 'name']);
  });

  it('answers malformed or unknown query parameters with a 400 naming them', async () => {
    expect(await (await fetch(`${api}/probe/list?limit=20`)).json()).toEqual({ limit: 20 });
    const response = await fetch(`${api}/probe/list?limit=lots&sort=name`);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; details: Array<{ field: string }> } };
    expect(error.code).toBe('invalid_parameter');
    expect([...new Set(error.details.map((detail) => detail.field))].sort()).toEqual(['limit', 'sort']);
  });

  it('carries an error thrown in a service to the client as the envelope with its status and details', async () => {
    const response = await post('/probe/conflict', JSON.stringify({ name: 'Ada' }));
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'A contact with this email already exists.',
      details: [{ field: 'email', issue: 'taken', existingId: 'c-1' }],
    });
  });

  it('answers a fault in a service with a 500 that leaks nothing', async () => {
    const response = await post('/probe/crash', JSON.stringify({ name: 'Ada' }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/hunter2|at .*\.ts|stack/);
    expect(JSON.parse(text).error).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it('answers 504 when a service does not reply within the timeout', async () => {
    const started = Date.now();
    const response = await post('/probe/slow', JSON.stringify({ name: 'Ada' }));
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(RPC_TIMEOUT_MS + 1500);
  });

  it('serves the OpenAPI document and its page', async () => {
    const json = await fetch(`${gateway.url}/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.paths).toHaveProperty('/health');
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('lets allowed origins call the API and no others', async () => {
    const preflight = (origin: string) => fetch(`${api}/probe/echo`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await preflight('https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers', async () => {
    const response = await fetch(`${gateway.url}/health/live`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('reports every service up on GET /health', async () => {
    const response = await fetch(`${gateway.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; services: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.services).sort()).toEqual(['auth', 'billing', 'crm', 'notifications', 'reporting']);
    expect(Object.values(body.services).every((service) => service.status === 'up')).toBe(true);
  });

  it('serves on every service a /metrics page that promtool accepts, with the request metrics in it', async () => {
    await post('/probe/echo', JSON.stringify({ name: 'Ada' }));
    for (const service of [gateway, crm, ...others]) {
      const response = await fetch(`${service.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(check.error).toBeUndefined();
      expect({ url: service.url, status: check.status, problems: check.stderr + check.stdout }).toEqual({ url: service.url, status: 0, problems: '' });
    }
    const gatewayMetrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(gatewayMetrics).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/probe\/:outcome"[^}]*status_code="201"/);
    expect(gatewayMetrics).toMatch(/rpc_client_duration_seconds_count\{[^}]*pattern="crm.probe.echo"[^}]*outcome="ok"/);
    const crmMetrics = await (await fetch(`${crm.url}/metrics`)).text();
    expect(crmMetrics).toMatch(/rpc_request_duration_seconds_count\{[^}]*pattern="crm.probe.echo"[^}]*outcome="ok"/);
    expect(crmMetrics).toMatch(/rpc_request_duration_seconds_count\{[^}]*pattern="crm.probe.conflict"[^}]*outcome="conflict"/);
  });

  it('exposes every metric that the Grafana dashboard and the alert rules query', async () => {
    const exposed = new Set<string>();
    for (const service of [gateway, crm, ...others]) {
      for (const name of exposedNames(await (await fetch(`${service.url}/metrics`)).text())) exposed.add(name);
    }
    const missing = monitoringQueries().flatMap((query) =>
      metricNames(query)
        .filter((name) => !exposed.has(name))
        .map((name) => `${name} (${query.source})`),
    );
    expect(missing).toEqual([]);
  });

  it('after a service stops: 503 within the timeout, and GET /health shows it down but still answers', async () => {
    await crm.close();
    const started = Date.now();
    const response = await post('/probe/echo', JSON.stringify({ name: 'Ada' }));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(Date.now() - started).toBeLessThan(RPC_TIMEOUT_MS);

    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; services: Record<string, { status: string }> };
    expect(body.status).toBe('degraded');
    expect(body.services.crm!.status).toBe('down');
    expect(body.services.auth!.status).toBe('up');
  });
});
