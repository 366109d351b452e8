import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span in the caller's trace; null on paths not traced. */
    traceContext: Context | null;
  }
}

const tracer = trace.getTracer('kinship-gateway');

/**
 * One server span per HTTP request, made in the gateway's own hooks: the gateway starts tracing
 * without OpenTelemetry's incoming-HTTP instrumentation, whose per-request work (wrapping the
 * request and response, semantic attributes, metrics) was about 9% of its CPU. The span continues
 * the caller's `traceparent` (a fresh trace without one) and is entered before the route's handler,
 * so the guard, the controller and ServiceClient (which sends it over NATS) run inside it.
 * Attributes are set only on a recording span (with an exporter).
 */
export function registerRequestSpans(fastify: FastifyInstance, untraced: RegExp): void {
  fastify.decorateRequest('traceContext', null);
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (untraced.test(request.url)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttributes({ 'http.request.method': request.method, 'url.path': request.url.split('?')[0], 'http.route': route ?? '' });
    }
    request.traceContext = trace.setSpan(parent, span);
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.traceContext) context.with(request.traceContext, done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = request.traceContext && !abortedRequests.has(request) ? trace.getSpan(request.traceContext) : undefined;
    if (span) {
      if (span.isRecording()) {
        span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    done();
  });
  // A client that hangs up first gets no response, so onResponse may never run: the span ends here.
  fastify.addHook('onRequestAbort', (request, done) => {
    const span = request.traceContext && trace.getSpan(request.traceContext);
    if (span) {
      abortedRequests.add(request);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'The client closed the connection before the response.' });
      span.end();
    }
    done();
  });
}

/** Requests whose span ended when the client hung up: not ended again if a response is still written. */
const abortedRequests = new WeakSet<FastifyRequest>();

/** The trace id of a request's span, for its log line; undefined when not traced. */
export function traceIdOf(traceContext: Context | null): string | undefined {
  const spanContext = traceContext && trace.getSpanContext(traceContext);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
