import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported.
const stopTracing = await startTracing('billing');
const { runUntilSignalled, startService } = await import('@kinship/platform');
const { billingService } = await import('./billing.service.js');
await runUntilSignalled('billing', () => startService(billingService), stopTracing);
