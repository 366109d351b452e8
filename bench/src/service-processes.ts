// Services as deployed, each a Node process of its own (`node services/<name>/dist/main.js`), for the benches that measure a path across them.
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@kinship/testing';
import { CRM_NODE_OPTIONS, serviceNodeFlags } from './crm-worker.js';

export type ServiceName = 'gateway' | 'auth' | 'crm' | 'billing' | 'notifications';

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
}

/** A service starting on a loaded machine (2 shared cores) may take over a minute. */
const START_TIMEOUT_MS = 180_000;

async function waitForHealth(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before answering; see its log`);
    const ok = await fetch(`${url}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not answer /health/live within ${START_TIMEOUT_MS / 1000} s`);
}

/**
 * Starts a service in its own process with info logs to `<logDirectory>/<name>.log`, as they would go
 * to a collector, and waits until it answers /health/live. With `cpuProfileDirectory`, the process
 * writes `--cpu-prof` profiles to `<cpuProfileDirectory>/<name>/` (one per thread).
 */
export async function startServiceProcess(
  name: ServiceName,
  env: Record<string, string>,
  logDirectory: string,
  cpuProfileDirectory?: string,
): Promise<ServiceProcess> {
  const port = await freePort();
  const log = await open(join(logDirectory, `${name}.log`), 'w');
  const profile = cpuProfileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfileDirectory, name)}`] : [];
  const child = spawn(process.execPath, [...profile, ...serviceNodeFlags(name), `services/${name}/dist/main.js`], {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      // The crm as its pod runs it: the soak's memory figures are then the deployed ones.
      ...(name === 'crm' ? { NODE_OPTIONS: CRM_NODE_OPTIONS } : {}),
      LOG_LEVEL: 'info',
      [name === 'gateway' ? 'GATEWAY_PORT' : 'HTTP_PORT']: String(port),
    },
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, name);
  } catch (error) {
    await stopServiceProcess(child);
    throw error;
  }
  return { child, url };
}

/** SIGTERM, and waits for the exit (a profiled process writes its profile then). */
export async function stopServiceProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
