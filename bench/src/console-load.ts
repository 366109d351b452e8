/**
 * The console at the crm bench's million contacts, in Debian's Chromium: the time from navigation to
 * the first rows of the contacts list, from typing a search to its results on screen, and the frame
 * times while scrolling through 10,000 rows (fetched 100 at a time as the list nears its end).
 *
 * Baselines measured in the same run: the same API requests timed from Node (what the browser and
 * the React code add on top of the API), and the frame times of the same page left idle (the
 * machine's own frame cadence under its current load).
 *
 * The services run each in its own process against the crm bench's seeded database (bench/src/seed-crm.ts);
 * auth's schema is created afresh in it with one owner of the big workspace, who signs in through
 * the console's own sign-in page.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateService } from '@kinship/platform';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import pg from 'pg';
import { authService } from '../../services/auth/dist/auth.service.js';
import { PasswordHasher } from '../../services/auth/dist/passwords/password-hasher.js';
import { fixed, numberFromEnv, percentiles, print, saveResult } from './lib.js';
import { ensureSeededCrm, migrationEnv } from './seed-crm.js';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from './service-processes.js';
import { processCpuMs } from './sql-load-worker.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const SAMPLES = numberFromEnv('BENCH_CONSOLE_SAMPLES', 7);
const SCROLL_ROWS = numberFromEnv('BENCH_CONSOLE_SCROLL_ROWS', 10_000);
/** Ten 40-pixel rows a frame: a quick fling, held until the list has shown SCROLL_ROWS rows. */
const SCROLL_PX_PER_FRAME = 400;
const SCROLL_TIMEOUT_MS = 300_000;
const IDLE_FRAMES = 300;
const SEARCHES = ['mar', 'ziel', 'outlook'];
const PASSWORD = 'amber-cobalt-violin-meadow-4';
const EMAIL = 'bench-owner@example.com';

/**
 * The browser globals the functions passed to page.evaluate use: they run in the page, but are
 * compiled with the rest of the repository, without the DOM library.
 */
interface PageElement {
  scrollTop: number;
  dataset: Record<string, string | undefined>;
  parentElement: PageElement | null;
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getBoundingClientRect(): { height: number };
}

interface PageGlobals {
  document: PageElement;
  requestAnimationFrame(callback: (now: number) => void): number;
}

interface Spread {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

function spread(samples: number[]): Spread {
  const { p50, p95, max } = percentiles(samples);
  return { p50, p95, max, samples: samples.length };
}

interface Frames {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  longFrames: number;
  seconds: number;
}

function frameFigures(deltas: number[], seconds: number): Frames {
  const { p50, p95, p99, max } = percentiles(deltas);
  return { count: deltas.length, p50Ms: p50, p95Ms: p95, p99Ms: p99, maxMs: max, longFrames: deltas.filter((delta) => delta > 50).length, seconds };
}

/** The page's main-thread time (seconds) by kind, from Chromium's own counters (CDP Performance.getMetrics). */
interface MainThread {
  task: number;
  script: number;
  layout: number;
  style: number;
}

async function mainThreadTimes(cdp: CDPSession): Promise<MainThread> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
  return { task: value('TaskDuration'), script: value('ScriptDuration'), layout: value('LayoutDuration'), style: value('RecalcStyleDuration') };
}

function mainThreadSpent(before: MainThread, after: MainThread): MainThread {
  return { task: after.task - before.task, script: after.script - before.script, layout: after.layout - before.layout, style: after.style - before.style };
}

/** Chromium's processes (browser, renderers, GPU, utilities): this process's descendants that run Chromium. */
async function chromiumPids(): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!stat) continue;
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const descendants: number[] = [];
  for (let queue = [process.pid]; queue.length > 0;) {
    const pid = queue.pop()!;
    for (const child of children.get(pid) ?? []) {
      descendants.push(child);
      queue.push(child);
    }
  }
  const commands = await Promise.all(descendants.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
  return descendants.filter((_, index) => commands[index]!.includes('chrom'));
}

/**
 * CPU time (ms) of Chromium's processes by pid. CPU per frame depends much less on what else runs
 * on the machine than frame times do: a loaded machine stretches every frame it has to wait for a core.
 */
async function chromiumCpuMs(): Promise<Map<number, number>> {
  const pids = await chromiumPids();
  const times = await Promise.all(pids.map((pid) => processCpuMs(pid)));
  return new Map(pids.flatMap((pid, index) => (times[index] === undefined ? [] : [[pid, times[index]] as const])));
}

function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}

/** A fresh auth schema holding the big workspace and its first owner, who can sign in with PASSWORD. */
async function prepareAuth(databaseUrl: string, env: Record<string, string>, workspaceId: string, ownerId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The signing keys of an earlier run were sealed with that run's AUTH_KEY_ENCRYPTION_KEY.
    await client.query('DROP SCHEMA IF EXISTS auth CASCADE');
    await client.query('DROP SCHEMA IF EXISTS notifications CASCADE');
  } finally {
    await client.end();
  }
  await migrateService(authService, env);
  const passwordHash = await new PasswordHasher().hash(PASSWORD);
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query(`INSERT INTO auth.workspaces (id, name) VALUES ($1, 'Bench crm')`, [workspaceId]);
    await owner.query(
      `INSERT INTO auth.users (id, workspace_id, email, name, role, password_hash, email_verified_at)
       VALUES ($1, $2, $3, 'Bench Owner', 'owner', $4, now())`,
      [ownerId, workspaceId, EMAIL, passwordHash],
    );
  } finally {
    await owner.end();
  }
}

async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel(/^Email( \*)?$/).fill(EMAIL);
  await page.getByLabel(/^Password( \*)?$/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

/** From the navigation's start to the list's first row on screen, as a user opening the page sees it. */
async function timeToFirstRows(page: Page, origin: string): Promise<number> {
  const started = performance.now();
  await page.goto(`${origin}/contacts`, { waitUntil: 'commit' });
  await page.locator('tr[data-index="0"]').waitFor();
  return performance.now() - started;
}

/** From the search box holding the query to a first row that matches it on screen (the console's 200 ms debounce included). */
async function timeToSearchResults(page: Page, q: string): Promise<number> {
  const search = page.getByLabel('Search contacts');
  await search.fill('');
  await page.locator('tr[data-index="0"]').waitFor();
  const answered = page.waitForResponse((response) => new URL(response.url()).searchParams.get('q') === q);
  const started = performance.now();
  await search.fill(q);
  const response = await answered;
  if (!response.ok()) throw new Error(`the search for "${q}" answered ${response.status()}`);
  await page.locator('tr[data-index="0"]', { hasText: new RegExp(q, 'i') }).waitFor();
  return performance.now() - started;
}

/** Frame-to-frame times with the page left alone: the cadence the machine gives this page now. */
async function idleFrames(page: Page): Promise<number[]> {
  return page.evaluate(
    (count) =>
      new Promise<number[]>((resolve) => {
        const { requestAnimationFrame } = globalThis as unknown as PageGlobals;
        const deltas: number[] = [];
        let last = performance.now();
        const step = (now: number) => {
          deltas.push(now - last);
          last = now;
          if (deltas.length >= count) resolve(deltas.slice(1));
          else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    IDLE_FRAMES,
  );
}

/** Scrolls the list's one scroller a fixed step each frame until a row at index `rows - 1` has been shown. */
async function scrollFrames(page: Page, rows: number): Promise<{ deltas: number[]; seconds: number; reached: number; rowHeight: number }> {
  return page.evaluate(
    ({ rows, step, timeoutMs }) =>
      new Promise<{ deltas: number[]; seconds: number; reached: number; rowHeight: number }>((resolve, reject) => {
        const { document, requestAnimationFrame } = globalThis as unknown as PageGlobals;
        const firstRow = document.querySelector('tr[data-index]');
        const scroller = firstRow?.closest('table')?.parentElement;
        if (!firstRow || !scroller) return reject(new Error('no list on the page'));
        // The step assumes rows of the height the list virtualizes with: printed to check it.
        const rowHeight = firstRow.getBoundingClientRect().height;
        const deltas: number[] = [];
        const started = performance.now();
        let last = started;
        let reached = 0;
        const frame = (now: number) => {
          deltas.push(now - last);
          last = now;
          for (const row of scroller.querySelectorAll('tr[data-index]')) reached = Math.max(reached, Number(row.dataset.index));
          if (reached >= rows - 1 || now - started > timeoutMs)
            return resolve({ deltas: deltas.slice(1), seconds: (now - started) / 1000, reached: reached + 1, rowHeight });
          scroller.scrollTop += step;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    { rows, step: SCROLL_PX_PER_FRAME, timeoutMs: SCROLL_TIMEOUT_MS },
  );
}

/** The API request the page sends, from Node with the same token: the baseline of each browser figure. */
async function apiTimes(origin: string, token: string, path: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  const seeded = await ensureSeededCrm();
  const env = {
    ...migrationEnv(seeded.databaseUrl),
    LOG_LEVEL: 'warn',
    AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    WEBHOOKS_SECRET_KEY: randomBytes(32).toString('base64url'),
  };
  await prepareAuth(seeded.databaseUrl, env, seeded.bigWorkspaceId, seeded.ownerIds[0]!);
  const logDirectory = await mkdtemp(join(tmpdir(), 'kinship-bench-console-'));
  const services: ServiceProcess[] = [];
  let browser: Browser | undefined;
  const loadBefore = loadavg()[0]!;
  try {
    const [migrated] = (await once(
      spawn(process.execPath, ['services/notifications/dist/migrate.js'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' }),
      'exit',
    )) as [number];
    if (migrated !== 0) throw new Error('notifications migrations failed');
    const started = await Promise.allSettled((['auth', 'crm', 'notifications'] as const).map((name) => startServiceProcess(name, env, logDirectory)));
    for (const outcome of started) if (outcome.status === 'fulfilled') services.push(outcome.value);
    const refused = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (refused) throw refused.reason;
    const gateway = await startServiceProcess('gateway', env, logDirectory);
    services.push(gateway);
    const origin = gateway.url;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let token = '';
    page.on('request', (request) => {
      const authorization = request.headers().authorization;
      if (authorization?.startsWith('Bearer ')) token = authorization.slice('Bearer '.length);
    });
    await signIn(page, origin);

    const firstVisit = await timeToFirstRows(page, origin);
    const repeatVisits: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) repeatVisits.push(await timeToFirstRows(page, origin));
    const firstPageApi = await apiTimes(origin, token, '/api/v1/contacts?limit=100', SAMPLES);

    const searches: number[] = [];
    const searchApi: number[] = [];
    for (let round = 0; round < Math.max(1, Math.round(SAMPLES / SEARCHES.length)); round += 1) {
      for (const q of SEARCHES) searches.push(await timeToSearchResults(page, q));
    }
    for (const q of SEARCHES) searchApi.push(...(await apiTimes(origin, token, `/api/v1/contacts?limit=100&q=${q}`, 2)));

    await page.getByLabel('Search contacts').fill('');
    await page.locator('tr[data-index="0"]').waitFor();
    const idle = frameFigures(await idleFrames(page), IDLE_FRAMES / 60);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (CPU_PROFILE_DIR) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const mainThreadBefore = await mainThreadTimes(cdp);
    const cpuBefore = await chromiumCpuMs();
    const scrolled = await scrollFrames(page, SCROLL_ROWS);
    const chromiumCpu = cpuSpent(cpuBefore, await chromiumCpuMs());
    const mainThread = mainThreadSpent(mainThreadBefore, await mainThreadTimes(cdp));
    if (CPU_PROFILE_DIR) {
      const { profile } = await cdp.send('Profiler.stop');
      await mkdir(join(CPU_PROFILE_DIR, 'console'), { recursive: true });
      await writeFile(join(CPU_PROFILE_DIR, 'console', 'scroll.cpuprofile'), JSON.stringify(profile));
    }
    if (scrolled.reached < SCROLL_ROWS) throw new Error(`the list showed ${scrolled.reached} rows in ${SCROLL_TIMEOUT_MS / 1000} s, not ${SCROLL_ROWS}`);
    const scroll = frameFigures(scrolled.deltas, scrolled.seconds);
    const loadAfter = loadavg()[0]!;

    const visits = spread(repeatVisits);
    const firstPage = spread(firstPageApi);
    const search = spread(searches);
    const searchBaseline = spread(searchApi);
    const result = {
      contacts: seeded.sizes.contacts,
      firstVisitMs: firstVisit,
      repeatVisitMs: visits,
      firstPageApiMs: firstPage,
      searchMs: search,
      searchApiMs: searchBaseline,
      idleFrames: idle,
      scroll: {
        rows: scrolled.reached,
        rowHeightPx: scrolled.rowHeight,
        ...scroll,
        mainThreadSeconds: mainThread,
        chromiumCpuMs: chromiumCpu,
        chromiumCpuMsPerFrame: chromiumCpu / scroll.count,
      },
      ratios: {
        firstRowsToApi: visits.p50 / firstPage.p50,
        searchToApi: search.p50 / searchBaseline.p50,
        scrollP95ToIdleP95: scroll.p95Ms / idle.p95Ms,
      },
      load: { before: loadBefore, after: loadAfter },
    };
    await saveResult('console-load', result);

    print(
      `Console at ${seeded.sizes.contacts.toLocaleString('en')} contacts in Chromium (1280×900), load average ${fixed(loadBefore, 2)} → ${fixed(loadAfter, 2)}`,
    );
    print(`  first rows, first visit after sign-in: ${fixed(firstVisit, 0)} ms (the contacts page's code not yet cached)`);
    print(
      `  first rows, repeat visits: p50 ${fixed(visits.p50, 0)} ms, p95 ${fixed(visits.p95, 0)} ms over ${visits.samples} (each a full load: token refresh, /me, the list)`,
    );
    print(`  the first page's API request alone: p50 ${fixed(firstPage.p50, 1)} ms → console ÷ API ${fixed(result.ratios.firstRowsToApi, 1)}`);
    print(
      `  search to results on screen (200 ms debounce included): p50 ${fixed(search.p50, 0)} ms, p95 ${fixed(search.p95, 0)} ms over ${search.samples} (${SEARCHES.join(', ')})`,
    );
    print(`  the same searches' API requests alone: p50 ${fixed(searchBaseline.p50, 1)} ms → console ÷ API ${fixed(result.ratios.searchToApi, 1)}`);
    print(
      `  scrolling ${scrolled.reached.toLocaleString('en')} rows of ${fixed(scrolled.rowHeight, 1)} px in ${fixed(scroll.seconds, 1)} s: frame p50 ${fixed(scroll.p50Ms, 1)} ms, p95 ${fixed(scroll.p95Ms, 1)}, p99 ${fixed(scroll.p99Ms, 1)}, max ${fixed(scroll.maxMs, 0)}; ${scroll.longFrames} of ${scroll.count} frames over 50 ms`,
    );
    print(
      `  the page's main thread while scrolling: busy ${fixed(mainThread.task, 1)} s of ${fixed(scroll.seconds, 1)} s; script ${fixed(mainThread.script, 1)} s, layout ${fixed(mainThread.layout, 1)} s, style ${fixed(mainThread.style, 1)} s`,
    );
    print(
      `  Chromium's CPU while scrolling (all its processes): ${fixed(chromiumCpu / 1000, 1)} s, ${fixed(chromiumCpu / scroll.count, 1)} ms a frame, ${fixed(chromiumCpu / (scrolled.reached / 1000), 0)} ms per 1,000 rows`,
    );
    print(
      `  idle page frames: p50 ${fixed(idle.p50Ms, 1)} ms, p95 ${fixed(idle.p95Ms, 1)} → scrolling p95 ÷ idle p95 ${fixed(result.ratios.scrollP95ToIdleP95, 2)}`,
    );
  } finally {
    await browser?.close();
    for (const service of services.reverse()) await stopServiceProcess(service.child);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`console-load failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
