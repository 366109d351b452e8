import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported.
const stopTracing = await startTracing('reporting');
const { runUntilSignalled, startService } = await import('@kinship/platform');
const { reportingService } = await import('./reporting.service.js');
await runUntilSignalled('reporting', () => startService(reportingService), stopTracing);
