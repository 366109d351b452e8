import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { ConfigError, loadConfig } from './config.js';
import { ServiceConfig } from './service-config.js';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig('crm', ServiceConfig, {});
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.RPC_TIMEOUT_MS).toBe(5000);
  });

  it('prefers the service-specific variable over the shared one', () => {
    const config = loadConfig('crm', ServiceConfig, {
      DATABASE_URL: 'postgres://shared@db/kinship',
      CRM_DATABASE_URL: 'postgres://crm@db/kinship',
      HTTP_PORT: '3102',
    });
    expect(config.DATABASE_URL).toBe('postgres://crm@db/kinship');
    expect(config.HTTP_PORT).toBe(3102);
  });

  it('names every invalid variable as the user set it', () => {
    const attempt = () => loadConfig('auth', ServiceConfig, { AUTH_DATABASE_URL: 'mysql://x', RPC_TIMEOUT_MS: 'soon' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/AUTH_DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(attempt).toThrow(/RPC_TIMEOUT_MS: /);
  });

  it('names a required variable that is missing under both of its names', () => {
    class NeedsSecret extends ServiceConfig {
      @IsString()
      KEY_ENCRYPTION_KEY: string | undefined = undefined;
    }
    expect(() => loadConfig('auth', NeedsSecret, {})).toThrow(/AUTH_KEY_ENCRYPTION_KEY \(or KEY_ENCRYPTION_KEY\)/);
  });
});
