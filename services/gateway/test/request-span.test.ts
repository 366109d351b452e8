import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

/**
 * Starts tracing as the gateway's main does (without OpenTelemetry's incoming-HTTP spans), in a
 * process of its own (the loader hook and the global tracer provider must not leak into the test
 * runner), from the build; serves routes through the gateway's request-span hooks on Fastify and
 * reports, per request, the span active in the handler and the `traceparent` the handler would
 * send over NATS (ServiceClient injects the active context the same way).
 */
const PROBE = `
import { startTracing } from '@kinship/observability/tracing';
const stop = await startTracing('probe', process.env, { incomingHttpSpans: false });
const { context, propagation, trace } = await import('@opentelemetry/api');
const { default: Fastify } = await import('fastify');
const { registerRequestSpans } = await import('./services/gateway/dist/http/request-span.js');
// Closing must not wait for the connection of the request whose client gave up.
const app = Fastify({ forceCloseConnections: true });
registerRequestSpans(app, /^\\/health/);
const seen = async () => {
  const span = trace.getActiveSpan();
  const carrier = {};
  propagation.inject(context.active(), carrier);
  return { recording: span?.isRecording() ?? null, traceId: span?.spanContext().traceId ?? null, traceparent: carrier.traceparent ?? null };
};
app.get('/contacts/:id', seen);
app.get('/health/live', seen);
let slowAnswered;
const slowAnswer = new Promise((resolve) => (slowAnswered = resolve));
app.get('/reports/:id', async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  setImmediate(slowAnswered);
  return {};
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = 'http://127.0.0.1:' + app.server.address().port;
const ask = (path, headers = {}) => fetch(base + path, { headers }).then((response) => response.json());
const answers = {
  fresh: await ask('/contacts/1'),
  continued: await ask('/contacts/2', { traceparent: '00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01' }),
  untraced: await ask('/health/live'),
};
// A client that gives up before the answer.
await fetch(base + '/reports/1', { signal: AbortSignal.timeout(50) }).catch(() => undefined);
await slowAnswer;
await app.close();
await stop();
process.stdout.write(JSON.stringify(answers));
`;

interface Seen {
  recording: boolean | null;
  traceId: string | null;
  traceparent: string | null;
}

/** The OTLP span kind of a server's span. */
const SERVER = 2;

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  status?: { code?: number; message?: string };
}

/** The OTLP status code of a span that failed. */
const STATUS_ERROR = 2;

/** The spans of an OTLP/HTTP JSON export request. */
function spansOf(body: string): ExportedSpan[] {
  const request = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }> };
  return request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
}

async function probe(env: Record<string, string>): Promise<{ fresh: Seen; continued: Seen; untraced: Seen }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: process.cwd(),
  });
  return JSON.parse(stdout) as { fresh: Seen; continued: Seen; untraced: Seen };
}

describe('the gateway’s request spans', () => {
  it('without an exporter give each request a trace id, continue the caller’s trace, and pass it on', async () => {
    const { fresh, continued, untraced } = await probe({});
    expect(fresh.recording).toBe(false);
    expect(fresh.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(fresh.traceparent).toMatch(new RegExp(`^00-${fresh.traceId}-(?!0{16})[0-9a-f]{16}-00$`));
    // The caller's trace, with the gateway's own span as the parent of what it sends on.
    expect(continued.traceId).toBe(CALLER_TRACE_ID);
    expect(continued.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE_ID}-(?!${CALLER_SPAN_ID})[0-9a-f]{16}-`));
    expect(untraced).toEqual({ recording: null, traceId: null, traceparent: null });
  });

  it('with an exporter record the server span, named after the route, in the caller’s trace, and send it', async () => {
    // A collector's OTLP/HTTP endpoint, reduced to what the exporter needs: a 200 to each batch.
    const spans: ExportedSpan[] = [];
    const collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/v1/traces') spans.push(...spansOf(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { fresh, continued } = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` });
      expect(continued.recording).toBe(true);
      const continuedSpanId = continued.traceparent?.split('-')[2];
      expect(continued.traceparent).toBe(`00-${CALLER_TRACE_ID}-${continuedSpanId}-01`);
      // The health probe's none; the second is the one whose id went on, child of the caller's; the
      // abandoned request's ended when its client hung up, marked failed, and only once.
      expect(spans).toEqual([
        expect.objectContaining({ name: 'GET /contacts/:id', kind: SERVER, traceId: fresh.traceId }),
        expect.objectContaining({ name: 'GET /contacts/:id', kind: SERVER, traceId: CALLER_TRACE_ID, spanId: continuedSpanId, parentSpanId: CALLER_SPAN_ID }),
        expect.objectContaining({ name: 'GET /reports/:id', kind: SERVER, status: expect.objectContaining({ code: STATUS_ERROR }) }),
      ]);
    } finally {
      collector.close();
    }
  });
});
