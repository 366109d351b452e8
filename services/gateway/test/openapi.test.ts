import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { startGateway } from '../src/gateway.js';

interface LintProblem {
  ruleId: string;
  message: string;
  location: Array<{ pointer: string }>;
}

const REDOCLY = join(createRequire(import.meta.url).resolve('@redocly/cli/package.json'), '..', 'bin', 'cli.js');

describe('the OpenAPI document', () => {
  let environment: TestEnvironment;
  let gateway: RunningService;
  let folder: string;

  beforeAll(async () => {
    environment = await createTestEnvironment('openapi');
    gateway = await startGateway(environment.env);
    folder = mkdtempSync(join(tmpdir(), 'kinship-openapi-'));
  });

  afterAll(async () => {
    await gateway?.close();
    await environment?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('passes redocly lint (redocly.yaml: the recommended rules and more) on every route', async () => {
    const file = join(folder, 'openapi.json');
    writeFileSync(file, await (await fetch(`${gateway.url}/docs-json`)).text());
    const lint = spawnSync(process.execPath, [REDOCLY, 'lint', file, '--config', 'redocly.yaml', '--format=json', '--max-problems=100000'], {
      encoding: 'utf8',
    });
    const { problems } = JSON.parse(lint.stdout) as { problems: LintProblem[] };
    const found = problems.map((problem) => `${problem.ruleId} at ${problem.location[0]!.pointer}: ${problem.message}`);
    expect(found).toEqual([]);
  });

  it('says that public routes need no credentials and names every error status the gateway itself answers', async () => {
    type Operation = { security?: unknown[]; responses: Record<string, unknown> };
    const document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      info: { license?: { name: string } };
    };
    expect(document.info.license?.name).toBe('AGPL-3.0-only');
    const login = document.paths['/api/v1/auth/login']!.post!;
    expect(login.security).toEqual([]);
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '413', '415', '422', '429']));
    const products = document.paths['/api/v1/products']!.get!;
    expect(products.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });
});
