/**
 * Where a process spent its CPU: `node bench/dist/cpu-profile-summary.js <file.cpuprofile> [top]`
 * prints the functions with the most self time (time on top of the stack), then the same summed
 * by package (node_modules/<name>, node: internals, the project's own code), from a profile
 * written by `node --cpu-prof` (the rpc-contacts bench writes them with BENCH_CPU_PROFILE_DIR).
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (url === '') return '(native / garbage collector / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  const own = /\/(libs|services)\/([^/]+)\//.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

async function main(): Promise<void> {
  const [file, topArgument] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.js <file.cpuprofile> [top]');
  const top = Number(topArgument ?? 25);
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
  const idle = [...selfMs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** The nearest frame up the stack in a package or the project's code: who asked for a write, a parse, a hash. */
  const callerPackage = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const { url } = byId.get(at)!.callFrame;
      if (url !== '' && !url.startsWith('node:')) return packageOf(url);
    }
    return packageOf(byId.get(id)!.callFrame.url);
  };
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byCallerPackage = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(libs|services)\//, '$1/')}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const name = packageOf(url);
    byPackage.set(name, (byPackage.get(name) ?? 0) + ms);
    const caller = functionName === '(garbage collector)' ? '(garbage collector)' : callerPackage(id);
    byCallerPackage.set(caller, (byCallerPackage.get(caller) ?? 0) + ms);
  }
  const busy = total - idle;
  const lines = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => `${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  process.stdout.write(
    `${file}: ${busy.toFixed(0)} ms busy of ${total.toFixed(0)} ms sampled\n\nself time by function:\n${lines(byFunction).join('\n')}\n\nself time by package:\n${lines(byPackage).join('\n')}\n` +
      `\nself time by package, native and Node-internal time charged to the package that called it:\n${lines(byCallerPackage).join('\n')}\n`,
  );
}

await main();
