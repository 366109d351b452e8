/**
 * A steady request rate that is steady: one request every 1000/rate ms, each timed from when it was
 * due (so a generator or server that falls behind is charged for it, without invented samples).
 *
 * Why not autocannon's `overallRate`: it gives each connection a quota per second, which the
 * connection spends back to back at the start of the second and then waits, so "200 req/s over
 * 16 connections" is 16 parallel bursts once a second; and it records each latency with
 * HdrHistogram's coordinated-omission correction at an expected interval of ceil(1/rate) = 1 ms,
 * which adds a made-up sample for every millisecond of every slow answer (one 100 ms answer
 * becomes 100 samples from 1 to 100 ms). Both inflate the tail far beyond what the server does.
 */
import { Agent, request } from 'node:http';
import { performance, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Measured } from './lib.js';

export interface PacedLoad {
  url: string;
  headers: Record<string, string>;
  paths: string[];
  rate: number;
  durationS: number;
  /** Most requests in flight at once (sockets kept alive). */
  connections: number;
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

/** How late a thread's timers ran, in ms. */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A monitorEventLoopDelay histogram at 1 ms resolution, read: its figures are nanoseconds between the timer's runs, the interval plus the delay. */
export function loopDelayOf(histogram: IntervalHistogram): LoopDelay {
  return { p50Ms: histogram.percentile(50) / 1e6 - 1, p99Ms: histogram.percentile(99) / 1e6 - 1, maxMs: histogram.max / 1e6 - 1 };
}

/** What the load's own thread did meanwhile (a late generator charges its lateness to the server). */
export interface PacedMeasured extends Measured {
  loop: LoopDelay;
}

/**
 * pacedLoad in a worker thread of its own: the bench process also hosts services (auth, a capturing
 * crm), and their collections would otherwise hold the generator's timers and sockets and be timed
 * as the server's latency.
 */
export function pacedLoadInWorker(load: PacedLoad): Promise<PacedMeasured> {
  const worker = new Worker(new URL('./paced-load-worker.js', import.meta.url), { workerData: load });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the paced load's thread exited (${code}) without a result`)));
  });
}

export async function pacedLoad({ url, headers, paths, rate, durationS, connections }: PacedLoad): Promise<Measured> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const total = Math.round(rate * durationS);
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  const answered: Array<Promise<void>> = [];

  const send = (dueAt: number, path: string) =>
    new Promise<void>((resolve) => {
      const outgoing = request({ host: target.hostname, port: target.port, path, method: 'GET', headers, agent }, (response) => {
        response.resume();
        response.on('end', () => {
          const code = String(response.statusCode);
          statusCodes[code] = (statusCodes[code] ?? 0) + 1;
          latencies.push(performance.now() - dueAt);
          resolve();
        });
      });
      outgoing.on('error', () => {
        errors += 1;
        resolve();
      });
      outgoing.end();
    });

  const start = performance.now();
  await new Promise<void>((finished) => {
    const tick = () => {
      const now = performance.now();
      // Every request whose time has come goes now, timed from when it was due.
      while (sent < total && start + sent * intervalMs <= now) {
        answered.push(send(start + sent * intervalMs, paths[sent % paths.length]!));
        sent += 1;
      }
      if (sent >= total) return finished();
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(answered);
  const elapsedS = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statusCodes).reduce((sum, [code, count]) => sum + (code.startsWith('2') ? 0 : count), 0);
  return {
    requestsPerSecond: latencies.length / elapsedS,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    errors,
    timeouts: 0,
    non2xx,
    statusCodes,
  };
}
