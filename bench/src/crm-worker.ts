// A crm service in a process of its own, so the imports and exports benches read its memory alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The crm's V8 old-space limit, as its pod runs it (k8s/helm/kinship/values.yaml, crm.env). Without
 * it V8 sizes the heap from the machine's memory (4 GB here) and lets an import's garbage grow the
 * heap to ~4× its live set before collecting it.
 */
export const CRM_NODE_OPTIONS = '--max-old-space-size=384';
/**
 * The Node flags of a service's process: those it is deployed with (deploy/Dockerfile's ENTRYPOINT,
 * `make up`), then `BENCH_<SERVICE>_NODE_ARGS`, to try a flag without a build (V8 refuses some in
 * NODE_OPTIONS); `BENCH_CRM_NODE_ARGS=--allocation-site-pretenuring` measures the crm as it ran before.
 */
export function serviceNodeFlags(service: string): string[] {
  const tried = (process.env[`BENCH_${service.toUpperCase()}_NODE_ARGS`] ?? '').split(' ').filter(Boolean);
  return ['--no-allocation-site-pretenuring', ...tried];
}
/** A directory for `--cpu-prof` profiles of the worker (summarise with cpu-profile-summary.js). */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;

async function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

/** Peak resident set of a process since start (or since its last reset), in MB. */
export function peakRssMb(pid: number): Promise<number> {
  return statusMb(pid, 'VmHWM');
}

/** Resident set of a process now, in MB. */
export function rssMb(pid: number): Promise<number> {
  return statusMb(pid, 'VmRSS');
}

/** CPU seconds (user + system) a process has used so far; 0 once it has exited. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return 0;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks of 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Writing 5 to clear_refs resets VmHWM, so what follows measures its own peak. */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

export function startCrmWorker(env: Record<string, string>): Promise<ChildProcess> {
  const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROFILE_DIR, 'crm')}`] : [];
  const child = spawn(process.execPath, [...profile, ...serviceNodeFlags('crm'), 'services/crm/dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...env, NODE_OPTIONS: CRM_NODE_OPTIONS, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      if (output.includes('crm service started')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`crm exited (${code}) before starting:\n${output}`)));
  });
}
