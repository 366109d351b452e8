/**
 * The SLA check over 100,000 open tickets (issue 15): seconds per pass of the real SlaMonitor of
 * crm (in this process, against its migrated schema), which finds the workspaces with a deadline
 * to tell, locks the tickets inside their warning window or past due, and writes each warning or
 * breach with its event to the outbox. Passes: a catch-up (the first after seeding: the whole
 * 30-minute warning window), a steady one a minute later (what each minute's job does), and one at
 * the same moment again (nothing new: the cost of looking). Baseline, in the same run: one SQL
 * statement counting the same due tickets over the same rows, i.e. what evaluating the deadlines
 * costs PostgreSQL alone.
 */
import { newId, postgresOptions } from '@kinship/persistence';
import { migrateService, startService } from '@kinship/platform';
import { createTestEnvironment } from '@kinship/testing';
import { DataSource } from 'typeorm';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { SlaMonitor } from '../../services/crm/dist/tickets/sla-monitor.js';
import { fixed, numberFromEnv, print, saveResult } from './lib.js';

const TICKETS = Math.floor(numberFromEnv('BENCH_SLA_TICKETS', 100_000));
const WORKSPACES = 10;
/** Deadlines are spread evenly over this many minutes from the seeding on. */
const SPREAD_MINUTES = 7 * 24 * 60;
const WARNING_MINUTES = 30;

interface Pass {
  name: string;
  seconds: number;
  notices: number;
}

async function main(): Promise<void> {
  const environment = await createTestEnvironment('bench-sla');
  const owner = new DataSource(postgresOptions({ url: environment.databaseUrl, schema: 'crm', poolSize: 2 }));
  let failed = false;
  try {
    await migrateService(crmService, environment.env);
    const crm = await startService(crmService, { ...environment.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' });
    await owner.initialize();
    const seededAt = new Date();
    const perWorkspace = Math.ceil(TICKETS / WORKSPACES);
    for (let index = 0; index < WORKSPACES; index++) {
      // Open tickets, each with a first-response deadline somewhere in the next week and the resolution four hours later.
      await owner.query(
        `INSERT INTO crm.tickets (id, workspace_id, subject, status, priority, channel, first_response_due_at, resolution_due_at)
         SELECT gen_random_uuid(), $1, 'Ticket ' || n, 'open', 'normal', 'email',
                $2::timestamptz + (n * $3::double precision / $4) * interval '1 minute',
                $2::timestamptz + (n * $3::double precision / $4) * interval '1 minute' + interval '4 hours'
         FROM generate_series(1, $4::integer) AS n`,
        [newId(), seededAt, SPREAD_MINUTES, perWorkspace],
      );
    }
    await owner.query('ANALYZE crm.tickets');
    const total = WORKSPACES * perWorkspace;
    print(`sla: ${total} open tickets in ${WORKSPACES} workspaces, deadlines over ${SPREAD_MINUTES / 1440} days, warning window ${WARNING_MINUTES} min`);

    const monitor = crm.app.get(SlaMonitor, { strict: false });
    const passes: Pass[] = [];
    const pass = async (name: string, at: Date) => {
      const started = performance.now();
      const notices = await monitor.check(at);
      const seconds = (performance.now() - started) / 1000;
      passes.push({ name, seconds, notices });
      print(`  ${name.padEnd(30)} ${fixed(seconds, 3)} s   ${notices} notices`);
    };
    await pass('catch-up (first pass)', seededAt);
    await pass('steady (one minute later)', new Date(seededAt.getTime() + 60_000));
    await pass('nothing new (same moment)', new Date(seededAt.getTime() + 60_000));

    // The baseline: the same deadlines evaluated by one statement, best of three.
    let baseline = Infinity;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      await owner.query(
        `SELECT count(*) FROM crm.tickets t WHERE t.deleted_at IS NULL AND t.status IN ('new', 'open')
           AND least(t.first_response_due_at, t.next_response_due_at, t.resolution_due_at) < $1::timestamptz + interval '${WARNING_MINUTES} minutes'`,
        [new Date(seededAt.getTime() + 60_000)],
      );
      baseline = Math.min(baseline, (performance.now() - started) / 1000);
    }
    const quiet = passes[2]!.seconds;
    const steady = passes[1]!.seconds;
    print(`baseline: one SQL count of the due tickets over the same rows: ${fixed(baseline, 4)} s`);
    print(`ratio steady pass ÷ baseline: ${fixed(steady / baseline, 1)}   nothing-new pass ÷ baseline: ${fixed(quiet / baseline, 1)}`);
    await saveResult('sla', {
      tickets: total,
      workspaces: WORKSPACES,
      passes,
      baselineSeconds: baseline,
      ratios: { steady: steady / baseline, quiet: quiet / baseline },
    });
    await crm.close();
  } catch (error) {
    failed = true;
    print(`sla bench failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (owner.isInitialized) await owner.destroy();
    await environment.dispose();
  }
  process.exit(failed ? 1 : 0);
}

await main();
