/**
 * What the crm (or, with BENCH_ALLOC_SIDE=gateway, the gateway) allocates to answer one request of
 * the rpc-contacts bench (issue 11), by package and by function: V8's sampling heap profiler, keeping
 * the samples of objects already collected (the garbage is the point), over BENCH_ALLOC_REQUESTS
 * requests of BENCH_ALLOC_PATH, 4 at a time, after as many to warm up. The side measured runs in this
 * process, the other in a process of its own. This process also runs the auth service (idle) and the
 * client's fetch (undici, its `decode` of each answer): their rows are named and are the same before
 * and after a change of the side measured. Then the CPU time of this process per request over as many
 * requests again, unsampled.
 */
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateService, startService, type RunningService } from '@kinship/platform';
import { createTestEnvironment, freePort, startTestService, type TestEnvironment } from '@kinship/testing';
import { authService } from '../../services/auth/dist/auth.service.js';
import { crmService } from '../../services/crm/dist/crm.service.js';
import { startGateway } from '../../services/gateway/dist/gateway.js';
import { fixed, numberFromEnv, print } from './lib.js';
import { startServiceProcess, stopServiceProcess } from './service-processes.js';

const REQUESTS = numberFromEnv('BENCH_ALLOC_REQUESTS', 400);
const PATH = process.env.BENCH_ALLOC_PATH ?? '/contacts?limit=25';
const SIDE = process.env.BENCH_ALLOC_SIDE === 'gateway' ? 'gateway' : 'crm';
const CONTACTS = 500;
const CONCURRENCY = 4;
/** One sample per this many bytes allocated, on average. */
const SAMPLING_INTERVAL = 1024;

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** `pg`, `@nats-io/nats-core`, `services/crm/dist/…`, `node:buffer`, or `(V8)` for builtins without a script. */
function packageOf(url: string): string {
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1]!;
  const own = /\/((?:services|libs|bench)\/.*)$/.exec(url);
  return own ? own[1]! : url || '(V8)';
}

function top(totals: Map<string, number>, count: number): Array<[string, number]> {
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
}

async function main(): Promise<void> {
  let environment: TestEnvironment | undefined;
  let auth: RunningService | undefined;
  let inProcess: RunningService | undefined;
  let child: Awaited<ReturnType<typeof startServiceProcess>>['child'] | undefined;
  try {
    environment = await createTestEnvironment('bench rpc-allocations');
    const env = { ...environment.env };
    auth = await startTestService(authService, environment);
    await migrateService(crmService, env);
    const logDirectory = await mkdtemp(join(tmpdir(), 'kinship-bench-rpc-allocations-'));
    let gatewayUrl: string;
    if (SIDE === 'crm') {
      inProcess = await startService(crmService, env);
      const started = await startServiceProcess('gateway', env, logDirectory);
      child = started.child;
      gatewayUrl = started.url;
    } else {
      child = (await startServiceProcess('crm', env, logDirectory)).child;
      inProcess = await startGateway({ ...env, GATEWAY_PORT: String(await freePort()) });
      gatewayUrl = inProcess.url;
    }
    const api = async (token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> => {
      const response = await fetch(`${gatewayUrl}/api/v1${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status} ${text}`);
      return text;
    };
    const registered = JSON.parse(
      await api(undefined, 'POST', '/auth/register', {
        email: `bench-${Date.now()}@example.com`,
        password: 'amber-cobalt-violin-meadow-4',
        name: 'Bench Owner',
        workspaceName: 'Bench rpc allocations',
      }),
    ) as { accessToken: string };
    const token = registered.accessToken;
    for (let batch = 0; batch < CONTACTS; batch += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          api(token, 'POST', '/contacts', {
            firstName: `Ada${batch + index}`,
            lastName: 'Lovelace',
            email: `ada-${batch + index}@example.com`,
            lifecycleStage: 'lead',
            tags: ['bench'],
          }),
        ),
      );
    }
    const answerBytes = Buffer.byteLength(await api(token, 'GET', PATH));
    const run = async (requests: number) => {
      for (let sent = 0; sent < requests; sent += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, () => api(token, 'GET', PATH)));
    };
    await run(REQUESTS);
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await run(REQUESTS);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
    session.disconnect();
    // The CPU time and the collections of the same requests without the profiler's sampling.
    const collections = { minor: 0, minorMs: 0, major: 0, majorMs: 0, maxMs: 0 };
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const { kind } = (entry as unknown as { detail: { kind: number } }).detail;
        if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
          collections.minor += 1;
          collections.minorMs += entry.duration;
        } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          collections.major += 1;
          collections.majorMs += entry.duration;
        }
        collections.maxMs = Math.max(collections.maxMs, entry.duration);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const cpuBefore = process.cpuUsage();
    await run(REQUESTS);
    const cpu = process.cpuUsage(cpuBefore);
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();

    const byPackage = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let total = 0;
    const visit = (node: ProfileNode) => {
      const { functionName, url, lineNumber } = node.callFrame;
      total += node.selfSize;
      const where = packageOf(url);
      byPackage.set(where, (byPackage.get(where) ?? 0) + node.selfSize);
      const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
      node.children.forEach(visit);
    };
    visit(profile.head);
    const perRequest = (bytes: number) => `${fixed(bytes / REQUESTS / 1024, 1).padStart(6)} KB`;
    print(`GET ${PATH}: ${answerBytes} bytes per answer; ${REQUESTS} requests sampled, load average ${fixed(loadavg()[0]!, 2)}`);
    print(`allocated in this process (${SIDE}, idle auth, the client's fetch) ${perRequest(total)} per request`);
    print(`CPU time of this process ${fixed((cpu.user + cpu.system) / 1000 / REQUESTS, 3)} ms per request (unsampled run)`);
    const perThousand = (count: number) => fixed((count * 1000) / REQUESTS, 1);
    const mean = (ms: number, count: number) => fixed(count ? ms / count : 0, 2);
    print(
      `collections in the unsampled run, per 1,000 requests: ${perThousand(collections.minor)} scavenges (mean ${mean(collections.minorMs, collections.minor)} ms), ` +
        `${perThousand(collections.major)} mark-sweeps (mean ${mean(collections.majorMs, collections.major)} ms), longest ${fixed(collections.maxMs, 1)} ms; flags: ${process.execArgv.join(' ') || 'none'}`,
    );
    print('by package:');
    for (const [name, bytes] of top(byPackage, 20)) print(`  ${perRequest(bytes)}  ${name}`);
    print('by function (self):');
    for (const [name, bytes] of top(byFunction, 25)) print(`  ${perRequest(bytes)}  ${name}`);
  } finally {
    await stopServiceProcess(child);
    await inProcess?.close();
    await auth?.close();
    await environment?.dispose();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`rpc-allocations failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
