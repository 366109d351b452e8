import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported.
const stopTracing = await startTracing('crm');
const { runUntilSignalled, startService } = await import('@kinship/platform');
const { crmService } = await import('./crm.service.js');
await runUntilSignalled('crm', () => startService(crmService), stopTracing);
