import { connect as connectTcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import {
  createTestEnvironment,
  fuzzApi,
  HOSTILE_CLASSES,
  problemOf,
  startMailbox,
  startTestService,
  summarizeFindings,
  type Mailbox,
  type TestEnvironment,
} from '@kinship/testing';
import { authService } from '../../auth/src/auth.service.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { reportingService } from '../../reporting/src/reporting.service.js';
import { startGateway } from '../src/gateway.js';

// The stack every public operation needs: auth, crm and notifications behind the gateway.
/** A machine loaded by the whole suite must not turn a slow answer into a 504 that reads as a finding. */
const RPC_TIMEOUT_MS = '30000';
const PUBLIC_URL = 'https://app.kinship.test';
/** A fixed seed: the same requests every run, so a failure reproduces (FUZZ_SEED overrides it to explore). */
const SEED = Number(process.env.FUZZ_SEED ?? 18);
/** 2,400 for 224 operations: 58 of them answer a 2xx, well over the fifth the run requires (at 1,600, 45: a margin of one; about 25 s on a loaded machine). */
const REQUESTS = 2400;
const REFUSED_PER_COLLECTION = 6;

describe('fuzzing the public API (issue 18, item 6)', () => {
  let environment: TestEnvironment;
  let mailbox: Mailbox;
  let services: RunningService[] = [];
  let gateway: RunningService;

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-fuzz-e2e');
    mailbox = await startMailbox();
    services = [
      await startTestService(authService, environment, { RPC_TIMEOUT_MS }),
      await startTestService(crmService, environment, { RPC_TIMEOUT_MS }),
      await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl, PUBLIC_URL, RPC_TIMEOUT_MS }),
      await startTestService(billingService, environment, { RPC_TIMEOUT_MS }),
      await startTestService(reportingService, environment, { RPC_TIMEOUT_MS }),
    ];
    gateway = await startGateway({ ...environment.env, RPC_TIMEOUT_MS });
  });

  afterAll(async () => {
    await gateway?.close();
    for (const service of services.reverse()) await service.close();
    await mailbox?.close();
    await environment?.dispose();
  });

  async function answerOf(path: string): Promise<{ status: number; text: string; requestId: string | null }> {
    const response = await fetch(`${gateway.url}${path}`);
    return { status: response.status, text: await response.text(), requestId: response.headers.get('x-request-id') };
  }

  it('answers a path parameter over 100 characters with 414 in the error envelope', async () => {
    const answer = await answerOf(`/api/v1/contacts/${'i'.repeat(101)}`);
    expect(answer.status).toBe(414);
    expect(JSON.parse(answer.text)).toEqual({
      error: { status: 414, code: 'uri_too_long', message: expect.any(String), details: [], requestId: answer.requestId },
    });
  });

  it('answers a URL over the 16 KiB header limit with 431 in the error envelope', async () => {
    const answer = await answerOf(`/api/v1/contacts?q=${'q'.repeat(20_000)}`);
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.text)).toEqual({
      error: { status: 431, code: 'headers_too_large', message: expect.any(String), details: [], requestId: answer.requestId },
    });
  });

  it('answers a path that is not valid percent-encoding with 400 in the error envelope', async () => {
    const answer = await answerOf('/api/v1/contacts/%E0%A4%A');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      error: { status: 400, code: 'bad_request', message: expect.any(String), details: [], requestId: answer.requestId },
    });
  });

  it('answers a request Node cannot parse with 400 in the error envelope', async () => {
    const { port } = new URL(gateway.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connectTcp({ host: '127.0.0.1', port: Number(port) }, () => socket.write('GET /api/v1/me HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(problemOf({ status: 400, text: body! })).toBeUndefined();
    expect(JSON.parse(body!).error.code).toBe('bad_request');
  });

  it('answers a malformed multipart body on POST /imports with 400 in the error envelope (found by the fuzzer: 500 before)', async () => {
    const registered = await fetch(`${gateway.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.18.0.18' },
      body: JSON.stringify({
        email: `imports-${Date.now()}@example.com`,
        password: 'fuzz-amber-cobalt-violin-meadow',
        name: 'Importer',
        workspaceName: 'Imports',
      }),
    });
    const { accessToken } = (await registered.json()) as { accessToken: string };
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
      const response = await fetch(`${gateway.url}/api/v1/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': contentType },
        body: 'Y?wl',
      });
      const body = (await response.json()) as { error?: { code?: string } };
      expect({ contentType, status: response.status, code: body.error?.code }).toEqual({ contentType, status: 400, code: 'malformed_multipart' });
    }
  });

  it('answers every operation’s fuzzed requests without a 5xx, every error in the envelope, and refused creates create nothing', async () => {
    const report = await fuzzApi({
      baseUrl: gateway.url,
      seed: SEED,
      requests: REQUESTS,
      refusedPerCollection: REFUSED_PER_COLLECTION,
      hostileClasses: HOSTILE_CLASSES,
    });
    expect(summarizeFindings(report.findings)).toEqual([]);
    expect(report.operationsCovered).toBe(report.operations);
    // The run really signed in and got past validation: a run refused wholesale (say, every token 401) proves nothing.
    expect(report.operationsSucceeded).toBeGreaterThan(report.operations / 5);
    expect(report.requests).toBeGreaterThanOrEqual(REQUESTS);
  }, 120_000);
});
