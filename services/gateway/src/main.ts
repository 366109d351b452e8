import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported.
const stopTracing = await startTracing('gateway');
const { runUntilSignalled } = await import('@kinship/platform');
const { startGateway } = await import('./gateway.js');
await runUntilSignalled('gateway', () => startGateway(), stopTracing);
