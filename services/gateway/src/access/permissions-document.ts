import {
  defaultObjectAccess,
  OBJECT_ACCESS_LEVELS,
  OBJECT_ACCESS_ROLES,
  onlyOwnRecords,
  PERMISSIONS,
  roleHolds,
  ROLES,
  type Permission,
} from '@kinship/contracts';
import { GATEWAY_CONTROLLERS } from '../gateway.js';
import { REFUSED_KEY_TTL_SECONDS, VERIFIED_KEY_TTL_SECONDS } from './api-key-verifier.js';
import { routesOf, type Route } from './route-table.js';
import { SESSION_CHECK_TTL_SECONDS } from './session-revocations.js';

/** Served by the platform's own controllers (@kinship/platform), which the gateway marks public. */
const PLATFORM_ROUTES: Route[] = ['/health/live', '/health/ready', '/metrics'].map((path) => ({ method: 'GET', path, access: { kind: 'public' } }));

/** Every route the gateway serves in production (the route-walking test holds it to the running gateway). */
export function documentedRoutes(): Route[] {
  return [...routesOf(GATEWAY_CONTROLLERS), ...PLATFORM_ROUTES].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function cell(permission: Permission, role: (typeof ROLES)[number]): string {
  if (!roleHolds(role, permission)) return '—';
  return onlyOwnRecords(role, permission) ? 'own' : '✓';
}

function permissionRows(): string[] {
  return (Object.keys(PERMISSIONS) as Permission[]).map((permission) => {
    const rule = PERMISSIONS[permission];
    const roles = ROLES.map((role) => cell(permission, role));
    return `| \`${permission}\` | ${rule.description} | ${roles.join(' | ')} | ${rule.apiKeyScope ? '✓' : '—'} |`;
  });
}

/** Per role: its access to a custom object's records by default, and what an object type may narrow it to. */
function objectAccessRows(): string[] {
  return ROLES.map((role) => {
    const fallback = defaultObjectAccess(role);
    const narrowable = (OBJECT_ACCESS_ROLES as readonly string[]).includes(role);
    const choices = OBJECT_ACCESS_LEVELS.slice(0, OBJECT_ACCESS_LEVELS.indexOf(fallback) + 1);
    return `| ${role} | ${fallback} | ${narrowable ? choices.join(', ') : '— (always ' + fallback + ')'} |`;
  });
}

function routeRows(): string[] {
  return documentedRoutes().map(({ method, path, access }) => {
    const needs = access === undefined ? '**none declared: refused to everyone**' : access.kind === 'public' ? 'public' : `\`${access.permission}\``;
    return `| ${method} | \`${path}\` | ${needs} |`;
  });
}

/** docs/permissions.md, from the permission matrix (libs/contracts/src/access.ts) and the gateway's routes. */
export function renderPermissionsDocument(): string {
  return [
    '# Permissions',
    '',
    '<!-- Rendered by scripts/render-permissions.mjs from libs/contracts/src/access.ts and the gateway’s routes. Do not edit by hand:',
    '     change the matrix or the routes, then run `npm run build && node scripts/render-permissions.mjs`. A test fails while this file is stale. -->',
    '',
    'Who may call what. The gateway enforces this on every request, deny by default; the services',
    'enforce the ownership rules ("own" below).',
    '',
    '## How a request is checked',
    '',
    '1. Every route declares exactly one of `@Public()` or `@RequirePermission(<permission>)`',
    '   (`services/gateway/src/access/route-access.ts`). A route that declares neither answers 403',
    '   to everyone, and the route-walking test (`services/gateway/test/permissions.test.ts`) fails.',
    '2. Any other route needs credentials: `Authorization: Bearer <access token>` or',
    '   `X-Api-Key: <key>`, not both. Missing, malformed, forged, expired, wrongly signed, `alg: none`',
    '   or revoked → **401** `unauthorized` with `WWW-Authenticate: Bearer realm="kinship"`.',
    '3. A user passes when their role holds the permission (table below); an API key passes when',
    '   its scopes include the permission, the permission may be granted to a key, and the member who',
    '   created the key holds it now, for every record ("own" does not pass to a key, which acts as no',
    '   user). Otherwise **403** `forbidden`, with `details: [{"issue": "missing_permission", "permission": "…"}]`.',
    '   A key whose creator is deactivated is refused altogether: **401**.',
    '4. The service receives the caller (workspace, user, role, scopes, IP, user agent) with the',
    '   request. "own": the role holds the permission only for records it owns; the owning service',
    '   refuses the others.',
    '5. A read that gathers records of several kinds shows only the kinds the caller may read: a',
    '   timeline (`GET /contacts|companies|deals/:id/timeline`) needs its record’s read permission and',
    '   leaves out notes without `notes:read`, tasks without `tasks:read` and deal stage changes',
    '   without `deals:read` (docs/crm.md "Timeline").',
    '',
    'Access tokens are EdDSA JWTs signed by the auth service (issuer `kinship`, audience `kinship-api`,',
    '`typ: access`, the signing key named by `kid`; public keys at `/.well-known/jwks.json`). A',
    'logout, a deactivation, a role change or a password change made through a gateway takes effect on',
    'that gateway’s next request. The gateway reads the auth service’s revocation records in Redis once per',
    `session every ${SESSION_CHECK_TTL_SECONDS} seconds at most and keeps the reading in memory, so another gateway process`,
    `(several replicas) still accepts the session’s access tokens for at most ${SESSION_CHECK_TTL_SECONDS} seconds. A revoked API key keeps working for`,
    `at most ${VERIFIED_KEY_TTL_SECONDS} seconds, the time the gateway caches a verified key; a refused key is remembered for`,
    `${REFUSED_KEY_TTL_SECONDS} seconds. A change of the creator’s role or a deactivation applies to their keys on the next`,
    'request: it ends the creator’s sessions, and the gateway drops a cached key whose creator’s',
    'sessions ended after it was verified.',
    '',
    '## Permissions by role',
    '',
    `| permission | allows | ${ROLES.join(' | ')} | API key scope |`,
    `|---|---|${ROLES.map(() => ':-:').join('|')}|:-:|`,
    ...permissionRows(),
    '',
    '✓ holds it · own: only for records the user owns · — does not hold it.',
    '',
    '## Custom objects: access per object',
    '',
    '`records:read` and `records:write` cover the records of every custom object. An object type may narrow',
    'them for a role (`access` on `POST /objects` and `PATCH /objects/:object`, e.g.',
    '`{"access": {"member": "read", "viewer": "none"}}`): `none` refuses the role every route of the',
    'object’s records (list, read, write, delete, restore, notes, tasks, files, timeline, imports and exports',
    'of them: **403** naming the object) and hides the type from it (`GET /objects` leaves it out,',
    '`GET /objects/:object` answers 404), `read` leaves it the reads. It can never widen what the role holds',
    '(a level above the default → **422** naming `access.<role>`), since the gateway checks `records:*`',
    'before crm sees the request. crm checks the object’s access on every records operation, and on what',
    'hangs off a record elsewhere: `/notes` and `/tasks` leave out the notes and tasks about records the',
    'caller may not read (reading, writing or pointing one at such a record: **403**), and `GET /files/:id`',
    'refuses a file attached only to such records.',
    '',
    'An API key follows its scopes. `records:read` and `records:write` cover every object; the object scopes',
    '`records:read:<object>` and `records:write:<object>` (e.g. `records:read:property`) cover that object’s',
    'records only. The gateway lets a key holding an object scope through the routes that need the plain',
    'permission, and crm refuses it (**403**) the records of other objects; `GET /objects` shows a key only the',
    'types it may read or write records of (every type with plain `records:*` or `objects:manage`).',
    '',
    '| role | by default | an object may set |',
    '|---|---|---|',
    ...objectAccessRows(),
    '',
    '## Routes',
    '',
    '| method | path | needs |',
    '|---|---|---|',
    ...routeRows(),
    '',
  ].join('\n');
}
