import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported.
const stopTracing = await startTracing('auth');
const { runUntilSignalled, startService } = await import('@kinship/platform');
const { authService } = await import('./auth.service.js');
await runUntilSignalled('auth', () => startService(authService), stopTracing);
