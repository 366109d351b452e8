import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { renderPermissionsDocument } from './permissions-document.js';

describe('docs/permissions.md', () => {
  it('is what scripts/render-permissions.mjs renders from the matrix and the routes today', () => {
    const committed = readFileSync(new URL('../../../../docs/permissions.md', import.meta.url), 'utf8');
    // When this fails: npm run build && node scripts/render-permissions.mjs
    expect(committed).toBe(renderPermissionsDocument());
  });
});
