import { runMigrationsAndExit } from '@kinship/platform';
import { billingService } from './billing.service.js';

await runMigrationsAndExit(billingService);
