/**
 * A 100,000-recipient email campaign through the real services: crm (in this process) resolves
 * the audience, notifications (a child process from its dist, as it runs in production) claims,
 * renders, signs unsubscribe links and sends through its SMTP pool to a sink in this process.
 * Measured: emails/s and the time from send (the X-Kinship-Sent-At header the sender stamps) to
 * arrival at the sink. Baseline: a bare nodemailer pool of the same size sending prebuilt
 * messages to the same sink, i.e. what SMTP alone costs on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NamespacedClientNats, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId, postgresOptions } from '@kinship/persistence';
import { migrateService, startService } from '@kinship/platform';
import { createTestEnvironment } from '@kinship/testing';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { fixed, numberFromEnv, percentiles, print, saveResult, waitUntil } from './lib.js';

const RECIPIENTS = Math.floor(numberFromEnv('BENCH_CAMPAIGN_RECIPIENTS', 100_000));
/** Notifications processes sending side by side, as replicas would: they share the claims and the throttle. */
const WORKERS = Math.floor(numberFromEnv('BENCH_CAMPAIGN_WORKERS', 1));
const BASELINE_MESSAGES = Math.min(RECIPIENTS, 20_000);
/** The campaign's SMTP pool and the baseline's: the same number of connections. */
const CONNECTIONS = 16;
/** Messages the baseline keeps in flight: what the campaign's lanes hand the pool (4 lanes of 100). */
const BASELINE_IN_FLIGHT = 400;
const DONE_TIMEOUT_MS = 600_000;
const NOTIFICATIONS_DIST = fileURLToPath(new URL('../../services/notifications/dist/', import.meta.url));

interface Arrival {
  at: number;
  sentAt: number | null;
}

/** An SMTP server that reads the sender's timestamp header and throws the rest away. */
async function startSink(): Promise<{ url: string; arrivals: Arrival[]; close(): Promise<void> }> {
  const arrivals: Arrival[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const match = /(?:^|\n)X-Kinship-Sent-At: (\d+)/i.exec(head);
        arrivals.push({ at: Date.now(), sentAt: match ? Number(match[1]) : null });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** CPU time a process has used, user and system, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function run(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [`${NOTIFICATIONS_DIST}${script}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function baseline(sinkUrl: string, arrivals: Arrival[]): Promise<{ emailsPerSecond: number; p99Ms: number }> {
  const transport = nodemailer.createTransport({ url: sinkUrl, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
  const html = '<p>Hello Reader, here is our news.</p><p><a href="https://app.example.com/u/x">Unsubscribe</a></p>';
  const start = Date.now();
  const before = arrivals.length;
  let next = 0;
  const sender = async () => {
    while (next < BASELINE_MESSAGES) {
      const index = next++;
      await transport.sendMail({
        from: 'bench@example.com',
        to: `baseline-${index}@example.com`,
        subject: 'Hello Reader',
        html,
        text: 'Hello Reader, here is our news.',
        headers: { 'X-Kinship-Sent-At': String(Date.now()) },
      });
    }
  };
  await Promise.all(Array.from({ length: BASELINE_IN_FLIGHT }, sender));
  const seconds = (Date.now() - start) / 1000;
  transport.close();
  const stamped = arrivals.slice(before).filter((arrival) => arrival.sentAt !== null);
  if (stamped.length !== BASELINE_MESSAGES) throw new Error(`${BASELINE_MESSAGES - stamped.length} baseline emails arrived without their send time`);
  const latencies = stamped.map((arrival) => arrival.at - arrival.sentAt!);
  return { emailsPerSecond: BASELINE_MESSAGES / seconds, p99Ms: percentiles(latencies).p99 };
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-campaign');
  const sink = await startSink();
  let workers: ChildProcess[] = [];
  let failed = false;
  const client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 30_000);
  const owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'crm', poolSize: 2 }));
  try {
    const env = {
      ...process.env,
      ...environment.env,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      SMTP_URL: sink.url,
      PUBLIC_URL: 'https://app.kinship.example',
      CAMPAIGN_SMTP_CONNECTIONS: String(CONNECTIONS),
      // The throttle is not what is measured.
      CAMPAIGN_EMAILS_PER_SECOND: '100000',
    };
    await migrateService(crmService, environment.env);
    const crm = await startService(crmService, environment.env);
    const [migrated] = (await once(run('migrate.js', env), 'exit')) as [number];
    if (migrated !== 0) throw new Error('notifications migrations failed');
    workers = Array.from({ length: WORKERS }, () => run('main.js', env));

    await owner.initialize();
    const workspaceId = newId();
    await owner.query(
      `INSERT INTO crm.contacts (id, workspace_id, first_name, last_name, email, company_name, email_opt_out)
       SELECT gen_random_uuid(), $1, 'Reader', 'No ' || n, 'reader-' || n || '@example.com', 'Company ' || (n % 1000), false
       FROM generate_series(1, ${RECIPIENTS}) AS n`,
      [workspaceId],
    );
    const context: RequestContext = { workspaceId, userId: newId(), role: 'owner', scopes: [], requestId: 'bench-campaign' };
    const ready = await waitUntil(
      () =>
        client.send('notifications.campaigns.list', {}, context).then(
          () => true,
          () => false,
        ),
      60_000,
      200,
    );
    if (!ready) throw new Error('the notifications service did not start');

    print(`campaign of ${RECIPIENTS} recipients, ${WORKERS} notifications process(es), SMTP pool of ${CONNECTIONS} connections each`);
    const campaign = await client.send<{ id: string }>(
      'notifications.campaigns.create',
      {
        name: 'Bench',
        channel: 'email',
        subject: 'Hello {{firstName}} at {{companyName}}',
        body: '<p>Hello {{firstName}} {{lastName}}, here is our news.</p>',
        audience: { filter: {} },
      },
      context,
    );
    const sentAt = Date.now();
    await client.send('notifications.campaigns.send', { id: campaign.id }, context);
    const done = await waitUntil(() => sink.arrivals.length >= RECIPIENTS, DONE_TIMEOUT_MS, 50);
    if (!done) throw new Error(`only ${sink.arrivals.length} of ${RECIPIENTS} emails arrived within ${DONE_TIMEOUT_MS / 1000} s`);
    const arrivals = sink.arrivals.slice(0, RECIPIENTS);
    const last = arrivals.at(-1)!.at;
    const first = arrivals[0]!.at;
    const overall = RECIPIENTS / ((last - sentAt) / 1000);
    const sending = RECIPIENTS / ((last - first) / 1000);
    if (arrivals.some((arrival) => arrival.sentAt === null)) throw new Error('some campaign emails arrived without their send time');
    const latency = percentiles(arrivals.map((arrival) => arrival.at - arrival.sentAt!));
    const workerCpuMs = workers.reduce((sum, worker) => sum + cpuMsOf(worker.pid!), 0);
    const benchCpu = process.cpuUsage();
    const status = await client.send<{ status: string; counts: Record<string, number> }>('notifications.campaigns.get', { id: campaign.id }, context);
    const ended = await waitUntil(
      async () => (await client.send<{ status: string }>('notifications.campaigns.get', { id: campaign.id }, context)).status === 'sent',
      30_000,
      200,
    );
    if (!ended) throw new Error('the campaign did not end sent');
    if (sink.arrivals.length !== RECIPIENTS) throw new Error(`${sink.arrivals.length} emails arrived for ${RECIPIENTS} recipients`);
    print(`  first email after ${fixed((first - sentAt) / 1000, 2)} s; all ${RECIPIENTS} after ${fixed((last - sentAt) / 1000, 1)} s`);
    print(`  ${fixed(overall, 0)} emails/s from POST send to the last arrival; ${fixed(sending, 0)} emails/s from first to last arrival`);
    print(`  send → delivery: p50 ${fixed(latency.p50)} ms, p99 ${fixed(latency.p99)} ms, max ${fixed(latency.max)} ms`);
    print(`  counts at the end: ${JSON.stringify(status.counts)}`);
    print(
      `  CPU per email: notifications ${fixed(workerCpuMs / RECIPIENTS, 3)} ms; this process (crm, sink, setup) ${fixed((benchCpu.user + benchCpu.system) / 1000 / RECIPIENTS, 3)} ms`,
    );

    await Promise.all(workers.map((worker) => (worker.kill('SIGTERM'), once(worker, 'exit'))));
    workers = [];
    await crm.close();
    sink.arrivals.length = 0;
    const raw = await baseline(sink.url, sink.arrivals);
    const ratio = overall / raw.emailsPerSecond;
    print(`baseline: bare nodemailer pool (${CONNECTIONS} connections) → the same sink, ${BASELINE_MESSAGES} prebuilt messages`);
    print(`  ${fixed(raw.emailsPerSecond, 0)} emails/s, send → delivery p99 ${fixed(raw.p99Ms)} ms`);
    print(`ratio campaign ÷ baseline: ${fixed(ratio, 2)} (target: at least 1,000 emails/s: ${overall >= 1000 ? 'met' : 'NOT met'})`);
    await saveResult('campaign', {
      recipients: RECIPIENTS,
      workers: WORKERS,
      emailsPerSecond: overall,
      sendingEmailsPerSecond: sending,
      firstEmailAfterMs: first - sentAt,
      latency: { p50Ms: latency.p50, p99Ms: latency.p99, maxMs: latency.max },
      baseline: raw,
      ratio,
      notificationsCpuMsPerEmail: workerCpuMs / RECIPIENTS,
    });
  } catch (error) {
    failed = true;
    print(`campaign bench failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await Promise.all(workers.map((worker) => (worker.kill('SIGKILL'), once(worker, 'exit'))));
    await client.close();
    if (owner.isInitialized) await owner.destroy();
    await sink.close();
    await environment.dispose();
  }
  process.exit(failed ? 1 : 0);
}

await main();
