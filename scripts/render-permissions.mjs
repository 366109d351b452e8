// Renders docs/permissions.md from the permission matrix and the gateway's routes.
// Runs against the built gateway: `npm run build && node scripts/render-permissions.mjs`.
// services/gateway/src/access/permissions-document.spec.ts fails while the file differs from this rendering.
import { writeFileSync } from 'node:fs';
import { renderPermissionsDocument } from '../services/gateway/dist/access/permissions-document.js';

const target = new URL('../docs/permissions.md', import.meta.url);
writeFileSync(target, renderPermissionsDocument());
process.stdout.write(`wrote ${target.pathname}\n`);
