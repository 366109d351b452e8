import { runMigrationsAndExit } from '@kinship/platform';
import { notificationsService } from './notifications.service.js';

await runMigrationsAndExit(notificationsService);
