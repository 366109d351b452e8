import { runMigrationsAndExit } from '@kinship/platform';
import { reportingService } from './reporting.service.js';

await runMigrationsAndExit(reportingService);
