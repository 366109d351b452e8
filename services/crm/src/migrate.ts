import { runMigrationsAndExit } from '@kinship/platform';
import { crmService } from './crm.service.js';

await runMigrationsAndExit(crmService);
