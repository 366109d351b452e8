import type { ServiceConfig } from '@kinship/config';
import { migrateService, startService, type RunningService, type ServiceDefinition } from '@kinship/platform';
import type { TestEnvironment } from './test-environment.js';

/** Migrates the service's schema in the suite's database and starts it in this process. */
export async function startTestService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  environment: TestEnvironment,
  overrides: Record<string, string> = {},
): Promise<RunningService<C>> {
  const env = { ...environment.env, ...overrides };
  await migrateService(definition, env);
  return startService(definition, env);
}
