import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresOptions } from '@kinship/persistence';
import { migrateService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { authService } from '../../auth/src/auth.service.js';
import { startGateway } from '../../gateway/src/gateway.js';
import { crmService } from '../src/crm.service.js';
import { eventually, PASSWORD } from './support.js';

const CRM_MAIN = resolve(process.cwd(), 'services/crm/dist/main.js');
const ROWS = 20_000;

let environment: TestEnvironment;
let auth: RunningService;
let gateway: RunningService;
let owner: DataSource;
let crm: ChildProcess | undefined;

/** crm from its build, as deployed: a process this suite can kill. Small locks, so a dead worker's job is taken over within seconds. */
async function startCrm(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CRM_MAIN], {
    env: { ...process.env, ...environment.env, CRM_IMPORT_BATCH_SIZE: '500', CRM_IMPORT_JOB_LOCK_MS: '2000', CRM_IMPORT_STALLED_CHECK_MS: '1000' },
    stdio: 'ignore',
  });
  return child;
}

async function register(label: string): Promise<{ token: string; workspaceId: string }> {
  const response = await fetch(`${gateway.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${label}-${Date.now()}@example.com`, password: PASSWORD, name: 'Importer', workspaceName: label }),
  });
  const body = (await response.json()) as { accessToken: string; workspace: { id: string } };
  return { token: body.accessToken, workspaceId: body.workspace.id };
}

async function api(token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A HubSpot-style file with in-file duplicates (every 50th row repeats an earlier contact with more fields) and bad rows (every 97th). */
function hubspotCsv(): string {
  const lines = ['First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,Job Title'];
  for (let index = 0; index < ROWS; index++) {
    if (index % 97 === 96) lines.push(`Bad,Row,not-an-email-${index},,,,`);
    else if (index % 50 === 49) lines.push(`Other${index},Dup,USER${index - 40}@example.com,,Company ${index % 300},customer,Director`);
    else lines.push(`First${index},Last${index},user${index}@example.com,+1415${5_000_000 + index},Company ${index % 300},lead,`);
  }
  return `${lines.join('\n')}\n`;
}

async function startImport(token: string, csv: string): Promise<string> {
  const form = new FormData();
  form.append('entity', 'contacts');
  form.append('file', new Blob([csv]), 'hubspot.csv');
  const response = await api(token, '/imports', { method: 'POST', body: form });
  expect(response.status).toBe(202);
  return response.body.id;
}

function finished(token: string, id: string): Promise<any> {
  return eventually(async () => {
    const response = await api(token, `/imports/${id}`);
    return ['completed', 'failed'].includes(response.body?.status) ? response.body : null;
  }, 240_000);
}

/** What an import left in a workspace, without ids or timestamps, in a stable order. */
async function contentOf(workspaceId: string, importId: string) {
  const contacts = await owner.query(
    `SELECT c.first_name, c.last_name, c.email, c.phone, c.job_title, c.company_name, c.lifecycle_stage, c.tags, c.customer_since IS NOT NULL AS customer
     FROM crm.contacts c WHERE c.workspace_id = $1 AND c.deleted_at IS NULL ORDER BY lower(c.email)`,
    [workspaceId],
  );
  const companies = await owner.query(`SELECT name FROM crm.companies WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY name`, [workspaceId]);
  const errors = await owner.query(`SELECT line, message FROM crm.import_errors WHERE import_id = $1 ORDER BY line`, [importId]);
  const conflicts = await owner.query(
    `SELECT line, field, existing_value, incoming_value FROM crm.import_conflicts WHERE import_id = $1 ORDER BY line, field`,
    [importId],
  );
  const records = await owner.query(`SELECT action, count(*)::int AS n FROM crm.import_records WHERE import_id = $1 GROUP BY action ORDER BY action`, [
    importId,
  ]);
  const announced = await owner.query(
    `SELECT count(*)::int AS n, count(DISTINCT contact->>'id')::int AS distinct FROM crm.outbox, jsonb_array_elements(payload->'data'->'contacts') AS contact
     WHERE type = 'contacts.imported' AND payload->>'aggregateId' = $1`,
    [importId],
  );
  return { contacts, companies, errors, conflicts, records, announced: announced[0] };
}

beforeAll(async () => {
  environment = await createTestEnvironment('imports-resume');
  await migrateService(crmService, environment.env);
  auth = await startTestService(authService, environment);
  gateway = await startGateway(environment.env);
  owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'crm', poolSize: 2 }));
  await owner.initialize();
}, 60_000);

afterAll(async () => {
  crm?.kill('SIGKILL');
  await gateway?.close();
  await auth?.close();
  await owner?.destroy();
  await environment?.dispose();
});

describe('an import whose worker is killed', () => {
  it('finishes after a restart with no row lost and none doubled, as an uninterrupted import does', async () => {
    crm = await startCrm();
    const interrupted = await register('interrupted');
    await eventually(async () => (await api(interrupted.token, '/contacts?limit=1')).status === 200, 60_000);
    const csv = hubspotCsv();

    const killedId = await startImport(interrupted.token, csv);
    const before = await eventually(async () => {
      const progress = (await api(interrupted.token, `/imports/${killedId}`)).body;
      return progress.processed >= 3_000 ? progress : null;
    }, 120_000);
    crm.kill('SIGKILL');
    await new Promise((done) => crm!.once('exit', done));
    expect(before.processed).toBeLessThan(ROWS);

    crm = await startCrm();
    const resumed = await finished(interrupted.token, killedId);
    expect(resumed).toMatchObject({ status: 'completed', total: ROWS, processed: ROWS });

    const uninterrupted = await register('uninterrupted');
    const cleanId = await startImport(uninterrupted.token, csv);
    const clean = await finished(uninterrupted.token, cleanId);
    expect(clean).toMatchObject({ status: 'completed', total: ROWS });

    const counts = ({ created, updated, conflicts, failed }: any) => ({ created, updated, conflicts, failed });
    expect(counts(resumed)).toEqual(counts(clean));
    const badRows = Math.floor(ROWS / 97);
    expect(resumed.failed).toBe(badRows);
    const afterKill = await contentOf(interrupted.workspaceId, killedId);
    const reference = await contentOf(uninterrupted.workspaceId, cleanId);
    expect(afterKill.contacts).toHaveLength(resumed.created);
    // Same records, errors, conflicts, undo records, and as many announced records: no batch committed or announced twice.
    expect(afterKill).toEqual(reference);

    // The imports kept the planner's statistics of the tables they match on within half of what they hold (the test
    // server runs without autovacuum: the worker's crm.analyze_grown_contacts() did it).
    const [statistics] = await owner.query(
      `SELECT c.reltuples::int AS estimated, s.analyze_count + s.autoanalyze_count AS analyses,
              (SELECT count(*)::int FROM crm.contacts) AS stored
       FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE s.schemaname = 'crm' AND s.relname = 'contacts'`,
    );
    expect(Number(statistics.analyses)).toBeGreaterThan(0);
    expect(statistics.estimated).toBeGreaterThanOrEqual(statistics.stored / 2);
  }, 600_000);
});
