import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

const SERVICES = ['gateway', 'auth', 'crm', 'billing', 'notifications', 'reporting'];
const LOAD_LIMIT_MS = 100_000;
const TEST_TIMEOUT_MS = LOAD_LIMIT_MS + 20_000;

/** Runs a built service entry point the way production does, and collects how it ended. */
function run(service: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const entry = `services/${service}/dist/main.js`;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" (make test does) first`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Loading a service takes 3–8 s of CPU, and six load at once beside the other suites on 2 cores
    // (over 45 s was seen in CI): a hung one is still killed before its test times out.
    const killer = setTimeout(() => child.kill('SIGKILL'), LOAD_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

describe('a process with bad configuration', () => {
  it.concurrent.each(SERVICES)(
    '%s exits non-zero and names the invalid variable',
    async (service) => {
      const variable = `${service.toUpperCase()}_NATS_URL`;
      const { code, output } = await run(service, { [variable]: 'http://not-nats:80' });
      expect(code).not.toBe(0);
      expect(output).toContain(`${variable}: must be one or more comma-separated nats:// URLs`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'names a required variable that is missing',
    async () => {
      const { code, output } = await run('auth', { NODE_ENV: 'production' });
      expect(code).not.toBe(0);
      expect(output).toContain('AUTH_KEY_ENCRYPTION_KEY (or KEY_ENCRYPTION_KEY): must be set');
    },
    TEST_TIMEOUT_MS,
  );
});
