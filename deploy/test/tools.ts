import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's root: paths in these tests are relative to it, as in the Makefile. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A program from .tools/bin (helm, kubectl) or the PATH (promtool), as scripts/test-tools.sh provides them. */
function toolPath(name: 'helm' | 'promtool'): string {
  if (name === 'promtool') return name;
  const path = `${ROOT}.tools/bin/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'make test-tools' (scripts/test-tools.sh unpacks it from node_modules).`);
  return path;
}

export function runTool(name: 'helm' | 'promtool', args: string[], input?: string): ToolRun {
  const run = spawnSync(toolPath(name), args, { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`${name} could not run (${run.error.message}): run 'make test-tools', which installs it or says how.`);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
