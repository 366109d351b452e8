import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningService } from '@kinship/platform';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { startGateway } from '../src/gateway.js';

// Issue 18, item 8 (leftovers). The environment: the gateway alone, since headers need no service behind it.
let environment: TestEnvironment;
let gateway: RunningService;

beforeAll(async () => {
  environment = await createTestEnvironment('security-leftovers');
  gateway = await startGateway(environment.env);
});

afterAll(async () => {
  await gateway?.close();
  await environment?.dispose();
});

/** A Content-Security-Policy header as directive → sources. */
function policyOf(response: Response): Record<string, string[]> {
  const header = response.headers.get('content-security-policy') ?? '';
  const entries = header
    .split(';')
    .map((directive) => directive.trim().split(/\s+/))
    .filter(([name]) => name)
    .map(([name, ...sources]) => [name!, sources]);
  return Object.fromEntries(entries) as Record<string, string[]>;
}

const CONSOLE_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  // Issue 16: the console frames a PDF fetched into memory (a blob: URL); nothing else is loosened.
  'frame-src': ["'self'", 'blob:'],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
};

describe('item 8: a Content-Security-Policy suited to the console, under which /docs still works', () => {
  it('sends the console policy, and no inline script allowance, on the API, the documentation and the console paths', async () => {
    for (const path of ['/api/v1/me', '/docs', '/', '/deals/42']) {
      const response = await fetch(`${gateway.url}${path}`);
      await response.arrayBuffer();
      expect({ path, policy: policyOf(response) }).toEqual({ path, policy: CONSOLE_POLICY });
    }
  });

  it('serves /docs as a page whose scripts and styles the policy allows: same-origin script files, no inline script', async () => {
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body!.trim()).toBe('');
      const src = /src=["']([^"']+)["']/.exec(attributes!)?.[1];
      expect(src).toBeDefined();
      const url = new URL(src!, `${gateway.url}/docs`);
      expect(url.origin).toBe(new URL(gateway.url).origin);
      const script = await fetch(url);
      await script.arrayBuffer();
      expect({ src, status: script.status, type: script.headers.get('content-type') }).toEqual({
        src,
        status: 200,
        type: expect.stringContaining('javascript'),
      });
    }
    for (const [, href] of html.matchAll(/<link\b[^>]*href=["']([^"']+)["'][^>]*rel=["']stylesheet["']/g)) {
      const url = new URL(href!, `${gateway.url}/docs`);
      expect(url.origin).toBe(new URL(gateway.url).origin);
      const stylesheet = await fetch(url);
      await stylesheet.arrayBuffer();
      expect(stylesheet.status).toBe(200);
    }
  });
});
