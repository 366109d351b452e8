/**
 * Email to ticket (issue 15 item 4): messages per second parsed and threaded into tickets. A local
 * SMTP client (nodemailer, a pool of connections) sends BENCH_INBOUND_EMAILS emails to the inbound
 * listener of notifications; half open a thread, the other half answer one (In-Reply-To). The clock
 * stops when crm has committed the last ticket comment, so the figure covers SMTP, MIME parsing,
 * the record and outbox of notifications, JetStream, and crm's consumer (contact, ticket, comment,
 * thread). notifications and crm run in this process, from their dist. Target: ≥ 100 emails/s.
 * Baseline, in the same run: the same client and emails against a bare smtp-server that reads each
 * message and answers 250 — what SMTP alone costs on this machine.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { newId, postgresOptions } from '@kinship/persistence';
import { migrateService, startService, type RunningService } from '@kinship/platform';
import { createTestEnvironment } from '@kinship/testing';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { InboundSmtpListener } from '../../services/notifications/dist/inbound-email/inbound-smtp.listener.js';
import { notificationsService } from '../../services/notifications/dist/notifications.service.js';
import { fixed, numberFromEnv, print, saveResult, waitUntil } from './lib.js';

const EMAILS = Math.floor(numberFromEnv('BENCH_INBOUND_EMAILS', 2000));
const CONNECTIONS = 8;
const DOMAIN = 'bench.kinship.test';
const TARGET_PER_SECOND = 100;

/**
 * Counts the SQL statements every pg client of this process sends (notifications' and crm's, the
 * outbox relays and the consumers' bookkeeping included): a figure the machine's load does not move.
 */
function countStatements(): { count: () => number } {
  let statements = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements += 1;
    return (query as (...parameters: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return { count: () => statements };
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** The emails: even ones open a thread, odd ones reply to the one before (its sender, In-Reply-To). */
function emails(address: string, run: string): SendMailOptions[] {
  return Array.from({ length: EMAILS }, (_unused, index) => {
    const thread = Math.floor(index / 2);
    const first = `${run}-${thread}-0@customer.test`;
    const from = `Customer ${thread} <customer-${run}-${thread}@customer.test>`;
    const text = `Hello,\n\nmessage ${index} about order ${thread}.\n\nRegards`;
    return index % 2 === 0
      ? { from, to: address, subject: `Order ${thread} is late`, text, messageId: `<${first}>` }
      : {
          from,
          to: address,
          subject: `Re: Order ${thread} is late`,
          text,
          messageId: `<${run}-${thread}-1@customer.test>`,
          inReplyTo: `<${first}>`,
          references: [`<${first}>`],
        };
  });
}

/** Sends the emails through a pool, each thread's opening email before its reply; seconds until the last 250. */
async function sendAll(port: number, messages: SendMailOptions[]): Promise<number> {
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
  });
  const started = performance.now();
  try {
    const openings = messages.filter((_message, index) => index % 2 === 0);
    const replies = messages.filter((_message, index) => index % 2 === 1);
    for (const batch of [openings, replies]) await Promise.all(batch.map((message) => client.sendMail(message)));
    return (performance.now() - started) / 1000;
  } finally {
    client.close();
  }
}

/** A bare smtp-server: reads each message whole and answers 250. */
async function bareServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-inbound-email');
  const owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'crm', poolSize: 2 }));
  const services: RunningService[] = [];
  let failed = false;
  try {
    const env = { ...environment.env, INBOUND_DOMAIN: DOMAIN, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' };
    await migrateService(notificationsService, env);
    await migrateService(crmService, env);
    const notifications = await startService(notificationsService, env);
    services.push(notifications, await startService(crmService, env));
    await owner.initialize();
    const workspaceId = newId();
    await owner.query('INSERT INTO notifications.inbound_mailboxes (workspace_id, slug) VALUES ($1, $2)', [workspaceId, 'bench']);
    const address = `support+bench@${DOMAIN}`;
    print(`inbound email: ${EMAILS} emails (${EMAILS / 2} threads: an opening email and a reply each), ${CONNECTIONS} SMTP connections`);

    // Warm-up: JIT, connection pools, consumers.
    const warmup = emails(address, 'warmup').slice(0, 100);
    await sendAll(notifications.app.get(InboundSmtpListener).port, warmup);
    let polls = 0;
    const comments = async () => {
      polls += 1;
      return Number((await owner.query('SELECT count(*) AS n FROM crm.ticket_comments WHERE workspace_id = $1', [workspaceId]))[0].n);
    };
    if (!(await waitUntil(async () => (await comments()) >= warmup.length, 60_000, 100)))
      throw new Error('the warm-up emails were not all threaded within 60 s');

    const base = await comments();
    const statements = countStatements();
    const pollsBefore = polls;
    const loadBefore = load();
    const started = performance.now();
    const acceptSeconds = await sendAll(notifications.app.get(InboundSmtpListener).port, emails(address, 'run'));
    if (!(await waitUntil(async () => (await comments()) >= base + EMAILS, 300_000, 50)))
      throw new Error(`only ${(await comments()) - base} of ${EMAILS} emails were threaded within 300 s`);
    const threadedSeconds = (performance.now() - started) / 1000;
    const loadAfter = load();
    // The count stops with the clock, without the bench's own polls.
    const perEmail = (statements.count() - (polls - pollsBefore)) / EMAILS;
    const [tickets] = await owner.query(`SELECT count(*)::int AS n FROM crm.tickets WHERE workspace_id = $1 AND subject LIKE 'Order %'`, [workspaceId]);
    if (tickets.n !== EMAILS / 2 + warmup.length / 2)
      throw new Error(`expected ${EMAILS / 2 + warmup.length / 2} tickets, found ${tickets.n}: replies must not open tickets`);
    const perSecond = EMAILS / threadedSeconds;

    const bare = await bareServer();
    await sendAll(bare.port, warmup);
    const bareSeconds = await sendAll(bare.port, emails(address, 'bare'));
    await bare.close();
    const barePerSecond = EMAILS / bareSeconds;

    print(`  accepted by the listener (250 after the outbox commit): ${fixed(EMAILS / acceptSeconds, 0)} emails/s`);
    print(
      `  parsed and threaded into tickets (last comment committed): ${fixed(perSecond, 0)} emails/s   (target ≥ ${TARGET_PER_SECOND}: ${perSecond >= TARGET_PER_SECOND ? 'met' : 'missed'})`,
    );
    print(`  SQL statements per email (both services, relays and consumers included): ${fixed(perEmail, 1)}`);
    print(`  load average (1, 5, 15 min) before and after the timed run: ${loadBefore} → ${loadAfter}`);
    print(`baseline: bare smtp-server accepting the same emails: ${fixed(barePerSecond, 0)} emails/s`);
    print(`ratio threaded ÷ baseline: ${fixed(perSecond / barePerSecond, 2)}`);
    await saveResult('inbound-email', {
      emails: EMAILS,
      connections: CONNECTIONS,
      acceptedPerSecond: EMAILS / acceptSeconds,
      threadedPerSecond: perSecond,
      targetPerSecond: TARGET_PER_SECOND,
      baselinePerSecond: barePerSecond,
      ratio: perSecond / barePerSecond,
      statementsPerEmail: perEmail,
      loadAverage: { before: loadBefore, after: loadAfter },
    });
  } catch (error) {
    failed = true;
    print(`inbound-email bench failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const service of services.reverse()) await service.close();
    if (owner.isInitialized) await owner.destroy();
    await environment.dispose();
  }
  process.exit(failed ? 1 : 0);
}

await main();
