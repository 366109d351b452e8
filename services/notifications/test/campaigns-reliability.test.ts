import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { NamespacedClientNats, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId, postgresOptions } from '@kinship/persistence';
import { migrateService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, startTestService, type TestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { crmService } from '../../crm/src/crm.service.js';
import type { Campaign } from '../src/campaigns/campaign.record.js';
import { notificationsService } from '../src/notifications.service.js';
import { startSmtpCapture, type SmtpCapture } from './campaigns-support.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
// Enough for 27 batches of 100 over 4 lanes, so a kill at a third lands mid-send; small enough to
// finish well inside the timeouts while the other suites load the machine.
const RECIPIENTS = 3_000;
/** Every tenth contact has opted out of email. */
const OPTED_OUT_EVERY = 10;
const EXPECTED = RECIPIENTS - RECIPIENTS / OPTED_OUT_EVERY;

/**
 * Kills the notifications worker in the middle of a 3,000-recipient campaign and starts it
 * again. The service runs as a child process from the built dist (`make test` builds first),
 * so the kill is a real one; crm, the SMTP server and the assertions live in this process.
 */
describe('campaigns survive a killed worker', () => {
  let environment: TestEnvironment;
  let crm: RunningService;
  let smtp: SmtpCapture;
  let owner: DataSource;
  let client: ServiceClient;
  let worker: ChildProcess | null = null;

  /** Starts the worker and waits until it answers requests. */
  async function startWorker(): Promise<ChildProcess> {
    if (worker) throw new Error('a worker is running already');
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...environment.env,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        SMTP_URL: smtp.smtpUrl,
        PUBLIC_URL: 'https://app.kinship.test',
        CAMPAIGN_POLL_INTERVAL_MS: '200',
        // Short, so that what a killed worker had claimed is taken over within the test.
        CAMPAIGN_CLAIM_LEASE_MS: '3000',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    worker = child;
    await waitFor(async () => {
      try {
        await client.send('notifications.campaigns.list', {}, ownerOf(newId()));
        return true;
      } catch {
        return false;
      }
    }, 'the worker to start');
    return child;
  }

  async function stopWorker(signal: NodeJS.Signals): Promise<number | null> {
    const child = worker!;
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = (await exited) as [number | null];
    worker = null;
    return code;
  }

  /** A workspace with RECIPIENTS contacts, every tenth opted out; returns its id and the addresses by opt-out. */
  async function workspaceWithContacts(label: string): Promise<{ workspaceId: string; sendable: string[]; optedOut: string[] }> {
    const workspaceId = newId();
    const rows: Array<{ email: string; optedOut: boolean }> = await owner.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, email, email_opt_out)
       SELECT gen_random_uuid(), $1, 'Reader ' || n, $2 || '-' || n || '@example.com', n % ${OPTED_OUT_EVERY} = 0
       FROM generate_series(1, ${RECIPIENTS}) AS n
       RETURNING email, email_opt_out AS "optedOut"`,
      [workspaceId, label],
    );
    return {
      workspaceId,
      sendable: rows.filter((row) => !row.optedOut).map((row) => row.email),
      optedOut: rows.filter((row) => row.optedOut).map((row) => row.email),
    };
  }

  function ownerOf(workspaceId: string): RequestContext {
    return { workspaceId, userId: newId(), role: 'owner', scopes: [], requestId: `reliability-${newId()}` };
  }

  async function startCampaign(workspaceId: string): Promise<string> {
    const context = ownerOf(workspaceId);
    const campaign = await client.send<Campaign>(
      'notifications.campaigns.create',
      { name: 'Three thousand', channel: 'email', subject: 'Hello {{firstName}}', body: '<p>Hello {{firstName}}</p>', audience: { filter: {} } },
      context,
    );
    await client.send('notifications.campaigns.send', { id: campaign.id }, context);
    return campaign.id;
  }

  async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  async function statusOf(workspaceId: string, campaignId: string): Promise<string> {
    const rows: Array<{ status: string }> = await owner.query(`SELECT status FROM notifications.campaigns WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      campaignId,
    ]);
    return rows[0]!.status;
  }

  function mailsTo(addresses: string[]): Map<string, number> {
    const wanted = new Set(addresses);
    const counts = new Map<string, number>();
    for (const mail of smtp.mails) if (wanted.has(mail.to)) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
    return counts;
  }

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or make test)`);
    environment = await createTestEnvironment('campaigns-reliability');
    crm = await startTestService(crmService, environment);
    await migrateService(notificationsService, environment.env);
    smtp = await startSmtpCapture();
    owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'notifications', poolSize: 2 }));
    await owner.initialize();
    client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 10_000);
  }, 60_000);

  afterEach(async () => {
    if (worker) await stopWorker('SIGKILL');
    smtp.clear();
  });

  afterAll(async () => {
    await client?.close();
    await owner?.destroy();
    await smtp?.close();
    await crm?.close();
    await environment?.dispose();
  });

  it('after SIGTERM mid-send and a restart, every contact not opted out gets exactly one email and no opted-out contact gets any', async () => {
    const { workspaceId, sendable, optedOut } = await workspaceWithContacts('term');
    await startWorker();
    const campaignId = await startCampaign(workspaceId);
    await waitFor(() => smtp.mails.length >= EXPECTED / 3, 'a third of the campaign');
    const code = await stopWorker('SIGTERM');
    expect(code).toBe(0);
    const atStop = smtp.mails.length;
    expect(atStop).toBeLessThan(EXPECTED);
    const [{ sending }] = await owner.query(
      `SELECT count(*)::int AS sending FROM notifications.campaign_recipients WHERE campaign_id = $1 AND status = 'sending'`,
      [campaignId],
    );
    // A graceful stop finishes the batches in hand and records them.
    expect(sending).toBe(0);

    await startWorker();
    await waitFor(async () => (await statusOf(workspaceId, campaignId)) === 'sent', 'the campaign to finish');
    const received = mailsTo(sendable);
    expect(received.size).toBe(sendable.length);
    expect([...received.values()].every((count) => count === 1)).toBe(true);
    expect(mailsTo(optedOut).size).toBe(0);
  }, 120_000);

  it('after SIGKILL mid-send and a restart, nobody is missed, no opted-out contact is mailed, and duplicates stay within what was in flight', async () => {
    const { workspaceId, sendable, optedOut } = await workspaceWithContacts('kill');
    await startWorker();
    const campaignId = await startCampaign(workspaceId);
    await waitFor(() => smtp.mails.length >= EXPECTED / 3, 'a third of the campaign');
    await stopWorker('SIGKILL');
    // Claimed and not recorded as sent when the worker died: the only messages that can go twice.
    const [{ inFlight }] = await owner.query(
      `SELECT count(*)::int AS "inFlight" FROM notifications.campaign_recipients WHERE campaign_id = $1 AND status = 'sending'`,
      [campaignId],
    );

    await startWorker();
    await waitFor(async () => (await statusOf(workspaceId, campaignId)) === 'sent', 'the campaign to finish');
    const received = mailsTo(sendable);
    const duplicates = [...received.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(received.size).toBe(sendable.length);
    expect(mailsTo(optedOut).size).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    process.stdout.write(`SIGKILL: ${inFlight} recipients in flight at the kill, ${duplicates} duplicate emails\n`);
  }, 120_000);
});
