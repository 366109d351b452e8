import { register } from 'node:module';

/**
 * Starts OpenTelemetry before anything it instruments is loaded: call it first in main, then
 * import the application dynamically. Spans are always created, so trace ids reach logs and
 * cross NATS; they are exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
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
    spanProcessors: endpoint ? [new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }))] : [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(metrics|health)/.test(request.url ?? '') }),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
