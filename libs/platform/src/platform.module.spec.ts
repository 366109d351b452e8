import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { knownDevelopmentValues, loadConfig, ServiceConfig } from '@kinship/config';
import { ServiceMetrics } from '@kinship/observability';
import { pino } from 'pino';
import { serviceInfo } from './bootstrap.js';
import { PlatformModule } from './platform.module.js';

class WithSecret extends ServiceConfig {
  CURSOR_SECRET: string | undefined = undefined;
}

/** Builds the platform module of a service configured with `env`; the warnings it logged. */
function warningsOfStartWith(env: Record<string, string>): Array<{ msg: string; variables?: string[] }> {
  const lines: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const config = loadConfig('crm', WithSecret, env);
  PlatformModule.forRoot({ info: serviceInfo('crm', config), config, logger, metrics: new ServiceMetrics('crm'), answersRequests: false });
  return lines.map((line) => JSON.parse(line));
}

describe('a service started with KINSHIP_DEV_INSECURE=true', () => {
  it('warns loudly, naming each variable that holds a published development value', () => {
    const warnings = warningsOfStartWith({ CURSOR_SECRET: knownDevelopmentValues[0]!, KINSHIP_DEV_INSECURE: 'true' });
    expect(warnings).toEqual([
      expect.objectContaining({ variables: ['CURSOR_SECRET'], msg: expect.stringMatching(/^INSECURE: CURSOR_SECRET is set to a development value published/) }),
    ]);
  });

  it('says nothing when no variable holds one', () => {
    expect(warningsOfStartWith({ CURSOR_SECRET: 'a-cursor-secret-nobody-published-32-chars', KINSHIP_DEV_INSECURE: 'true' })).toEqual([]);
  });
});
