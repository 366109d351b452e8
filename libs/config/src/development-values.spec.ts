import { describe, expect, it } from '@jest/globals';
import { IsOptional, IsString } from 'class-validator';
import { ConfigError, loadConfig } from './config.js';
import { knownDevelopmentValues } from './development-values.js';
import { ServiceConfig } from './service-config.js';

class WithSecret extends ServiceConfig {
  @IsOptional()
  @IsString()
  UNSUBSCRIBE_SECRET: string | undefined = undefined;
}

describe('known development values', () => {
  it.each(knownDevelopmentValues)('refuses %s in any variable, naming the variable as it was set', (value) => {
    const attempt = () => loadConfig('notifications', WithSecret, { NOTIFICATIONS_UNSUBSCRIBE_SECRET: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/NOTIFICATIONS_UNSUBSCRIBE_SECRET: is a published development value/);
  });

  it('accepts them under KINSHIP_DEV_INSECURE=true', () => {
    const config = loadConfig('notifications', WithSecret, { UNSUBSCRIBE_SECRET: knownDevelopmentValues[2], KINSHIP_DEV_INSECURE: 'true' });
    expect(config.UNSUBSCRIBE_SECRET).toBe(knownDevelopmentValues[2]);
  });

  it('accepts a secret of the installation’s own', () => {
    const config = loadConfig('notifications', WithSecret, { UNSUBSCRIBE_SECRET: 'a-secret-nobody-published-of-32-characters' });
    expect(config.KINSHIP_DEV_INSECURE).toBe('false');
  });
});
