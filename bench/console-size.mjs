// The JavaScript a browser downloads (gzipped) before the console's sign-in page and its contacts
// list can show, from the build's manifest: the entry and every chunk it statically imports, plus
// each route's lazy chunk and its static imports. Target (issue #16): at most 250 KB per first
// screen. The baseline, measured in the same run, is all of the console's JavaScript: what one
// unsplit bundle would ship; the ratio says how much code-splitting by route saves.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../console/dist/', import.meta.url).pathname;
const TARGET_KB = 250;
let manifest;
try {
  manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
} catch {
  console.error('console/dist/.vite/manifest.json is missing: run `npm run build` first');
  process.exit(1);
}

const gzipped = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

/** The files of these manifest entries and everything they import statically. */
function closure(keys) {
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  keys.forEach(visit);
  return [...files].filter((file) => file.endsWith('.js'));
}

/**
 * A module's manifest key: its source path, or, when Rollup also placed modules shared with the
 * route's own lazy chunks in it (the chunk is then keyed `_<Name>-<hash>.js`), the dynamic entry
 * of that name.
 */
function keyOf(source) {
  if (manifest[source]) return source;
  const name = source
    .split('/')
    .at(-1)
    .replace(/\.tsx?$/, '');
  const key = Object.keys(manifest).find((candidate) => manifest[candidate].isDynamicEntry && manifest[candidate].name === name);
  if (!key) throw new Error(`${source} is not in the manifest: the route's module moved`);
  return key;
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const routes = {
  'sign-in': [entry, keyOf('src/features/auth/SignInPage.tsx')],
  contacts: [entry, keyOf('src/app/Shell.tsx'), keyOf('src/features/contacts/ContactsPage.tsx')],
  // Where a sign-in lands for every role that may read reports.
  dashboard: [entry, keyOf('src/app/Shell.tsx'), keyOf('src/app/LandingPage.tsx'), keyOf('src/features/dashboard/DashboardPage.tsx')],
};

const allJs = Object.values(manifest)
  .map((chunk) => chunk.file)
  .filter((file, index, files) => file.endsWith('.js') && files.indexOf(file) === index);
const baseline = allJs.reduce((sum, file) => sum + gzipped(file), 0);
const results = Object.entries(routes).map(([route, keys]) => {
  const files = closure(keys);
  const bytes = files.reduce((sum, file) => sum + gzipped(file), 0);
  return { route, chunks: files.length, kb: bytes / 1024, ratio: bytes / baseline, withinTarget: bytes / 1024 <= TARGET_KB };
});

console.log(
  `console JavaScript, gzipped (all ${allJs.length} chunks: ${(baseline / 1024).toFixed(1)} KB, raw ${(allJs.reduce((s, f) => s + statSync(join(dist, f)).size, 0) / 1024).toFixed(1)} KB)`,
);
for (const { route, chunks, kb, ratio, withinTarget } of results) {
  console.log(
    `  ${route.padEnd(9)} ${kb.toFixed(1).padStart(7)} KB in ${chunks} chunks · ${(ratio * 100).toFixed(0)}% of the whole console · target ≤ ${TARGET_KB} KB: ${withinTarget ? 'met' : 'MISSED'}`,
  );
}
