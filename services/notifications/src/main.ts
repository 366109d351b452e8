import { startTracing } from '@kinship/observability/tracing';

// Tracing patches modules as they load, so it starts before the application is imported.
const stopTracing = await startTracing('notifications');
const { runUntilSignalled, startService } = await import('@kinship/platform');
const { notificationsService } = await import('./notifications.service.js');
await runUntilSignalled('notifications', () => startService(notificationsService), stopTracing);
