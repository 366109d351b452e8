import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { refuseKnownDevelopmentValues } from './development-values.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Every variable can be set for one service alone with the service's name as a prefix
 * (CRM_DATABASE_URL beats DATABASE_URL), so one .env can describe the whole system.
 */
export function resolveVariables(
  service: string,
  names: string[],
  env: NodeJS.ProcessEnv,
): { values: Record<string, string>; sources: Record<string, string> } {
  const prefix = `${service.toUpperCase()}_`;
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const name of names) {
    const specific = env[prefix + name];
    const shared = env[name];
    if (specific !== undefined && specific !== '') {
      values[name] = specific;
      sources[name] = prefix + name;
    } else if (shared !== undefined && shared !== '') {
      values[name] = shared;
      sources[name] = name;
    } else {
      sources[name] = `${prefix}${name} (or ${name})`;
    }
  }
  return { values, sources };
}

function describe(errors: ValidationError[], sources: Record<string, string>): string[] {
  return errors.flatMap((error) => {
    const variable = sources[error.property] ?? error.property;
    const reasons = Object.values(error.constraints ?? {});
    return reasons.map((reason) => `${variable}: ${reason.replace(error.property, 'value')}`);
  });
}

/**
 * Reads a service's configuration from the environment into a class-validator schema.
 * Defaults are the schema's property initialisers; unset variables keep them. A schema with
 * KINSHIP_DEV_INSECURE (every ServiceConfig) also refuses known development values.
 */
export function loadConfig<T extends object>(service: string, schema: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const names = Object.keys(new schema());
  const { values, sources } = resolveVariables(service, names, env);
  const config = plainToInstance(schema, values, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(describe(errors, sources));
  }
  if ('KINSHIP_DEV_INSECURE' in config) refuseKnownDevelopmentValues(config as { KINSHIP_DEV_INSECURE: string }, sources);
  return Object.freeze(config);
}
