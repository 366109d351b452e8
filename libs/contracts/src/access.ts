// The permission matrix: what each role may do, and what an API key may be granted. The gateway
// enforces it on every route (deny by default); docs/permissions.md is rendered from it; the
// services enforce the ownership rules it states. Change it here and nowhere else.

export const ROLES = ['owner', 'admin', 'manager', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** How much a role outranks another: one may invite, promote or manage only at or below one's own rank. */
export const ROLE_RANK: Record<Role, number> = { owner: 5, admin: 4, manager: 3, member: 2, viewer: 1 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

interface PermissionRule {
  /** What the permission allows, for the docs. */
  description: string;
  /** Roles that hold it. */
  roles: readonly Role[];
  /** Roles that hold it only for records they own; the owning service enforces this. */
  ownRecordsOnly?: readonly Role[];
  /** Whether an API key may be granted it as a scope. */
  apiKeyScope: boolean;
}

const EVERYONE = ROLES;
const STAFF = ['owner', 'admin', 'manager', 'member'] as const;
const MANAGERS = ['owner', 'admin', 'manager'] as const;
const ADMINS = ['owner', 'admin'] as const;

function crudRules<R extends string>(resource: R, label: string): Record<`${R}:read` | `${R}:write`, PermissionRule> {
  const read: PermissionRule = { description: `Read ${label}`, roles: EVERYONE, apiKeyScope: true };
  const write: PermissionRule = {
    description: `Create, update, delete and restore ${label}`,
    roles: STAFF,
    ownRecordsOnly: ['member'],
    apiKeyScope: true,
  };
  // Computed keys widen to string; the names are exactly these two.
  return { [`${resource}:read`]: read, [`${resource}:write`]: write } as Record<`${R}:read` | `${R}:write`, PermissionRule>;
}

export const PERMISSIONS = {
  'profile:read': { description: 'Read one’s own profile and settings', roles: EVERYONE, apiKeyScope: false },
  'profile:write': { description: 'Change one’s own profile, password and settings', roles: EVERYONE, apiKeyScope: false },
  'users:read': { description: 'List the workspace’s members', roles: EVERYONE, apiKeyScope: true },
  'users:manage': { description: 'Change members’ roles and deactivate members', roles: ADMINS, apiKeyScope: false },
  'invitations:manage': { description: 'Invite people, list and revoke invitations', roles: ADMINS, apiKeyScope: false },
  'api-keys:manage': { description: 'Create, list and revoke API keys', roles: ADMINS, apiKeyScope: false },
  'audit-logs:read': { description: 'Read the audit log', roles: ADMINS, apiKeyScope: false },
  ...crudRules('contacts', 'contacts'),
  ...crudRules('companies', 'companies'),
  ...crudRules('deals', 'deals'),
  ...crudRules('tasks', 'tasks'),
  ...crudRules('notes', 'notes'),
  ...crudRules('tickets', 'support tickets and their comments'),
  'files:read': {
    description:
      'Download files and read the workspace’s storage use (a file attached to records also needs the read permission of one of them; on a custom object’s record, read access to that object)',
    roles: EVERYONE,
    apiKeyScope: true,
  },
  'files:write': {
    description: 'Upload and delete files (attaching one to a record needs that record’s write permission instead)',
    roles: STAFF,
    ownRecordsOnly: ['member'],
    apiKeyScope: true,
  },
  'support-settings:manage': { description: 'Set the workspace’s SLA policies, business hours and ticket auto-assignment', roles: MANAGERS, apiKeyScope: true },
  'pipelines:read': { description: 'Read pipelines and stages', roles: EVERYONE, apiKeyScope: true },
  'pipelines:write': { description: 'Create and change pipelines and stages', roles: MANAGERS, apiKeyScope: true },
  'segments:read': { description: 'Read segments and their members', roles: EVERYONE, apiKeyScope: true },
  'segments:write': { description: 'Create and change segments', roles: MANAGERS, apiKeyScope: true },
  'custom-fields:read': { description: 'Read custom field definitions', roles: EVERYONE, apiKeyScope: true },
  'custom-fields:write': { description: 'Define custom fields', roles: ADMINS, apiKeyScope: true },
  'objects:read': { description: 'Read custom object types and their fields', roles: EVERYONE, apiKeyScope: true },
  'objects:manage': { description: 'Define, change, delete and restore custom object types and their fields', roles: ADMINS, apiKeyScope: true },
  'records:read': { description: 'Read the records of every custom object (an object may narrow it per role: see below)', roles: EVERYONE, apiKeyScope: true },
  'records:write': {
    description: 'Create, update, delete and restore the records of every custom object (an object may narrow it per role)',
    roles: STAFF,
    apiKeyScope: true,
  },
  'views:manage': {
    description: 'Save, change and delete one’s own list views (columns, filters, sort) and share them with the workspace',
    roles: EVERYONE,
    apiKeyScope: false,
  },
  'views:manage-shared': {
    description: 'Change, take back and delete list views other members shared with the workspace',
    roles: MANAGERS,
    apiKeyScope: false,
  },
  'crm-settings:manage': { description: 'Change the workspace’s crm settings (default phone region)', roles: ADMINS, apiKeyScope: false },
  'imports:write': { description: 'Import records and resolve import conflicts', roles: MANAGERS, apiKeyScope: true },
  'exports:write': { description: 'Export records', roles: MANAGERS, apiKeyScope: true },
  'notifications:read': { description: 'Read and mark read one’s own in-app notifications', roles: EVERYONE, apiKeyScope: false },
  'email-templates:manage': { description: 'Override and preview the workspace’s email templates', roles: ADMINS, apiKeyScope: false },
  'messages:manage': { description: 'See failed emails and SMS and send them again', roles: ADMINS, apiKeyScope: false },
  'sms-settings:manage': {
    description: 'Set the workspace’s SMS receiving number, HELP reply and whether inbound texts open tickets',
    roles: ADMINS,
    apiKeyScope: false,
  },
  'campaigns:read': { description: 'Read campaigns and their delivery counts', roles: EVERYONE, apiKeyScope: true },
  'campaigns:write': { description: 'Create, schedule, send and cancel campaigns', roles: MANAGERS, apiKeyScope: true },
  'billing:read': {
    description: 'Read products, invoices, credit notes, payments, wallets, the ledger, reconciliation findings and billing settings',
    roles: EVERYONE,
    apiKeyScope: true,
  },
  'billing:write': {
    description:
      'Create and change products and invoices (finalize, void, mark uncollectible), record payments and refunds, credit wallets, issue credit notes, and change billing settings',
    roles: MANAGERS,
    apiKeyScope: true,
  },
  'reports:read': {
    description: 'Read standard and custom reports, saved reports and dashboards (members: over their own records only)',
    roles: EVERYONE,
    ownRecordsOnly: ['member'],
    apiKeyScope: true,
  },
  'reports:write': { description: 'Save, schedule and delete custom reports; create and change dashboards', roles: MANAGERS, apiKeyScope: true },
  'reports:rebuild': { description: 'Rebuild the reporting read models from the event stream', roles: ADMINS, apiKeyScope: false },
  'webhooks:manage': { description: 'Manage outbound webhook endpoints and read their deliveries', roles: ADMINS, apiKeyScope: false },
} satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

export const API_KEY_SCOPES = (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => PERMISSIONS[permission].apiKeyScope);

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** Whether a user of this role holds the permission (perhaps only for their own records). */
export function roleHolds(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

/** Every permission the role holds, in the matrix's order: what GET /me tells a client to show or hide. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => roleHolds(role, permission));
}

/** Whether the role holds the permission only for records it owns. */
export function onlyOwnRecords(role: Role, permission: Permission): boolean {
  const rule: PermissionRule = PERMISSIONS[permission];
  return rule.ownRecordsOnly?.includes(role) ?? false;
}

/**
 * Access per custom object: a workspace may narrow what a role does with one object's records
 * (`access` on the object type). A role's access defaults to what `records:read` and
 * `records:write` give it and can never exceed that (the gateway checks those first); owners and
 * admins always read and write every object, API keys follow their scopes.
 */
export const OBJECT_ACCESS_LEVELS = ['none', 'read', 'write'] as const;
export type ObjectAccessLevel = (typeof OBJECT_ACCESS_LEVELS)[number];
/** The roles whose access an object type may narrow. */
export const OBJECT_ACCESS_ROLES = ['manager', 'member', 'viewer'] as const satisfies readonly Role[];
export type ObjectAccessRole = (typeof OBJECT_ACCESS_ROLES)[number];
export type ObjectAccess = Partial<Record<ObjectAccessRole, ObjectAccessLevel>>;

function accessRank(level: ObjectAccessLevel): number {
  return OBJECT_ACCESS_LEVELS.indexOf(level);
}

/** A role's access to an object that declares nothing for it: from records:write and records:read. */
export function defaultObjectAccess(role: Role): ObjectAccessLevel {
  if (roleHolds(role, 'records:write')) return 'write';
  return roleHolds(role, 'records:read') ? 'read' : 'none';
}

/** A role's access to an object given what the object declares (never above the default). */
export function objectAccessOf(role: Role, declared: ObjectAccess): ObjectAccessLevel {
  const fallback = defaultObjectAccess(role);
  const narrowed = (OBJECT_ACCESS_ROLES as readonly Role[]).includes(role) ? declared[role as ObjectAccessRole] : undefined;
  return narrowed !== undefined && accessRank(narrowed) < accessRank(fallback) ? narrowed : fallback;
}

/**
 * Whether the caller may read or write an object's records: a role as the object narrows it (the
 * matrix's records:* never widened), an API key by its scopes (records:* for every object, or
 * records:*:<object> for this one).
 */
export function mayAccessObject(
  caller: { role: Role | null; scopes: readonly string[] },
  object: { key: string; access: ObjectAccess },
  needed: Exclude<ObjectAccessLevel, 'none'>,
): boolean {
  if (!caller.role) return scopesGrantObject(caller.scopes, `records:${needed}`, object.key);
  return accessAllows(objectAccessOf(caller.role, object.access), needed);
}

/** Lower snake case, 2 to 40 characters: a custom object's key, its path segment under /objects. */
export const OBJECT_KEY = /^[a-z][a-z0-9_]{1,39}$/;
/** Live object types a workspace may have. */
export const OBJECTS_MAX = 100;

/**
 * An API key limited to some custom objects: `records:read:<object>` and `records:write:<object>`
 * grant records:read and records:write for that object's records only, as an object's `access`
 * narrows a role (a key holding plain `records:read` or `records:write` has it for every object).
 * The gateway lets a key holding one through a route that needs the plain permission; crm checks
 * the object.
 */
export const OBJECT_SCOPE_PERMISSIONS = ['records:read', 'records:write'] as const satisfies readonly Permission[];
export type ObjectScopePermission = (typeof OBJECT_SCOPE_PERMISSIONS)[number];
const OBJECT_SCOPE = new RegExp(`^(${OBJECT_SCOPE_PERMISSIONS.join('|')}):(${OBJECT_KEY.source.slice(1, -1)})$`);
/** Scopes a key may hold: the permissions keys may hold and two per object type. */
export const API_KEY_SCOPES_MAX = API_KEY_SCOPES.length + 2 * OBJECTS_MAX;

/** The permission and object an object scope names; null for any other string. */
export function readObjectScope(scope: string): { permission: ObjectScopePermission; object: string } | null {
  const match = OBJECT_SCOPE.exec(scope);
  return match ? { permission: match[1] as ObjectScopePermission, object: match[2]! } : null;
}

/** Whether an API key may be granted this scope: a permission keys may hold, or an object scope. */
export function isApiKeyScope(value: unknown): value is string {
  return typeof value === 'string' && ((API_KEY_SCOPES as readonly string[]).includes(value) || readObjectScope(value) !== null);
}

/** Whether a key's scopes grant the permission for every object or (an object scope) for some: what lets it through a route. */
export function scopesGrant(scopes: readonly string[], permission: Permission): boolean {
  return scopes.includes(permission) || scopes.some((scope) => readObjectScope(scope)?.permission === permission);
}

/** Whether a key's scopes grant records:read or records:write for this object's records. */
export function scopesGrantObject(scopes: readonly string[], permission: ObjectScopePermission, object: string): boolean {
  return scopes.includes(permission) || scopes.includes(`${permission}:${object}`);
}

/** Whether an access level allows reading (`read`) or writing (`write`) records. */
export function accessAllows(level: ObjectAccessLevel, needed: Exclude<ObjectAccessLevel, 'none'>): boolean {
  return accessRank(level) >= accessRank(needed);
}
