import { runMigrationsAndExit } from '@kinship/platform';
import { authService } from './auth.service.js';

await runMigrationsAndExit(authService);
