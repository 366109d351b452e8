import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, startMailbox, startTestService, type Mailbox, type TestEnvironment } from '@kinship/testing';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { authService } from '../../auth/src/auth.service.js';
import { startOidcIssuer, type TestOidcIssuer } from '../../auth/test/oidc-issuer.js';
import { billingService } from '../../billing/src/billing.service.js';
import { crmService } from '../../crm/src/crm.service.js';
import { notificationsService } from '../../notifications/src/notifications.service.js';
import { reportingService } from '../../reporting/src/reporting.service.js';
import { CONSOLE_DIST } from '../src/http/console-static.js';
import { startGateway } from '../src/gateway.js';

/**
 * The web console in Debian's Chromium against the real stack (every service, the gateway
 * serving console/dist): what a sales rep does on a first morning, with axe-core on each screen
 * (no serious or critical violation) and a screenshot of each kept in test-artifacts/console.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PASSWORD = 'amber-cobalt-violin-meadow-4';
const UI_TIMEOUT = 20_000;
// A 1×1 PNG: the file store detects its type from these bytes, and the files panel shows it.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
// A PDF of one empty page: its bytes say application/pdf, so the files panel offers a preview.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let environment: TestEnvironment;
let mailbox: Mailbox;
let issuer: TestOidcIssuer;
const services: RunningService[] = [];
let browser: Browser;
let page: Page;
let origin: string;

/** An input's label exactly, with or without the asterisk of a required one. */
function label(text: string): RegExp {
  return new RegExp(`^${text}( \\*)?$`);
}

/**
 * Types into a field and waits until it holds the text. Playwright focuses the field, then sends
 * the text in a second step; in a dialog that is still opening, the focus trap can move focus in
 * between (it did on a loaded CI machine: the reason of a lost deal stayed empty), and the text
 * lands elsewhere. A person cannot type inside that window, so typing again is what they would do.
 */
async function type(field: Locator, text: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await field.fill(text);
    if ((await field.inputValue()) === text) return;
    if (attempt === 3) throw new Error(`the field kept losing what was typed: ${String(field)}`);
  }
}

/**
 * Picks a board card up from the keyboard (Space). dnd-kit's keyboard sensor adds its listener for
 * the arrows in a setTimeout of its own, and the card says it is pressed before that timer has run:
 * an arrow sent at once was sometimes not heard. A timer of the page's set after it runs after it
 * (a hand is never that quick).
 */
async function pickUp(card: Locator): Promise<void> {
  await card.focus();
  await page.keyboard.press('Space');
  await card.and(page.locator('[aria-pressed="true"]')).waitFor();
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve)));
}

/**
 * Drags a board card with the mouse to a point and lets go once the live region says it is over
 * `over`: dnd-kit drops where it last placed the pointer, and a button let go at once could race
 * its handling of the last move. A hand lets go when the card is where it wants it.
 */
async function dragCard(card: Locator, to: { x: number; y: number }, over: string): Promise<void> {
  const from = (await card.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  // Past the pointer sensor's activation distance (5 px) first.
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 - 10, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await page.getByText(over).waitFor({ state: 'attached' });
  await page.mouse.up();
}

/** axe-core's serious and critical findings on the page as it is now, with where they are. */
async function accessibilityViolations(on: Page): Promise<Array<{ id: string; targets: string[] }>> {
  await on.addScriptTag({ path: AXE });
  return on.evaluate(async () => {
    // Runs in the page; the tests' type-check knows Node's globals, not the DOM's.
    const page = globalThis as unknown as { axe: { run: (context: unknown, options: object) => Promise<{ violations: any[] }> }; document: unknown };
    const { violations } = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id as string, targets: violation.nodes.map((node: { target: string[] }) => node.target.join(' ')) }));
  });
}

/**
 * Waits for the page's finite CSS transitions and animations to end. axe judges colours as they are
 * at that instant: a dialog still fading in, or a button half-way from its disabled grey, fails contrast
 * (it did in CI once). Spinners and skeletons loop for ever, so only animations that end are awaited.
 */
async function transitionsEnded(on: Page): Promise<void> {
  await on.evaluate(async () => {
    type Running = { finished: Promise<unknown>; effect: { getComputedTiming(): { endTime?: number | string } } | null };
    const { document, requestAnimationFrame } = globalThis as unknown as {
      document: { getAnimations(): Running[] };
      requestAnimationFrame(callback: () => void): number;
    };
    // A transition a click or a drop starts is in getAnimations() only from the next frame on.
    await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const ending = document.getAnimations().filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)));
    await Promise.allSettled(ending.map((animation) => animation.finished));
  });
}

/** Checks the screen with axe once it has come to rest, and keeps its picture (the owner's page unless another is given). */
async function screen(name: string, on: Page = page): Promise<void> {
  await transitionsEnded(on);
  await on.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  expect({ screen: name, violations: await accessibilityViolations(on) }).toEqual({ screen: name, violations: [] });
}

/** The one link to this path in a message's text, e.g. the invitation's accept link. */
function linkIn(text: string, path: string): URL {
  const links = [...text.matchAll(/https?:\/\/[^\s<>"\]]+/g)].map(([link]) => new URL(link)).filter((link) => link.pathname === path);
  expect(links.map((link) => link.pathname)).toEqual([path]);
  return links[0]!;
}

/** A call to the API as the signed-up owner, for what the console shows but does not define (object types, custom fields, segments). */
async function asOwner(email: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const response = await fetch(`${origin}/api/v1${path}`, {
    method,
    // A JSON content type with no body (a DELETE) is refused with 400.
    headers: body === undefined ? { authorization: `Bearer ${accessToken}` } : { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect({ path, status: response.status }).toEqual({ path, status: method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200 });
  return method === 'DELETE' ? null : response.json();
}

beforeAll(async () => {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) throw new Error('console/dist is missing: run `npm run build` (make test does) before this suite');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  environment = await createTestEnvironment('gateway-console');
  // Sign-in with Google offered, Google being a stand-in provider on this machine.
  issuer = await startOidcIssuer();
  services.push(await startTestService(authService, environment, issuer.config));
  services.push(await startTestService(crmService, environment));
  services.push(await startTestService(billingService, environment));
  services.push(await startTestService(reportingService, environment));
  // The gateway first: the emails' links (PUBLIC_URL) must lead to it, as in production.
  const gateway = await startGateway(environment.env);
  services.push(gateway);
  origin = gateway.url;
  mailbox = await startMailbox();
  services.push(await startTestService(notificationsService, environment, { SMTP_URL: mailbox.smtpUrl, PUBLIC_URL: origin }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
  // axe is added as a script tag, which the console's Content-Security-Policy would refuse.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, locale: 'en-US' });
  context.setDefaultTimeout(UI_TIMEOUT);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const service of services.reverse()) await service.close();
  await mailbox?.close();
  await issuer?.close();
  await environment?.dispose();
});

describe('web console', () => {
  const email = `rep-${randomBytes(4).toString('hex')}@example.com`;

  it('sends a visitor to sign-in, and signs up a new workspace into the contacts list', async () => {
    await page.goto(`${origin}/contacts`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByRole('button', { name: 'Sign in with Google' }).waitFor();
    await screen('sign-in');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await type(page.getByLabel(label('Name')), 'Rita Rep');
    await type(page.getByLabel(label('Email')), email);
    await type(page.getByLabel(label('Password')), PASSWORD);
    await type(page.getByLabel(label('Workspace name')), 'Console Co');
    await screen('sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // A new workspace's owner lands on the role's dashboard.
    await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    for (const item of ['Contacts', 'Companies', 'Deals', 'Tasks', 'Tickets', 'Imports', 'Campaigns', 'Invoices', 'Reports', 'Settings']) {
      await nav.getByRole('link', { name: item }).waitFor();
    }
    await page.getByText('Nothing here yet.').waitFor();
    // The pointer rests on the active Contacts link it clicked: its hover shade is judged, light and dark.
    await screen('contacts-empty');
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await screen('contacts-empty-dark');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  }, 120_000);

  it('signs in with the OpenID provider offered on the sign-in page, into a workspace of one’s own', async () => {
    const person = `kate-${randomBytes(4).toString('hex')}@example.com`;
    issuer.signInAs({ sub: `google-${randomBytes(6).toString('hex')}`, email: person, name: 'Katherine Johnson' });
    // The console's own Content-Security-Policy applies here: no axe in this page.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(UI_TIMEOUT);
    try {
      const visitor = await context.newPage();
      await visitor.goto(`${origin}/sign-in`);
      // To the provider's authorization endpoint, which answers at once, back to the console's callback with an ID token.
      await visitor.getByRole('button', { name: 'Sign in with Google' }).click();
      await visitor.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
      await visitor.getByRole('button', { name: 'Katherine Johnson', exact: true }).waitFor();
      // The ID token does not stay in the address bar.
      expect(new URL(visitor.url()).hash).toBe('');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('invites a colleague, who accepts through the link of the invitation email and lands signed in', async () => {
    const invitee = `ivy-${randomBytes(4).toString('hex')}@example.com`;
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Members' }).click();
    await type(page.getByLabel(label('Email to invite')), invitee);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('status').getByText('Invitation sent.').waitFor();
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByRole('cell', { name: invitee, exact: true }).waitFor();
    await screen('settings-invite');

    // The email the invitee receives, read from the SMTP sink: its link is what they open.
    const [mail] = await mailbox.waitForMessages(1, { to: invitee, timeoutMs: 30_000 });
    expect(mail!.subject).toBe('Rita Rep invited you to Console Co on Kinship');
    const accept = linkIn(mail!.text, '/invitations/accept');
    expect(accept.origin).toBe(origin);
    expect(accept.searchParams.get('token')).toMatch(/.{20,}/);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, locale: 'en-US' });
    context.setDefaultTimeout(UI_TIMEOUT);
    try {
      const invited = await context.newPage();
      await invited.goto(accept.href);
      await invited.getByRole('heading', { name: 'Join your team' }).waitFor();
      await type(invited.getByLabel(label('Name')), 'Ivy Invitee');
      await type(invited.getByLabel(label('Password')), 'short');
      await invited.getByRole('button', { name: 'Join' }).click();
      // The API's refusal of the password, at the password.
      await invited.getByText(/must be at least 12 characters/).waitFor();
      await screen('invitation-accept', invited);
      await type(invited.getByLabel(label('Password')), PASSWORD);
      await invited.getByRole('button', { name: 'Join' }).click();
      await invited.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
      await invited.getByText('Figures: your own records').waitFor();
      await invited.getByRole('button', { name: 'Ivy Invitee', exact: true }).waitFor();

      // The link works once.
      await invited.goto(accept.href);
      await invited.getByRole('heading', { name: 'Join your team' }).waitFor();
    } finally {
      await context.close();
    }
    await page.reload();
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByRole('row').filter({ hasText: invitee }).getByRole('cell', { name: 'Ivy Invitee' }).waitFor();
    // Accepted, the invitation is no longer pending; another one, revoked, leaves the list too.
    const stray = `stray-${randomBytes(4).toString('hex')}@example.com`;
    await type(page.getByLabel(label('Email to invite')), stray);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await pending.getByRole('cell', { name: stray, exact: true }).waitFor();
    expect(await pending.getByRole('cell', { name: invitee, exact: true }).count()).toBe(0);
    await pending.getByRole('button', { name: `Revoke the invitation of ${stray}` }).click();
    await page.getByText('No invitation is waiting to be accepted.').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  }, 90_000);

  it('creates a contact and finds it by searching as one types', async () => {
    await page.getByRole('button', { name: 'New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await type(dialog.getByLabel(label('First name')), 'Ada');
    await type(dialog.getByLabel(label('Last name')), 'Lovelace');
    await type(dialog.getByLabel(label('Email')), 'ada@example.com');
    await screen('contact-new');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'New contact' }).click();
    await type(page.getByRole('dialog', { name: 'New contact' }).getByLabel(label('First name')), 'Grace');
    await type(page.getByRole('dialog', { name: 'New contact' }).getByLabel(label('Email')), 'grace@example.com');
    await page.getByRole('dialog', { name: 'New contact' }).getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Grace' }).waitFor();
    await page.goBack();

    await type(page.getByLabel(label('Search contacts')), 'lovel');
    await page.getByRole('cell', { name: 'ada@example.com' }).waitFor();
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor({ state: 'detached' });
    await screen('contacts-search');
  }, 60_000);

  it('edits a field inline, showing the API’s validation error at the field', async () => {
    await page.getByRole('cell', { name: 'ada@example.com' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    await page.getByRole('button', { name: 'Edit Email' }).click();
    await type(page.getByLabel(label('Email')), 'not-an-email');
    await page.getByLabel(label('Email')).press('Enter');
    const issue = page.getByText(/email must be an email/i);
    await issue.waitFor();
    await screen('contact-field-error');

    await type(page.getByLabel(label('Email')), 'ada.lovelace@example.com');
    await page.getByLabel(label('Email')).press('Enter');
    await page.getByRole('button', { name: 'Edit Email' }).getByText('ada.lovelace@example.com').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Edit Email' }).getByText('ada.lovelace@example.com').waitFor();
  }, 60_000);

  it('shows the role’s dashboard, each widget saying how fresh it is, nothing won yet', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    await page.getByText('Figures: the whole workspace').waitFor();
    const won = page.getByRole('region', { name: 'Won this month' });
    await won.getByText('Nothing in this period.').waitFor();
    await page.getByRole('region', { name: 'New contacts by month' }).getByRole('cell', { name: '2', exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-freshness]').count()).toBe(4);
    await screen('dashboard-before');
  }, 60_000);

  it('drags a deal across the board to won, the column totals following', async () => {
    // The six default stages side by side need a screen wider than 1280 px (narrower ones scroll).
    await page.setViewportSize({ width: 1800, height: 800 });
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Deals' }).click();
    await page.getByRole('button', { name: 'New deal' }).click();
    const dialog = page.getByRole('dialog', { name: 'New deal' });
    await type(dialog.getByLabel(label('Name')), 'Engines for Ada');
    await type(dialog.getByLabel(label('Amount')), '1250');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const card = page.locator('[data-deal="Engines for Ada"]');
    await card.waitFor();
    const won = page.getByRole('region', { name: 'won stage', exact: false }).first();
    const wonName = (await won.getAttribute('data-stage'))!;
    await screen('deals-board');

    const to = (await won.boundingBox())!;
    await dragCard(card, { x: to.x + to.width / 2, y: to.y + 80 }, `Engines for Ada is over ${wonName}`);
    await page.getByText(`Engines for Ada moved to ${wonName}`).waitFor();
    await won.locator('[data-deal="Engines for Ada"]').waitFor();
    await won
      .getByText(/\$1,250\.00/)
      .first()
      .waitFor();
    await page.reload();
    await page.locator(`[data-stage="${wonName}"] [data-deal="Engines for Ada"]`).waitFor();
  }, 60_000);

  it('asks why when a deal is dropped on lost', async () => {
    await page.getByRole('button', { name: 'New deal' }).click();
    const dialog = page.getByRole('dialog', { name: 'New deal' });
    await type(dialog.getByLabel(label('Name')), 'Difference engine');
    await type(dialog.getByLabel(label('Amount')), '99');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const card = page.locator('[data-deal="Difference engine"]');
    await card.waitFor();
    const lost = page.getByRole('region', { name: 'lost stage', exact: false }).first();
    const to = (await lost.boundingBox())!;
    await dragCard(card, { x: to.x + to.width / 2, y: to.y + 80 }, `Difference engine is over ${(await lost.getAttribute('data-stage'))!}`);
    const ask = page.getByRole('dialog', { name: 'Why was Difference engine lost?' });
    await type(ask.getByLabel(label('Lost reason')), 'Budget went to the analytical engine');
    await screen('deals-lost-reason');
    await ask.getByRole('button', { name: 'Mark as lost' }).click();
    await lost.locator('[data-deal="Difference engine"]').waitFor();
  }, 60_000);

  it('moves a deal to the next stage from the keyboard: Space, an arrow, Space', async () => {
    await page.getByRole('button', { name: 'New deal' }).click();
    const dialog = page.getByRole('dialog', { name: 'New deal' });
    await type(dialog.getByLabel(label('Name')), 'Analytical engine');
    await type(dialog.getByLabel(label('Amount')), '500');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const card = page.locator('[data-deal="Analytical engine"]');
    await card.waitFor();
    const columns = page.locator('[data-stage]');
    const [first, second] = [(await columns.nth(0).getAttribute('data-stage'))!, (await columns.nth(1).getAttribute('data-stage'))!];
    await page.locator(`[data-stage="${first}"] [data-deal="Analytical engine"]`).waitFor();

    await pickUp(card);
    // The live region says where the card is (its own stage at first), in names.
    await page.getByText(`Analytical engine is over ${first}`).waitFor({ state: 'attached' });
    await page.keyboard.press('ArrowRight');
    await page.getByText(`Analytical engine is over ${second}`).waitFor({ state: 'attached' });
    await page.keyboard.press('Space');
    await page.getByText(`Analytical engine moved to ${second}`).waitFor();
    await page.locator(`[data-stage="${second}"] [data-deal="Analytical engine"]`).waitFor();
    await page.reload();
    await page.locator(`[data-stage="${second}"] [data-deal="Analytical engine"]`).waitFor();
    // Deleted again: the reports below count the two deals above and no open one.
    const { data: listed } = (await asOwner(email, 'GET', '/deals?limit=100')) as { data: Array<{ id: string; name: string }> };
    await asOwner(email, 'DELETE', `/deals/${listed.find((deal) => deal.name === 'Analytical engine')!.id}`);
  }, 60_000);

  it('reorders a stage: a card dropped between two others, one moved up from the keyboard, both kept after a reload', async () => {
    const created: string[] = [];
    // Without a stage, in the first: the newest first.
    for (const name of ['Gear train', 'Mill', 'Store'])
      created.push(((await asOwner(email, 'POST', '/deals', { name, amount: 100, currency: 'USD' })) as { id: string }).id);
    try {
      await page.reload();
      const first = (await page.locator('[data-stage]').first().getAttribute('data-stage'))!;
      const column = page.locator(`[data-stage="${first}"]`);
      const order = async () => Promise.all((await column.locator('[data-deal]').all()).map((card) => card.getAttribute('data-deal')));
      await column.locator('[data-deal="Gear train"]').waitFor();
      expect(await order()).toEqual(['Store', 'Mill', 'Gear train']);

      // Gear train dropped on the upper half of Mill: between Store and Mill.
      const mill = (await column.locator('[data-deal="Mill"]').boundingBox())!;
      await dragCard(
        column.locator('[data-deal="Gear train"]'),
        { x: mill.x + mill.width / 2, y: mill.y + mill.height / 2 - 15 },
        `Gear train is over ${first}, above Mill`,
      );
      await page.getByText(`Gear train moved to ${first}`).waitFor();
      expect(await order()).toEqual(['Store', 'Gear train', 'Mill']);

      // Mill one place up from the keyboard: Space, ↑, Space.
      await pickUp(column.locator('[data-deal="Mill"]'));
      await page.keyboard.press('ArrowUp');
      await page.getByText(`Mill is over ${first}, above Gear train`).waitFor({ state: 'attached' });
      await page.keyboard.press('Space');
      await page.getByText(`Mill moved to ${first}`).waitFor();
      expect(await order()).toEqual(['Store', 'Mill', 'Gear train']);

      await page.reload();
      await column.locator('[data-deal="Gear train"]').waitFor();
      expect(await order()).toEqual(['Store', 'Mill', 'Gear train']);
    } finally {
      // Deleted again, as above, also when a step failed: the reports further on count the deals.
      for (const id of created) await asOwner(email, 'DELETE', `/deals/${id}`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }, 60_000);

  it('lists the deals as a table, filtered by status, and hands two of them to a colleague at once', async () => {
    // A toast still fading out (the lost deal's) is half transparent, which axe reads as low contrast.
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
    await page.getByText('Table', { exact: true }).click();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await row('Difference engine').waitFor();
    // Its stage and its status.
    await row('Engines for Ada').getByRole('cell', { name: 'Won', exact: true }).first().waitFor();
    await screen('deals-table');

    const status = page.getByRole('combobox', { name: 'Status' });
    // The multi-select's pills box lies over its input: a click lands on the box, as a user's does.
    await status.click({ force: true });
    await page.getByRole('option', { name: 'Won' }).click();
    await row('Difference engine').waitFor({ state: 'detached' });
    await row('Engines for Ada').waitFor();
    await page.keyboard.press('Escape');
    // Backspace in the empty input takes the last status chosen off.
    await status.press('Backspace');
    await row('Difference engine').waitFor();

    for (const name of ['Engines for Ada', 'Difference engine']) await row(name).getByLabel('Select row').check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Change owner' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the owner of 2 deals' });
    await dialog.getByLabel(label('New owner')).click();
    await page.getByRole('option', { name: /^Ivy Invitee/ }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Done for 2').first().waitFor();
    for (const name of ['Engines for Ada', 'Difference engine']) await row(name).getByRole('cell', { name: 'Ivy Invitee' }).waitFor();

    const users = (await asOwner(email, 'GET', '/users')) as { data: Array<{ id: string; name: string }> };
    const ivy = users.data.find((user) => user.name === 'Ivy Invitee')!;
    const deals = (await asOwner(email, 'GET', `/deals?ownerId=${ivy.id}`)) as { data: Array<{ name: string }> };
    expect(deals.data.map((deal) => deal.name).sort()).toEqual(['Difference engine', 'Engines for Ada']);

    // Handed back: the reports further on count these deals as the owner's.
    for (const name of ['Engines for Ada', 'Difference engine']) await row(name).getByLabel('Select row').check();
    await page.getByRole('button', { name: 'Change owner' }).click();
    await dialog.getByLabel(label('New owner')).click();
    await page.getByRole('option', { name: /^Rita Rep/ }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    for (const name of ['Engines for Ada', 'Difference engine']) await row(name).getByRole('cell', { name: 'Rita Rep' }).waitFor();
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
  }, 60_000);

  it('sees the dashboard move: the deal won this month counts there', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
    const won = page.getByRole('region', { name: 'Won this month' });
    // The read models apply deal.won a moment later; the open dashboard asks again every 10 s.
    await won.getByRole('cell', { name: '$1,250.00' }).waitFor({ timeout: 45_000 });
    await won.getByText(/^(Up to date|\d+ s behind) · as of /).waitFor();
    await screen('dashboard');
  }, 60_000);

  it('finds records from anywhere with Ctrl+K', async () => {
    // A toast still fading out (the lost deal's) is half transparent, which axe reads as low contrast.
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Go to' });
    await type(palette.getByLabel(label('Search contacts, companies and deals')), 'Ada');
    await palette.getByRole('option').filter({ hasText: 'Ada Lovelace' }).waitFor();
    await screen('command-palette');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
  }, 60_000);

  it('opens a ticket, keeps an internal note apart from the reply, and lists it', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('heading', { name: 'Tickets', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'New ticket' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.locator('input[aria-invalid="true"]').waitFor();
    expect(await dialog.getByLabel(label('Subject')).getAttribute('aria-invalid')).toBe('true');
    await type(dialog.getByLabel(label('Subject')), 'Cannot download my invoice');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Cannot download my invoice' }).waitFor();

    await type(page.getByLabel(label('New comment')), 'The PDF link points at the old host.');
    await page.getByLabel('Internal note (the customer never sees it)').check();
    await page.getByRole('button', { name: 'Add internal note' }).click();
    await page.locator('[data-comment="internal"]').filter({ hasText: 'The PDF link points at the old host.' }).waitFor();
    await page.getByLabel('Internal note (the customer never sees it)').uncheck();
    await type(page.getByLabel(label('New comment')), 'A fixed link is on its way.');
    await page.getByRole('button', { name: 'Reply' }).click();
    await page.locator('[data-comment="public"]').filter({ hasText: 'A fixed link is on its way.' }).waitFor();

    // Urgent tickets get deadlines: raised to urgent, the ticket's clocks start.
    await asOwner(email, 'PUT', '/sla-policies/urgent', { firstResponseMinutes: 60, resolutionMinutes: 480 });
    await page.getByRole('combobox', { name: 'Priority', exact: true }).click();
    await page.getByRole('option', { name: 'urgent' }).click();
    await page.locator('[data-clock="resolution"][data-state="running"]').waitFor();

    // The subject edited in place, an empty one refused at its input.
    await page.getByRole('button', { name: 'Edit Subject: Cannot download my invoice' }).click();
    await page.getByLabel(label('Subject')).fill('');
    await page.getByLabel(label('Subject')).press('Enter');
    await page.getByText(/subject should not be empty/i).waitFor();
    await type(page.getByLabel(label('Subject')), 'Cannot download my March invoice');
    await page.getByLabel(label('Subject')).press('Enter');
    await page.getByRole('heading', { name: 'Cannot download my March invoice' }).waitFor();

    await page.getByRole('button', { name: /^Edit Tags \(comma-separated\)/ }).click();
    await type(page.getByLabel(label('Tags \\(comma-separated\\)')), 'billing, march');
    await page.getByLabel(label('Tags \\(comma-separated\\)')).press('Enter');
    await page.getByRole('button', { name: 'Edit Tags (comma-separated): billing, march' }).waitFor();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('button', { name: 'Assign to me' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('combobox', { name: 'Assignee' }).inputValue()).toBe('Rita Rep');

    // A duplicate the customer opened by email: merged here, its message joins the conversation.
    const duplicate = (await asOwner(email, 'POST', '/tickets', { subject: 'Invoice PDF broken', tags: ['pdf'] })) as { id: string };
    await asOwner(email, 'POST', `/tickets/${duplicate.id}/comments`, { body: 'The PDF link says 404.', author: 'customer' });
    await type(page.getByRole('combobox', { name: 'Duplicate ticket' }), 'Invoice PDF');
    await page.getByRole('option', { name: /Invoice PDF broken/ }).click();
    await page.getByRole('button', { name: 'Merge' }).click();
    const confirm = page.getByRole('dialog', { name: /^Merge #T-\d+ Invoice PDF broken into #T-\d+\?$/ });
    await confirm.getByRole('button', { name: 'Merge' }).click();
    await page.getByText('Ticket merged').waitFor();
    await page.locator('[data-comment="public"]').filter({ hasText: 'The PDF link says 404.' }).waitFor();
    await page.getByRole('button', { name: 'Edit Tags (comma-separated): billing, march, pdf' }).waitFor();
    await screen('ticket');

    await page.getByRole('link', { name: '← Tickets' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Cannot download my March invoice' });
    await row.getByRole('cell', { name: 'Rita Rep' }).waitFor();
    await row.locator('[data-sla="running"]').waitFor();
    // The merged duplicate is closed and deleted: no longer listed.
    expect(await page.getByRole('cell', { name: 'Invoice PDF broken' }).count()).toBe(0);
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached' });
    await screen('tickets');
  }, 90_000);

  it('brings the won deal to the notification bell, and marks all read', async () => {
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    // deal.won reaches the notifications service over NATS; the open panel asks again every 5 s.
    await panel.locator('[data-unread="true"]').filter({ hasText: 'Deal won: Engines for Ada' }).waitFor();
    await page.getByRole('button', { name: /^Notifications \(\d+ unread\)$/ }).waitFor();
    await screen('notifications');
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    expect(await panel.locator('[data-unread="true"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
  }, 60_000);

  it('follows the won deal from the bell to its page: an inline error, a contact, a file, then its invoice, listed back on the deal', async () => {
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByText('Deal won: Engines for Ada').click();
    await page.getByRole('heading', { name: 'Engines for Ada' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/deals\/[0-9a-f-]{36}$/);

    await page.getByRole('button', { name: /^Edit Name/ }).click();
    await page.getByLabel(label('Name')).fill('');
    await page.getByLabel(label('Name')).press('Enter');
    await page.getByText(/name should not be empty/i).waitFor();
    await page.getByLabel(label('Name')).press('Escape');

    await type(page.getByRole('combobox', { name: 'Contacts' }), 'Ada');
    await page.getByRole('option', { name: 'Ada Lovelace' }).click();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await page.keyboard.press('Escape');

    await page.locator('input[type="file"]').setInputFiles({ name: 'engine-plan.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-file="engine-plan.png"]').waitFor();
    await page.getByRole('img', { name: 'engine-plan.png' }).waitFor();
    // A PDF is previewed inside the page, framed from the bytes fetched with the token.
    await page.locator('input[type="file"]').setInputFiles({ name: 'engine-spec.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Preview engine-spec.pdf' }).click();
    expect(await page.getByTitle('Preview of engine-spec.pdf').getAttribute('src')).toMatch(/^blob:/);
    await page.getByRole('button', { name: 'Hide the preview of engine-spec.pdf' }).click();
    await screen('deal');

    // Billed to Ada, the deal's contact: one line of its amount, priced again live as it is edited.
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await page.getByRole('heading', { name: 'Draft invoice' }).waitFor();
    const total = page.locator('[data-amount="Total"]');
    await total.getByText('$1,250.00').waitFor();
    await type(page.getByLabel('Line 1 quantity'), '1.23456');
    await page.getByText('More than 0, at most 4 decimals.').waitFor();
    await type(page.getByLabel('Line 1 quantity'), '1.5');
    await total.getByText('$1,875.00').waitFor();
    const saved = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().includes('/api/v1/invoices/'));
    await page.getByRole('button', { name: 'Save lines' }).click();
    expect((await saved).status()).toBe(200);
    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.getByRole('heading', { name: /^INV-\d{4}-\d+$/ }).waitFor();

    await type(page.getByLabel(label('Amount')), '1000');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.locator('[data-amount="Amount due"]').getByText('$875.00').waitFor();
    await screen('invoice');
    await page.getByRole('button', { name: 'PDF' }).click();
    expect(await page.getByTitle('Invoice PDF').getAttribute('src')).toMatch(/^blob:/);
    // This page bypasses the console's CSP (for axe); in a fresh session under it, the frame loads.
    const { refreshToken } = (await (
      await fetch(`${origin}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      })
    ).json()) as { refreshToken: string };
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    context.setDefaultTimeout(UI_TIMEOUT);
    try {
      await context.addInitScript(
        (token) =>
          (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('kinship.refreshToken', token),
        refreshToken,
      );
      const viewer = await context.newPage();
      await viewer.goto(page.url());
      await viewer.getByRole('button', { name: 'PDF' }).click();
      // A frame the CSP refuses shows Chromium's error page, of another origin: no document to read.
      await viewer.waitForFunction(() => {
        const { document } = globalThis as unknown as { document: { querySelector(selector: string): { contentDocument: { URL: string } | null } | null } };
        return document.querySelector('iframe[title="Invoice PDF"]')?.contentDocument?.URL.startsWith('blob:') === true;
      });
    } finally {
      await context.close();
    }

    // Back on the deal: the invoice that bills it, with its total and status.
    await page.goBack();
    await page.getByRole('heading', { name: 'Engines for Ada' }).waitFor();
    const billed = page.locator('[data-invoice^="INV-"]');
    await billed.getByText('$1,875.00').waitFor();
    await billed.getByText('open', { exact: true }).waitFor();
  }, 90_000);

  it('opens a company from its list onto its page, edited inline', async () => {
    await page.goto(`${origin}/companies`);
    await page.getByRole('button', { name: 'New company' }).click();
    const dialog = page.getByRole('dialog', { name: 'New company' });
    await type(dialog.getByLabel(label('Name')), 'Analytical Engines Ltd');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Analytical Engines Ltd' }).click();
    await page.getByRole('heading', { name: 'Analytical Engines Ltd' }).waitFor();
    await page.getByRole('button', { name: /^Edit Domain/ }).click();
    await type(page.getByLabel(label('Domain')), 'analytical.example');
    await page.getByLabel(label('Domain')).press('Enter');
    await page
      .getByRole('button', { name: /^Edit Domain/ })
      .getByText('analytical.example')
      .waitFor();
    await screen('company');
  }, 60_000);

  it('shows custom fields on the contact page, edited by type with the API’s issue at the field', async () => {
    await asOwner(email, 'POST', '/custom-fields', { entity: 'contact', key: 'seats', label: 'Seats', type: 'number' });
    await asOwner(email, 'POST', '/custom-fields', { entity: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    await page.goto(`${origin}/contacts`);
    await page.getByRole('cell', { name: 'ada.lovelace@example.com' }).click();
    await page.getByRole('heading', { name: 'Custom fields' }).waitFor();

    await page.getByRole('button', { name: /^Edit Seats/ }).click();
    await type(page.getByLabel(label('Seats')), 'a dozen');
    await page.getByLabel(label('Seats')).press('Enter');
    await page.getByText('must be a number').waitFor();
    await type(page.getByLabel(label('Seats')), '12');
    await page.getByLabel(label('Seats')).press('Enter');
    await page.getByRole('button', { name: 'Edit Seats: 12' }).waitFor();

    await page.getByRole('button', { name: /^Edit Tier/ }).click();
    await page.getByRole('combobox', { name: 'Tier' }).click();
    await page.getByRole('option', { name: 'gold' }).click();
    await page.locator('[data-field="tier"]').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit Tier: gold' }).waitFor();
    await screen('contact-custom-fields');
    await page.reload();
    await page.getByRole('button', { name: 'Edit Seats: 12' }).waitFor();
  }, 60_000);

  it('tags the selected contacts and adds them to a static segment in bulk', async () => {
    const segment = (await asOwner(email, 'POST', '/segments', { name: 'Engine buyers', kind: 'static' })) as { id: string };
    await page.goto(`${origin}/contacts`);
    for (const address of ['ada.lovelace@example.com', 'grace@example.com']) {
      await page.getByRole('row').filter({ hasText: address }).getByLabel('Select row').check();
    }
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Add tags' }).click();
    const tagDialog = page.getByRole('dialog', { name: 'Add tags to 2 contacts' });
    await type(tagDialog.getByLabel(label('Tags')), 'engines');
    await tagDialog.getByLabel(label('Tags')).press('Enter');
    await screen('contacts-bulk-tag');
    await tagDialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Done for 2').first().waitFor();
    await page.getByRole('row').filter({ hasText: 'grace@example.com' }).getByRole('cell', { name: 'engines' }).waitFor();

    for (const address of ['ada.lovelace@example.com', 'grace@example.com']) {
      await page.getByRole('row').filter({ hasText: address }).getByLabel('Select row').check();
    }
    await page.getByRole('button', { name: 'Add to segment' }).click();
    const segmentDialog = page.getByRole('dialog', { name: 'Add 2 contacts to a segment' });
    await segmentDialog.getByLabel(label('Static segment')).click();
    await page.getByRole('option', { name: 'Engine buyers' }).click();
    await segmentDialog.getByRole('button', { name: 'Save' }).click();
    await segmentDialog.waitFor({ state: 'hidden' });
    expect(await asOwner(email, 'GET', `/segments/${segment.id}/count`)).toEqual({ count: 2 });
  }, 60_000);

  it('saves the contacts list as a view, hides a column in it, finds it kept after a reload and switches back', async () => {
    const phoneHeader = page.getByRole('columnheader', { name: 'Phone' });
    await phoneHeader.waitFor();
    await page.getByRole('button', { name: 'View: Standard view' }).click();
    await page.getByRole('menuitem', { name: 'Save as new view…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as new view' });
    await type(dialog.getByLabel(label('View name')), 'Without phones');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'View: Without phones' }).waitFor();
    await page.getByRole('button', { name: 'Columns' }).click();
    const saved = page.waitForResponse((response) => response.url().includes('/api/v1/views/') && response.request().method() === 'PATCH');
    // A click, not uncheck(): the box shows the view in the query cache, which takes the change a tick
    // after the click, and uncheck() reads the box at once.
    await page.getByRole('checkbox', { name: 'Phone' }).click();
    expect((await saved).status()).toBe(200);
    expect(await page.getByRole('checkbox', { name: 'Phone' }).isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByRole('button', { name: 'View: Without phones' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor();
    expect(await phoneHeader.count()).toBe(0);
    await screen('contacts-saved-view');
    await page.getByRole('button', { name: 'View: Without phones' }).click();
    await page.getByRole('menuitem', { name: 'Standard view' }).click();
    await phoneHeader.waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('standard');
  }, 60_000);

  it('opens a view saved through the API with its owner applied and shown, and narrows the companies by domain', async () => {
    const users = (await asOwner(email, 'GET', '/users')) as { data: Array<{ id: string; name: string }> };
    const ivy = users.data.find((user) => user.name === 'Ivy Invitee')!;
    const rita = users.data.find((user) => user.name === 'Rita Rep')!;
    const [ada] = ((await asOwner(email, 'GET', '/contacts?q=ada')) as { data: Array<{ id: string }> }).data;
    await asOwner(email, 'PATCH', `/contacts/${ada!.id}`, { ownerId: ivy.id });
    const view = (await asOwner(email, 'POST', '/views', {
      entity: 'contacts',
      name: 'Ivy’s contacts',
      columns: ['lastName', 'email'],
      filters: { ownerId: [ivy.id] },
    })) as {
      id: string;
    };
    await page.goto(`${origin}/contacts?view=${view.id}`);
    await page.getByRole('button', { name: 'View: Ivy’s contacts' }).waitFor();
    await page.locator('.mantine-MultiSelect-pill').filter({ hasText: 'Ivy Invitee' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'ada.lovelace@example.com' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor({ state: 'detached' });
    await screen('contacts-view-owner');
    await asOwner(email, 'PATCH', `/contacts/${ada!.id}`, { ownerId: rita.id });
    await asOwner(email, 'DELETE', `/views/${view.id}`);

    const other = (await asOwner(email, 'POST', '/companies', { name: 'Babbage Brothers', domain: 'babbage.example' })) as { id: string };
    await page.goto(`${origin}/companies`);
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await row('Babbage Brothers').waitFor();
    await type(page.getByLabel(label('Domain')), 'https://www.Analytical.example');
    await row('Babbage Brothers').waitFor({ state: 'detached' });
    await row('Analytical Engines Ltd').waitFor();
    await asOwner(email, 'DELETE', `/companies/${other.id}`);
  }, 60_000);

  it('opens a view carrying a custom field condition with it shown in its typed input, and keeps a filter picked in the URL over a reload', async () => {
    const view = (await asOwner(email, 'POST', '/views', {
      entity: 'contacts',
      name: 'Gold tier',
      columns: ['lastName', 'email'],
      filters: { customFields: { tier: 'gold' } },
    })) as { id: string };
    await page.goto(`${origin}/contacts?view=${view.id}`);
    await page.getByRole('button', { name: 'View: Gold tier' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'ada.lovelace@example.com' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('combobox', { name: 'Tier' }).inputValue()).toBe('gold');
    await screen('contacts-view-custom-field');
    await asOwner(email, 'DELETE', `/views/${view.id}`);

    await page.goto(`${origin}/contacts?view=standard`);
    await page.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor();
    await page.getByRole('button', { name: 'More filters' }).click();
    await page.getByRole('combobox', { name: 'Tier' }).click();
    await page.getByRole('option', { name: 'gold' }).click();
    await page.getByRole('row').filter({ hasText: 'grace@example.com' }).waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'ada.lovelace@example.com' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Tier' }).inputValue()).toBe('gold');
    expect(await page.getByRole('row').filter({ hasText: 'grace@example.com' }).count()).toBe(0);
    expect(JSON.parse(new URL(page.url()).searchParams.get('filters')!)).toEqual({ customFields: { tier: 'gold' } });
  }, 60_000);

  it('compares duplicate contacts side by side and merges them', async () => {
    const company = (await asOwner(email, 'POST', '/companies', { name: 'Difference Engines' })) as { id: string };
    await asOwner(email, 'POST', '/contacts', { firstName: 'Charles', lastName: 'Babbage', companyId: company.id, tags: ['inventor'] });
    await asOwner(email, 'POST', '/contacts', { firstName: 'Charles', lastName: 'Babbage', companyId: company.id, jobTitle: 'Mathematician' });
    await page.goto(`${origin}/contacts`);
    await page.getByRole('link', { name: 'Duplicates' }).click();
    const group = page.locator('[data-duplicates="name_company"]');
    await group.getByRole('heading', { name: /Same name at the same company/ }).waitFor();
    // The kept contact has no job title: the merge fills it from the other.
    await group
      .getByRole('row', { name: /Job title/ })
      .getByRole('cell', { name: 'Mathematician' })
      .nth(1)
      .waitFor();
    await screen('duplicates');
    await group.getByRole('button', { name: 'Merge Charles Babbage into Charles Babbage' }).click();
    await page.getByRole('heading', { name: 'Charles Babbage' }).waitFor();
    await page.getByRole('button', { name: 'Edit Job title: Mathematician' }).waitFor();
    await page.goto(`${origin}/contacts/duplicates`);
    await page.getByText('No duplicate contacts.').waitFor();
  }, 60_000);

  it('finds a custom object in the navigation, creates, searches and edits its records by field type', async () => {
    await asOwner(email, 'POST', '/objects', {
      key: 'property',
      singularLabel: 'Property',
      pluralLabel: 'Properties',
      fields: [
        { key: 'street', label: 'Street', type: 'text', required: true, searchable: true },
        { key: 'rooms', label: 'Rooms', type: 'number' },
        { key: 'price', label: 'Price', type: 'currency' },
        { key: 'kind', label: 'Kind', type: 'select', options: ['flat', 'house'] },
      ],
    });
    await page.goto(`${origin}/objects`);
    await page.getByRole('heading', { name: 'Objects', exact: true }).waitFor();
    await page.getByRole('cell', { name: /street.*rooms/i }).waitFor();
    await screen('objects');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Properties' }).click();
    await page.getByRole('heading', { name: 'Properties' }).waitFor();
    await page.getByText('Nothing here yet.').waitFor();

    await page.getByRole('button', { name: 'New Property' }).click();
    const dialog = page.getByRole('dialog', { name: 'New Property' });
    await type(dialog.getByLabel(label('Rooms')), '4');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('is required').waitFor();
    expect(await dialog.getByLabel(label('Street')).getAttribute('aria-invalid')).toBe('true');
    await type(dialog.getByLabel(label('Street')), '12 Analytical Row');
    await type(dialog.getByLabel(label('Price amount')), '350000');
    await type(dialog.getByLabel(label('Price currency')), 'EUR');
    await screen('object-record-new');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: '12 Analytical Row' }).waitFor();
    await page.getByRole('button', { name: 'Edit Price: €350,000.00' }).waitFor();

    await page.getByRole('button', { name: /^Edit Rooms/ }).click();
    await type(page.getByLabel(label('Rooms')), 'many');
    await page.getByLabel(label('Rooms')).press('Enter');
    await page.getByText('must be a number').waitFor();
    await screen('object-record-error');
    await type(page.getByLabel(label('Rooms')), '5');
    await page.getByLabel(label('Rooms')).press('Enter');
    await page.getByRole('button', { name: 'Edit Rooms: 5' }).waitFor();
    await screen('object-record');
    // The record keeps its own notes, tasks and files, as a contact does, and its timeline shows them.
    await type(page.getByLabel(label('New note')), 'Viewing booked for Monday');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('[data-comment]').getByText('Viewing booked for Monday').waitFor();
    await type(page.getByLabel(label('New task')), 'Send the floor plan');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Send the floor plan', { exact: true }).waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: 'floor-plan.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-file="floor-plan.png"]').waitFor();
    await page.reload();
    for (const kind of ['note', 'task created', 'file attached']) await page.getByText(kind, { exact: true }).first().waitFor();
    await screen('object-record-activity');

    await page.getByRole('link', { name: '← Properties' }).click();
    await page.getByRole('cell', { name: '12 Analytical Row' }).waitFor();
    await type(page.getByLabel(label('Search Properties')), 'nothing-like-it');
    await page.getByText('Nothing matches “nothing-like-it”.').waitFor();
    await type(page.getByLabel(label('Search Properties')), 'analyt');
    await page.getByRole('cell', { name: '12 Analytical Row' }).waitFor();
    await screen('object-records');
  }, 90_000);

  it('edits the pipeline: a stage added with the API’s error at its probability, dragged into place, saved', async () => {
    await page.goto(`${origin}/deals`);
    await page.getByRole('link', { name: 'Edit pipeline' }).click();
    await page.getByRole('heading', { name: 'Pipeline editor' }).waitFor();
    const probabilityOf = (position: number) => label(String.raw`Stage ${position} probability \(%\)`);
    await page.getByRole('button', { name: 'Add stage' }).click();
    await type(page.getByLabel(label('Stage 7 name')), 'Demo');
    await type(page.getByLabel(probabilityOf(7)), '150');
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByText(/greater than 100/).waitFor();
    expect(await page.getByLabel(probabilityOf(7)).getAttribute('aria-invalid')).toBe('true');
    await screen('pipeline-editor-error');
    await type(page.getByLabel(probabilityOf(7)), '40');

    // Dragged by its handle onto the won stage's place (dnd-kit sortable, closest center).
    const from = (await page.getByRole('button', { name: 'Move stage 7, Demo' }).boundingBox())!;
    const to = (await page.getByRole('button', { name: 'Move stage 5, Won' }).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 - 10, { steps: 3 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Move stage 5, Demo' }).waitFor();
    await page.getByRole('button', { name: 'Save pipeline' }).click();
    await page.getByText('Sales pipeline saved').waitFor();
    await page.reload();
    expect(await page.getByLabel(label('Stage 5 name')).inputValue()).toBe('Demo');
    expect(await page.getByLabel(probabilityOf(5)).inputValue()).toBe('40');
    await screen('pipeline-editor');
  }, 60_000);

  it('shows each standard report with its chart, refuses a bad period at its field, and exports', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', exact: true }).waitFor();
    const tabs = page.getByRole('tablist', { name: 'Report' });
    for (const [tab, shows] of [
      ['Pipeline', 'No open deals yet.'],
      ['Forecast', null],
      ['Win rate', 'Win rate: 50%'],
      ['Funnel', null],
      ['Activity', null],
      ['Acquisition', null],
      ['Velocity', null],
    ] as const) {
      await tabs.getByRole('tab', { name: tab }).click();
      const report = page.getByRole('region', { name: tab });
      await report.waitFor();
      if (shows) await report.getByText(shows, { exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await screen(`report-${tab.toLowerCase().replace(' ', '-')}`);
    }

    // Narrowed to one owner: the colleague has closed no deal, the owner won one and lost one; the activity report names its users.
    const pickOwner = async (name: string) => {
      await page.getByRole('combobox', { name: 'Owner', exact: true }).click();
      await page.getByRole('option', { name, exact: true }).click();
    };
    await tabs.getByRole('tab', { name: 'Win rate' }).click();
    await pickOwner('Ivy Invitee');
    await page.getByRole('region', { name: 'Win rate' }).getByText('Win rate: —', { exact: true }).waitFor();
    await pickOwner('Rita Rep');
    await page.getByRole('region', { name: 'Win rate' }).getByText('Win rate: 50%', { exact: true }).waitFor();
    await tabs.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('region', { name: 'Activity' }).getByRole('cell', { name: 'Rita Rep', exact: true }).waitFor();
    await screen('report-activity-owner');

    // The invoice paid above reaches the revenue report through the read models: reload until it has.
    await tabs.getByRole('tab', { name: 'Revenue' }).click();
    const paid = page.getByRole('region', { name: 'Revenue' }).getByRole('cell', { name: '$1,000.00', exact: true });
    for (let deadline = Date.now() + 45_000; !(await paid.isVisible());) {
      if (Date.now() > deadline) throw new Error('the paid invoice never reached the revenue report');
      await page.waitForTimeout(2_000);
      await page.reload();
      await page.getByRole('region', { name: 'Revenue' }).waitFor();
    }
    await screen('report-revenue');

    const csv = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await csv;
    expect(file.suggestedFilename()).toBe('revenue.csv');
    expect(readFileSync((await file.path())!, 'utf8')).toMatch(/paid/i);

    await page.getByLabel(label('From')).fill('2026-12-31');
    await page.getByLabel(label('To')).fill('2026-01-01');
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel(label('From')).getAttribute('aria-invalid')).toBe('true');
    await screen('report-period-refused');
  }, 120_000);

  it('builds a custom report: the API’s refusal at its measure, then a table by currency, saved on a schedule', async () => {
    await page.getByRole('link', { name: 'Custom reports' }).click();
    await page.getByRole('heading', { name: 'Custom reports', exact: true }).waitFor();
    const pick = async (field: string, option: string) => {
      await page.getByRole('combobox', { name: field, exact: true }).click();
      await page.getByRole('option', { name: option, exact: true }).click();
    };
    await page.getByRole('button', { name: 'Add measure' }).click();
    await pick('Measure 2', 'sum');
    await pick('Measure 2 field', 'amount');
    await page.getByRole('button', { name: 'Run report' }).click();
    await page.getByText(/amounts are per currency/).waitFor();
    expect(await page.getByRole('combobox', { name: 'Measure 2 field', exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screen('custom-report-refused');

    await page.getByRole('button', { name: 'Add dimension' }).click();
    await pick('Dimension 1', 'currency');
    await page.getByRole('button', { name: 'Run report' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.getByRole('cell', { name: '$1,349.00', exact: true }).waitFor();

    await type(page.getByLabel(label('Report name')), 'Deals by currency');
    await pick('Email it', 'Weekly (Mondays, 07:00 UTC)');
    // Emailed to oneself at first; without any recipient the API's refusal lands at the picker.
    const recipients = page.getByLabel(label('Recipients')).and(page.locator('input'));
    await page.locator('.mantine-Pill-root', { hasText: 'Rita Rep' }).waitFor();
    await recipients.press('Backspace');
    await page.locator('.mantine-Pill-root', { hasText: 'Rita Rep' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save report' }).click();
    await page.getByText(/must contain at least 1 elements/).waitFor();
    expect(await recipients.getAttribute('aria-invalid')).toBe('true');
    await recipients.click();
    await page.getByRole('option', { name: 'Ivy Invitee', exact: true }).click();
    await page.getByRole('option', { name: 'Rita Rep', exact: true }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save report' }).click();
    const saved = page.getByRole('region', { name: 'Saved reports' });
    await saved.getByRole('link', { name: 'Deals by currency' }).waitFor();
    await saved.getByText(/^Weekly \(Mondays, 07:00 UTC\); next .*, to Ivy Invitee, Rita Rep$/).waitFor();
    expect(new URL(page.url()).searchParams.get('saved')).toMatch(/^[0-9a-f-]{36}$/);
    await screen('custom-report');

    // Grouped by owner, the rows name the members instead of their ids (not saved).
    await page.getByRole('button', { name: 'Remove measure 2' }).click();
    await pick('Dimension 1', 'ownerId');
    await page.getByRole('button', { name: 'Run report' }).click();
    await result.getByRole('cell', { name: 'Rita Rep', exact: true }).waitFor();
    await screen('custom-report-owners');
  }, 90_000);

  it('makes a custom dashboard of the saved report, renames it and deletes it', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('link', { name: 'Custom dashboards' }).click();
    await page.getByRole('heading', { name: 'Custom dashboards', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New dashboard' }).click();
    const form = page.getByRole('region', { name: 'New dashboard' });
    await type(form.getByLabel(label('Name')), 'Sales desk');
    // The label names the input and Mantine's list of options alike: the input is the one to click.
    await form.getByLabel(label('Saved reports shown')).and(form.locator('input')).click();
    await page.getByRole('option', { name: 'Deals by currency' }).click();
    await page.keyboard.press('Escape');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Sales desk', exact: true }).waitFor();
    await page.getByRole('region', { name: 'Deals by currency' }).getByRole('cell', { name: '$1,349.00', exact: true }).waitFor();
    await screen('custom-dashboard');

    await page.getByRole('button', { name: 'Edit dashboard' }).click();
    await type(page.getByRole('region', { name: 'Edit dashboard' }).getByLabel(label('Name')), 'Sales desk weekly');
    await page.getByRole('region', { name: 'Edit dashboard' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Sales desk weekly', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete dashboard' }).click();
    await page.getByRole('heading', { name: 'Custom dashboards', exact: true }).waitFor();
    await page.getByText('Nothing here yet.').waitFor();
  }, 60_000);

  it('builds a custom report over a custom object’s records: its amounts summed per currency, saved on a schedule', async () => {
    await asOwner(email, 'POST', '/objects', {
      key: 'lease',
      singularLabel: 'Lease',
      pluralLabel: 'Leases',
      fields: [
        { key: 'tenant', label: 'Tenant', type: 'text', required: true },
        { key: 'rent', label: 'Rent', type: 'currency' },
      ],
    });
    await asOwner(email, 'POST', '/objects/lease/records', { values: { tenant: 'Ada', rent: { amount: 120_000, currency: 'EUR' } } });
    await asOwner(email, 'POST', '/objects/lease/records', { values: { tenant: 'Grace', rent: { amount: 30_050, currency: 'EUR' } } });
    await page.goto(`${origin}/reports/custom`);
    await page.getByRole('heading', { name: 'Custom reports', exact: true }).waitFor();
    const pick = async (field: string, option: string) => {
      await page.getByRole('combobox', { name: field, exact: true }).click();
      await page.getByRole('option', { name: option, exact: true }).click();
    };
    await pick('Records', 'Leases');
    await page.getByRole('button', { name: 'Add measure' }).click();
    await pick('Measure 2', 'sum');
    await pick('Measure 2 field', 'Rent');
    await page.getByRole('button', { name: 'Add dimension' }).click();
    await pick('Dimension 1', 'Rent currency');
    // The records reach the read model through the events: run again until they have.
    const total = page.getByRole('region', { name: 'Result' }).getByRole('cell', { name: '€1,500.50', exact: true });
    for (let deadline = Date.now() + 30_000; !(await total.isVisible());) {
      if (Date.now() > deadline) throw new Error('the leases never reached the report');
      await page.getByRole('button', { name: 'Run report' }).click();
      await page.waitForTimeout(1_000);
    }
    await type(page.getByLabel(label('Report name')), 'Rent by currency');
    await pick('Email it', 'Monthly (1st, 07:00 UTC)');
    await page.getByRole('button', { name: 'Save report' }).click();
    const saved = page.getByRole('region', { name: 'Saved reports' });
    await saved.getByRole('row', { name: /Rent by currency Leases Monthly/ }).waitFor();
    await screen('custom-report-records');
  }, 60_000);

  it('keeps preferences, workspace and billing settings, webhooks and the audit log in Settings, errors at their fields', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Preferences' }).click();
    await type(page.getByLabel(label('Time zone')), 'Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel(label('Time zone')).getAttribute('aria-invalid')).toBe('true');
    await type(page.getByLabel(label('Time zone')), 'Europe/London');
    await page.getByLabel('A deal of mine is won by Email').uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Preferences saved.').waitFor();
    await screen('settings-preferences');
    await page.reload();
    await page.getByRole('tab', { name: 'Preferences' }).click();
    await page.getByLabel(label('Time zone')).and(page.locator('[value="Europe/London"]')).waitFor();
    expect(await page.getByLabel('A deal of mine is won by Email').isChecked()).toBe(false);

    await page.getByRole('tab', { name: 'Workspace' }).click();
    await type(page.getByLabel(label('Legal name')), 'Console Co Ltd');
    await page.getByRole('button', { name: 'Save billing settings' }).click();
    await page.getByText('Billing settings saved.').waitFor();
    await screen('settings-workspace');

    await page.getByRole('tab', { name: 'Webhooks' }).click();
    await type(page.getByLabel(label('URL')), 'http://127.0.0.1/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.locator('input[aria-invalid="true"]').waitFor();
    expect(await page.getByLabel(label('URL')).getAttribute('aria-invalid')).toBe('true');
    await screen('settings-webhooks');

    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('table').getByRole('cell').first().waitFor();
    await screen('settings-audit');
  }, 90_000);

  it('adds a product to the catalogue, refunds part of a payment, writes an invoice off, and prices a draft line from the product', async () => {
    await asOwner(email, 'POST', '/products', { name: 'Boiler check', sku: 'BOILER-CHECK', unitPrice: 5000, currency: 'USD', taxRate: 0 });
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Invoices' }).click();
    // The catalogue: a price with a third decimal named before sending, a SKU the API refuses named at its input.
    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await page.getByRole('heading', { name: 'Products', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New product' }).click();
    const product = page.getByRole('dialog', { name: 'New product' });
    await type(product.getByLabel(label('Name')), 'Engine servicing');
    await type(product.getByLabel(label('SKU')), 'ENGINE SERVICE');
    await type(product.getByLabel(label('Unit price')), '12.345');
    await product.getByRole('button', { name: 'Create' }).click();
    await product.getByText("Enter a price in the currency's units, like 120.00").waitFor();
    await type(product.getByLabel(label('Unit price')), '250');
    await type(product.getByLabel(label('Tax rate')), '10');
    await product.getByRole('button', { name: 'Create' }).click();
    await product.getByText('sku must be printable ASCII without spaces').waitFor();
    await screen('product-new');
    await type(product.getByLabel(label('SKU')), 'ENGINE-SERVICE');
    await product.getByRole('button', { name: 'Create' }).click();
    await page.locator('[data-product="ENGINE-SERVICE"]').getByText('$250.00').waitFor();
    await screen('products');
    // A product deleted by mistake, found under "Show deleted" and restored.
    await page.getByRole('button', { name: 'Delete Boiler check' }).click();
    await page.locator('[data-product="BOILER-CHECK"]').waitFor({ state: 'detached' });
    await page.getByLabel('Show deleted').check();
    await page.locator('[data-product="BOILER-CHECK"]').getByRole('button', { name: 'Restore Boiler check' }).waitFor();
    expect(await page.locator('[data-product="ENGINE-SERVICE"]').count()).toBe(0);
    await screen('products-deleted');
    await page.getByRole('button', { name: 'Restore Boiler check' }).click();
    await page.getByText('Boiler check restored').waitFor();
    await page.locator('[data-product="BOILER-CHECK"]').waitFor({ state: 'detached' });
    await page.getByLabel('Show deleted').uncheck();
    await page
      .locator('[data-product="BOILER-CHECK"]')
      .getByRole('checkbox', { name: /Boiler check/ })
      .waitFor();
    await page.getByRole('link', { name: '← Invoices' }).click();
    await page
      .getByRole('link', { name: /^INV-\d{4}-\d+$/ })
      .first()
      .click();
    await page.getByRole('heading', { name: /^INV-\d{4}-\d+$/ }).waitFor();
    await page.getByRole('button', { name: 'Refund the payment of $1,000.00' }).click();
    const refund = page.getByRole('dialog', { name: 'Refund the payment of $1,000.00' });
    await type(refund.getByLabel(label('Amount to refund')), '0');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await refund.getByText("Enter an amount greater than zero in the invoice's currency.").waitFor();
    await type(refund.getByLabel(label('Amount to refund')), '100');
    await screen('invoice-refund');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await page.getByText('$100.00 refunded').waitFor();

    await page.getByRole('button', { name: 'Mark uncollectible' }).click();
    await page
      .getByRole('dialog', { name: /^Mark INV-\d{4}-\d+ uncollectible\?$/ })
      .getByRole('button', { name: 'Mark uncollectible' })
      .click();
    await page.getByText(/^INV-\d{4}-\d+ marked uncollectible$/).waitFor();
    await page.getByText('uncollectible', { exact: true }).waitFor();
    await screen('invoice-uncollectible');

    // The customer's side: the invoice billed to it, its wallet credited (a zero refused first), its ledger.
    await page.getByRole('link', { name: 'Ada Lovelace', exact: true }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    await type(page.getByLabel(label('Amount to credit')), '0');
    await page.getByRole('button', { name: 'Credit wallet' }).click();
    await page.getByText("Enter an amount greater than zero in the currency's units.").waitFor();
    await type(page.getByLabel(label('Amount to credit')), '50');
    await page.getByRole('button', { name: 'Credit wallet' }).click();
    await page.locator('[data-balance="USD"]').getByText('Balance: $50.00').waitFor();
    await page.locator('[data-entry="wallet"]').first().waitFor();
    await page.locator('[data-entry="receivable"]').first().waitFor();
    await page.locator('[data-invoice^="INV-"]').first().waitFor();
    await screen('contact-billing');
    await page.goBack();
    await page.getByRole('heading', { name: /^INV-\d{4}-\d+$/ }).waitFor();

    await page.getByRole('link', { name: 'The deal it bills' }).click();
    await page.getByRole('button', { name: 'Create invoice' }).click();
    await page.getByRole('heading', { name: 'Draft invoice' }).waitFor();
    // A line of the product, at its price and tax: $1,250.00 + $250.00 + $25.00.
    await page.getByRole('combobox', { name: 'Add a product' }).click();
    await page.getByRole('option', { name: 'Engine servicing · $250.00' }).click();
    expect(await page.getByLabel('Line 2 description').inputValue()).toBe('Engine servicing');
    await page.locator('[data-amount="Total"]').getByText('$1,525.00').waitFor();
    // The draft's details: billed to the company instead, a due date before the issue date refused at its input.
    await page.locator('.mantine-SegmentedControl-label', { hasText: 'Company' }).click();
    await type(page.getByRole('combobox', { name: 'Customer' }), 'Difference');
    await page.getByRole('option', { name: 'Difference Engines' }).click();
    await page.getByLabel(label('Issue date')).fill('2026-12-10');
    await page.getByLabel(label('Due date')).fill('2026-12-01');
    await page.getByRole('combobox', { name: 'Payment terms' }).click();
    await page.getByRole('option', { name: 'Net 15' }).click();
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('must not be before issueDate').waitFor();
    expect(await page.getByLabel(label('Due date')).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel(label('Due date')).fill('2026-12-25');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText(/ · due 2026-12-25/).waitFor();
    await page.getByRole('link', { name: 'Difference Engines' }).waitFor();
    // The product's line, not saved yet, stayed through the details' save.
    expect(await page.getByLabel('Line 2 description').inputValue()).toBe('Engine servicing');
    await screen('invoice-draft-details');
    await page.getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('dialog', { name: 'Delete Draft invoice?' }).getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('heading', { name: 'Invoices', exact: true }).waitFor();
    await page.getByText('Draft invoice deleted').waitFor();
  }, 90_000);

  it('imports a CSV: mapping previewed, a row that conflicts with a contact queued and resolved side by side', async () => {
    const csv = ['First Name,Last Name,Email', 'Mary,Somerville,mary@example.com', 'Grace Brewster,Hopper,grace@example.com', ''].join('\n');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Imports' }).click();
    await page.getByRole('heading', { name: 'Imports', exact: true }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // The aliases filled in, each column beside its first values.
    await page.getByRole('cell', { name: 'mary@example.com' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Field for column Email' }).inputValue()).toBe('email');
    expect(await page.getByRole('combobox', { name: 'Field for column First Name' }).inputValue()).toBe('firstName');
    const emailColumn = page.getByRole('row').filter({ hasText: 'Email' }).filter({ hasText: 'mary@example.com' });
    await emailColumn.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    await screen('import-mapping');
    await page.getByRole('button', { name: 'Start import' }).click();

    await page
      .getByRole('status')
      .getByText(/^completed: 2 of 2 rows · 1 created · 1 updated · 1 conflicts · 0 failed$/)
      .waitFor({ timeout: 60_000 });
    const conflict = page.locator('[data-conflict="firstName"]');
    await conflict.getByRole('cell', { name: 'Grace', exact: true }).waitFor();
    await conflict.getByRole('cell', { name: 'Grace Brewster', exact: true }).waitFor();
    await screen('import-conflicts');
    await conflict.getByRole('button', { name: 'Take incoming' }).click();
    await conflict.getByText('Took incoming').waitFor();
    await conflict.getByRole('link', { name: 'Row 3' }).click();
    // The incoming first name written, the empty last name filled by the merge.
    await page.getByRole('heading', { name: 'Grace Brewster Hopper' }).waitFor();
  }, 120_000);

  it('sends a small campaign: a segment edited, composed with a preview, the audience counted live, the opted-out contact sent nothing', async () => {
    for (const [firstName, address, emailOptOut] of [
      ['Nora', 'nora@example.com', false],
      ['Otto', 'otto@example.com', false],
      ['Olive', 'olive.optout@example.com', true],
    ] as const) {
      await asOwner(email, 'POST', '/contacts', { firstName, email: address, tags: ['newsletter'], emailOptOut });
    }
    await page.goto(`${origin}/campaigns/segments`);
    await page.getByRole('button', { name: 'New segment' }).click();
    const editor = page.getByRole('region', { name: 'New segment' });
    await type(editor.getByLabel(label('Name')), 'Newsletter');
    await type(editor.getByLabel(label('Tags')), 'newsletter');
    await editor.getByLabel(label('Tags')).press('Enter');
    await screen('segment-editor');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row').filter({ hasText: 'Newsletter' }).getByRole('cell', { name: '3', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Campaigns' }).first().click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    await type(page.getByLabel(label('Name')), 'Spring news');
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Newsletter' }).click();
    await page
      .getByRole('status')
      .getByText(/^3 contacts in the audience now/)
      .waitFor();
    await type(page.getByLabel(label('Subject')), 'News for {{firstName}}');
    await type(page.getByLabel(label('Body \\(HTML\\)')), '<p>Hello {{firstName}} &amp; friends</p>');
    // The preview is the email of the audience's first contact, placeholders filled.
    const heading = await page.getByRole('heading', { name: /^Preview for / }).textContent();
    const previewed = heading!.replace('Preview for ', '');
    await page.locator('[data-preview="subject"]').getByText(`News for ${previewed}`).waitFor();
    await page.frameLocator('iframe[title="Email body preview"]').getByText(`Hello ${previewed} & friends`).waitFor();
    await screen('campaign-compose');
    await page.getByRole('button', { name: 'Send now' }).click();

    const counts = page.getByRole('table', { name: 'Send counts' });
    await counts.locator('[data-count="sent"]').getByRole('cell', { name: '2', exact: true }).waitFor({ timeout: 60_000 });
    await counts.locator('[data-count="skippedOptedOut"]').getByRole('cell', { name: '1', exact: true }).waitFor();
    await counts.locator('[data-count="total"]').getByRole('cell', { name: '3', exact: true }).waitFor();
    await page.getByText('sent', { exact: true }).waitFor();
    await screen('campaign-sent');

    // What the sink received: one email to each of the two, none to the one who opted out.
    const received = await mailbox.waitForMessages(1, { to: 'nora@example.com', timeoutMs: 30_000 });
    await mailbox.waitForMessages(1, { to: 'otto@example.com', timeoutMs: 30_000 });
    expect(received.map((mail) => mail.subject)).toEqual(['News for Nora']);
    expect(received[0]!.html).toContain('Hello Nora &amp; friends');
    expect(mailbox.messages().filter((mail) => mail.to.includes('olive.optout@example.com'))).toEqual([]);

    // An SMS campaign to a filter of the contacts: an empty message refused at its input, the text
    // previewed with the opt-out line the sender adds and its length, the opted-out number skipped.
    for (const [firstName, phone, smsOptOut] of [
      ['Sam', '+14155550141', false],
      ['Stella', '+14155550142', true],
    ] as const) {
      await asOwner(email, 'POST', '/contacts', { firstName, phone, tags: ['texts'], smsOptOut });
    }
    await page.goto(`${origin}/campaigns/new`);
    await type(page.getByLabel(label('Name')), 'Flash sale');
    await page.locator('.mantine-SegmentedControl-label', { hasText: /^SMS$/ }).click();
    await page.locator('.mantine-SegmentedControl-label', { hasText: /^A filter$/ }).click();
    await type(page.getByRole('combobox', { name: 'Tags' }), 'texts');
    await page.getByRole('combobox', { name: 'Tags' }).press('Enter');
    await page
      .getByRole('status')
      .getByText(/^2 contacts in the audience now, 1 of them opted out of SMS/)
      .waitFor();
    // Without opted-out contacts: for an SMS campaign, those opted out of SMS (Stella); then with them again.
    await page
      .getByRole('radiogroup', { name: 'SMS opt-out' })
      .locator('label', { hasText: /^Without opted-out contacts$/ })
      .click();
    await page
      .getByRole('status')
      .getByText(/^1 contacts in the audience now, 0 of them opted out of SMS/)
      .waitFor();
    await page
      .getByRole('radiogroup', { name: 'SMS opt-out' })
      .locator('label', { hasText: /^With opted-out contacts$/ })
      .click();
    await page
      .getByRole('status')
      .getByText(/^2 contacts in the audience now, 1 of them opted out of SMS/)
      .waitFor();
    expect(await page.getByLabel(label('Subject')).count()).toBe(0);
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.getByText('is required for an SMS campaign').waitFor();
    expect(await page.getByLabel(label('Message \\(plain text\\)')).getAttribute('aria-invalid')).toBe('true');
    await type(page.getByLabel(label('Message \\(plain text\\)')), 'Hi {{firstName}}, 20% off today');
    const smsHeading = await page.getByRole('heading', { name: /^Preview for / }).textContent();
    const texted = smsHeading!.replace('Preview for ', '');
    expect(await page.locator('[data-preview="sms"]').innerText()).toBe(`Hi ${texted}, 20% off today\nOpt out: #unsubscribe`);
    await page
      .locator('[data-preview="sms-length"]')
      .getByText(/ as GSM-7 counts them: 1 SMS per contact$/)
      .waitFor();
    await screen('campaign-compose-sms');
    await page.getByRole('button', { name: 'Send now' }).click();
    const smsCounts = page.getByRole('table', { name: 'Send counts' });
    await smsCounts.locator('[data-count="sent"]').getByRole('cell', { name: '1', exact: true }).waitFor({ timeout: 60_000 });
    await smsCounts.locator('[data-count="skippedOptedOut"]').getByRole('cell', { name: '1', exact: true }).waitFor();
    await smsCounts.locator('[data-count="delivered"]').waitFor();
    await page.getByText('sent', { exact: true }).waitFor();
    await screen('campaign-sent-sms');

    // Another, for later, to a contact picked by name: at 09:00 in the user's timezone (Europe/London,
    // chosen in Settings, an hour ahead of UTC in July), listed as scheduled, then cancelled.
    await page.goto(`${origin}/campaigns/new`);
    await type(page.getByLabel(label('Name')), 'Summer news');
    await page
      .locator('label')
      .filter({ hasText: /^Picked contacts$/ })
      .click();
    await type(page.getByLabel(label('Contacts')).and(page.locator('input')), 'Otto');
    await page.getByRole('option', { name: 'Otto <otto@example.com>' }).click();
    await page
      .getByRole('status')
      .getByText(/^1 contacts in the audience now, 0 of them/)
      .waitFor();
    await type(page.getByLabel(label('Subject')), 'Summer');
    await type(page.getByLabel(label('Body \\(HTML\\)')), '<p>Soon</p>');
    await type(page.getByLabel(label('Send at')), '2035-07-02T09:00');
    await page.getByText(/In Europe\/London, the timezone of your preferences/).waitFor();
    await screen('campaign-schedule');
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByText(/^Scheduled for Jul 2, 2035, 9:00\sAM$/).waitFor();
    const [scheduled] = (await asOwner(email, 'GET', '/campaigns?status=scheduled')).data;
    expect(scheduled).toMatchObject({ name: 'Summer news', scheduledAt: '2035-07-02T08:00:00.000Z', audience: { contactIds: [expect.any(String)] } });
    await page.getByRole('link', { name: 'Back' }).click();
    const listed = page.getByRole('row').filter({ hasText: 'Summer news' });
    await listed.getByText('scheduled', { exact: true }).waitFor();
    await listed.getByRole('link', { name: 'Summer news' }).click();
    await page.getByRole('button', { name: 'Cancel campaign' }).click();
    await page.getByText('cancelled', { exact: true }).waitFor();
  }, 150_000);

  it('shows every other screen without an accessibility violation', async () => {
    for (const [path, heading] of [
      ['/companies', 'Companies'],
      ['/tasks', 'Tasks'],
      ['/imports', 'Imports'],
      ['/campaigns', 'Campaigns'],
      ['/campaigns/templates', 'Email templates'],
      ['/invoices', 'Invoices'],
      ['/reports', 'Reports'],
      ['/settings', 'Settings'],
    ] as const) {
      await page.goto(`${origin}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await screen(path.slice(1));
    }
  }, 120_000);

  it('signs out to the sign-in page, and the old session no longer opens the app', async () => {
    await page.getByRole('button', { name: 'Rita Rep', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${origin}/contacts`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await type(page.getByLabel(label('Email')), email);
    await type(page.getByLabel(label('Password')), 'wrong-password-entirely');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await type(page.getByLabel(label('Password')), PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back to the page asked for before signing in, not the dashboard.
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/contacts');
  }, 60_000);
});
