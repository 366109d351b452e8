import { register } from 'node:module';

export interface TracingOptions {
  /**
   * false: incoming HTTP requests get no span from OpenTelemetry's HTTP instrumentation, for a
   * server that makes its own (the gateway, in its Fastify hooks, at a fraction of the cost).
   */
  incomingHttpSpans?: boolean;
}

/**
 * Starts OpenTelemetry before anything it instruments is loaded: call it first in main, then
 * import the application dynamically. Every incoming HTTP request gets a span (made by the server
 * itself where `incomingHttpSpans` is false), so trace ids reach logs and cross NATS. Spans are recorded and exported over OTLP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (with a span per SQL statement too); without it the sampler
 * records none: the spans are ids only, which is all the logs and NATS headers carry.
 */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env, options: TracingOptions = {}): Promise<() => Promise<void>> {
  // ES modules are patched through the loader hook, CommonJS ones through require hooks.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { NodeSDK, resources, tracing } = await import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');

  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({ 'service.name': `kinship-${service}`, 'service.version': env.SERVICE_VERSION ?? '0.1.0' }),
    // Traces only: without these the SDK sets up OTLP metric and log exporters of its own, and
    // stalls shutdown trying to reach a collector. Metrics are prom-client's, logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
    // Without a span processor the SDK installs no tracer at all, and every span is the invalid
    // one: no trace id in logs, none sent over NATS. So without an exporter there is a processor
    // that drops spans, and a sampler that records none: each span is its ids, and no more.
    // With an exporter, OTEL_TRACES_SAMPLER decides (parent-based, always on by default).
    spanProcessors: [
      endpoint ? new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })) : new tracing.NoopSpanProcessor(),
    ],
    ...(endpoint ? {} : { sampler: new tracing.AlwaysOffSampler() }),
    instrumentations: [
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: options.incomingHttpSpans === false,
        ignoreIncomingRequestHook: (request) => /^\/(metrics|health)/.test(request.url ?? ''),
      }),
      // A statement's span adds nothing but itself to a trace: without an exporter, none is made.
      ...(endpoint ? [new PgInstrumentation()] : []),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
