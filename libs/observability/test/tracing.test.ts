import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

/**
 * Starts tracing in a process of its own, as a service's main does (it registers a loader hook and
 * the global tracer provider, which must not leak into the test runner), from the build, then
 * serves one HTTP request and reports what the request's span was and what it propagated.
 */
const PROBE = `
import { startTracing } from '@kinship/observability/tracing';
const stop = await startTracing('probe');
const { context, propagation, trace } = await import('@opentelemetry/api');
const http = await import('node:http');
const server = http.createServer((request, response) => {
  const span = trace.getActiveSpan();
  const carrier = {};
  propagation.inject(context.active(), carrier);
  response.end(JSON.stringify({ recording: span?.isRecording() ?? null, traceId: span?.spanContext().traceId ?? null, traceparent: carrier.traceparent ?? null }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const answer = await fetch('http://127.0.0.1:' + server.address().port + '/contacts').then((response) => response.text());
server.close();
await stop();
process.stdout.write(answer);
`;

async function probe(env: Record<string, string>): Promise<{ recording: boolean | null; traceId: string | null; traceparent: string | null }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: process.cwd(),
  });
  return JSON.parse(stdout) as { recording: boolean | null; traceId: string | null; traceparent: string | null };
}

describe('tracing', () => {
  it('without an exporter records no span, but gives each request a trace id that it propagates', async () => {
    const seen = await probe({});
    expect(seen.recording).toBe(false);
    expect(seen.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(seen.traceparent).toBe(`00-${seen.traceId}-${seen.traceparent?.split('-')[2]}-00`);
  });

  it('with an exporter records the spans, sampled, and sends them', async () => {
    // A collector's OTLP/HTTP endpoint, reduced to what the exporter needs: a 200 to each batch.
    const batches: string[] = [];
    const collector = createServer((request, response) => {
      batches.push(`${request.method} ${request.url}`);
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const seen = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` });
      expect(seen.recording).toBe(true);
      expect(seen.traceparent).toMatch(new RegExp(`^00-${seen.traceId}-[0-9a-f]{16}-01$`));
      expect(batches).toContain('POST /v1/traces');
    } finally {
      collector.close();
    }
  });
});
