import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { startGateway } from '../src/gateway.js';

describe('Idempotency-Key on POST', () => {
  let environment: TestEnvironment;
  let auth: RunningService;
  let gateway: RunningService;
  let token: string;

  function post(path: string, body: unknown, key?: string, bearer = token): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${bearer}` };
    if (key !== undefined) headers['idempotency-key'] = key;
    return fetch(`${gateway.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  }

  async function apiKeyNames(): Promise<string[]> {
    const response = await fetch(`${gateway.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { data: Array<{ name: string }> }).data.map((key) => key.name);
  }

  async function signUp(): Promise<string> {
    const response = await fetch(`${gateway.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `idem-${randomBytes(4).toString('hex')}@example.com`,
        password: 'amber-cobalt-violin-meadow-4',
        name: 'Ida',
        workspaceName: 'Idem',
      }),
    });
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-idempotency');
    auth = await startTestService(authService, environment);
    gateway = await startGateway(environment.env);
    token = await signUp();
  });

  afterAll(async () => {
    await gateway?.close();
    await auth?.close();
    await environment?.dispose();
  });

  it('answers a retry with the first response and no second effect', async () => {
    const key = randomUUID();
    const first = await post('/api-keys', { name: 'Sync once', scopes: ['contacts:read'] }, key);
    const retry = await post('/api-keys', { name: 'Sync once', scopes: ['contacts:read'] }, key);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    expect((await apiKeyNames()).filter((name) => name === 'Sync once')).toHaveLength(1);
  });

  it('refuses the same key with another body with 409, creating nothing', async () => {
    const key = randomUUID();
    expect((await post('/api-keys', { name: 'First body', scopes: ['contacts:read'] }, key)).status).toBe(201);
    const other = await post('/api-keys', { name: 'Second body', scopes: ['contacts:read'] }, key);
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]!.field).toBe('Idempotency-Key');
    expect(await apiKeyNames()).not.toContain('Second body');
  });

  it('keeps keys apart per caller, and acts again without a key', async () => {
    const key = randomUUID();
    const otherOwner = await signUp();
    expect((await post('/api-keys', { name: 'Shared key A', scopes: ['contacts:read'] }, key)).status).toBe(201);
    const fromOther = await post('/api-keys', { name: 'Shared key B', scopes: ['contacts:read'] }, key, otherOwner);
    expect(fromOther.status).toBe(201);
    expect(fromOther.headers.get('idempotent-replayed')).toBeNull();
    await post('/api-keys', { name: 'No key', scopes: ['contacts:read'] });
    await post('/api-keys', { name: 'No key', scopes: ['contacts:read'] });
    expect((await apiKeyNames()).filter((name) => name === 'No key')).toHaveLength(2);
  });

  it('replays a validation error too, and refuses a malformed key with 400', async () => {
    const key = randomUUID();
    const first = await post('/api-keys', { name: '', scopes: ['contacts:read'] }, key);
    const retry = await post('/api-keys', { name: '', scopes: ['contacts:read'] }, key);
    expect([first.status, retry.status]).toEqual([422, 422]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const malformed = await post('/api-keys', { name: 'Bad key', scopes: ['contacts:read'] }, 'x'.repeat(256));
    expect(malformed.status).toBe(400);
    expect(await apiKeyNames()).not.toContain('Bad key');
  });
});
