import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported. The
// gateway makes its requests' spans itself (http/request-span.ts).
const stopTracing = await startTracing('gateway', process.env, { incomingHttpSpans: false });
const { runUntilSignalled } = await import('@kinship/platform');
const { startGateway } = await import('./gateway.js');
await runUntilSignalled('gateway', () => startGateway(), stopTracing);
