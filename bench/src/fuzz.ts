/**
 * The long run of the API fuzzer (issue 18, item 6): many more requests than the bounded run in
 * `make test`, every class of hostile input, a fresh seed each run unless BENCH_FUZZ_SEED names
 * one. Prints the requests sent, the operations covered and every finding, grouped.
 */
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, fuzzApi, startMailbox, startTestService, summarizeFindings, type Mailbox, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { notificationsService } from '../../services/notifications/dist/notifications.service.js';
import { fixed, numberFromEnv, print, saveResult } from './lib.js';

/** Long enough that a slow answer on a busy machine is not a 504 that reads as a finding. */
const RPC_TIMEOUT_MS = '30000';
const REQUESTS = numberFromEnv('BENCH_FUZZ_REQUESTS', 20_000);
const REFUSED_PER_COLLECTION = numberFromEnv('BENCH_FUZZ_REFUSED', 100);
const SEED = numberFromEnv('BENCH_FUZZ_SEED', Date.now() % 2 ** 31);

let environment: TestEnvironment | undefined;
let mailbox: Mailbox | undefined;
const services: RunningService[] = [];
let gateway: RunningService | undefined;
let findings = 0;
try {
  environment = await createTestEnvironment('bench-fuzz');
  mailbox = await startMailbox();
  services.push(await startTestService(authService, environment, { RPC_TIMEOUT_MS }));
  services.push(await startTestService(crmService, environment, { RPC_TIMEOUT_MS }));
  services.push(
    await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl, PUBLIC_URL: 'https://app.kinship.test', RPC_TIMEOUT_MS }),
  );
  gateway = await startGateway({ ...environment.env, RPC_TIMEOUT_MS });

  print(`seed ${SEED} (BENCH_FUZZ_SEED=${SEED} repeats this run), ${REQUESTS} requests, ${REFUSED_PER_COLLECTION} refused creates per collection`);
  const report = await fuzzApi({ baseUrl: gateway.url, seed: SEED, requests: REQUESTS, refusedPerCollection: REFUSED_PER_COLLECTION });
  findings = report.findings.length;
  const statuses = Object.entries(report.statuses)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  print(
    `requests         ${report.requests} in ${fixed(report.durationMs / 1000)} s (${fixed(report.requests / (report.durationMs / 1000), 0)} req/s), ${report.unsendable} unsendable by the client`,
  );
  print(`operations       ${report.operationsCovered} of ${report.operations} covered, ${report.operationsSucceeded} answered a 2xx at least once`);
  print(`answers          ${statuses}`);
  print(`findings         ${findings}`);
  for (const line of summarizeFindings(report.findings)) print(`  ${line}`);
  await saveResult('fuzz', {
    seed: SEED,
    requests: report.requests,
    operations: report.operations,
    operationsCovered: report.operationsCovered,
    operationsSucceeded: report.operationsSucceeded,
    statuses: report.statuses,
    findings: report.findings,
    durationMs: report.durationMs,
  });
} finally {
  await gateway?.close();
  for (const service of services.reverse()) await service.close();
  await mailbox?.close();
  await environment?.dispose();
}
// A finding is a defect of the API, so the run fails like a bench that could not measure.
process.exit(findings > 0 ? 1 : 0);
