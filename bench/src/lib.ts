import { mkdir, writeFile } from 'node:fs/promises';
import autocannon, { type Result } from 'autocannon';

/** Bench output goes to stdout, one line per call, so it reads the same in a terminal and in CI logs. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Sort once, then read several percentiles; nearest-rank on the sorted samples. */
export function percentiles(samples: number[]): { p50: number; p95: number; p99: number; max: number } {
  if (samples.length === 0) return { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] };
}

/** The middle value (the upper of the two middle ones for an even count); NaN for none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** A positive number from the environment, else the default; a malformed value is an error, not a silent default. */
export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Kept in bench/results/ (git-ignored) so run.sh can print one summary of every bench. */
/** Whether a figure reaches its target (at least it). */
export function verdict(value: number, target: number): 'met' | 'missed' {
  return value >= target ? 'met' : 'missed';
}

export async function saveResult(name: string, result: object): Promise<void> {
  const directory = new URL('../results/', import.meta.url);
  await mkdir(directory, { recursive: true });
  await writeFile(new URL(`${name}.json`, directory), `${JSON.stringify(result, null, 2)}\n`);
}

/** Polls until the condition holds; false if the deadline passed first. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}

export interface Load {
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  rate?: number;
}

/** In one autocannon worker thread, not on the event loop of the servers it measures; it shares the cores with them. */
export function load(url: string, spec: Load, duration: number): Promise<Result> {
  return autocannon({
    url: url + spec.path,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    overallRate: spec.rate,
    duration,
    workers: 1,
  });
}

export interface Measured {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Answers by status code, so a failed run says what it got. */
  statusCodes: Record<string, number>;
}

export function measured(result: Result, warmups: Result[] = []): Measured {
  const all = [result, ...warmups];
  const statusCodes: Record<string, number> = {};
  for (const run of all) for (const [code, { count }] of Object.entries(run.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result['2xx'] + result.non2xx,
    // Failures during a warm-up count too: a path that fails at all has not been measured.
    errors: all.reduce((sum, run) => sum + run.errors, 0),
    timeouts: all.reduce((sum, run) => sum + run.timeouts, 0),
    non2xx: all.reduce((sum, run) => sum + run.non2xx, 0),
    statusCodes,
  };
}
