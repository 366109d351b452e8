// Contracts between the services, generated from proto/ (scripts/proto.sh) plus the event type map.
// Event payloads are grouped per publishing service: names such as ContactCreated belong to one
// service, and a namespace keeps a later clash between services impossible.
export type * from './generated/kinship/common/v1/event.js';
export type * from './generated/kinship/common/v1/rpc.js';
export type * as AuthEvents from './generated/kinship/auth/v1/events.js';
export type * as AuthRpc from './generated/kinship/auth/v1/rpc.js';
export type * as CrmEvents from './generated/kinship/crm/v1/events.js';
export type * as BillingEvents from './generated/kinship/billing/v1/events.js';
export type * as NotificationsEvents from './generated/kinship/notifications/v1/events.js';
export type * as NotificationsRpc from './generated/kinship/notifications/v1/rpc.js';
export type * as ReportingEvents from './generated/kinship/reporting/v1/events.js';
export { EVENT_TYPES, type EventPayloads, type EventType } from './event-types.js';
export { revokedSessionKey, userTokensValidAfterKey } from './session-revocation.js';
export {
  API_KEY_SCOPES,
  API_KEY_SCOPES_MAX,
  defaultObjectAccess,
  isApiKeyScope,
  isPermission,
  isRole,
  mayAccessObject,
  OBJECT_ACCESS_LEVELS,
  OBJECT_ACCESS_ROLES,
  OBJECT_KEY,
  OBJECT_SCOPE_PERMISSIONS,
  objectAccessOf,
  onlyOwnRecords,
  PERMISSIONS,
  permissionsOf,
  readObjectScope,
  ROLE_RANK,
  ROLES,
  roleHolds,
  scopesGrant,
  type ObjectScopePermission,
  type ObjectAccess,
  type ObjectAccessLevel,
  type ObjectAccessRole,
  type Permission,
  type Role,
} from './access.js';
export {
  defineOperation,
  FileReply,
  permissionOf,
  type AnyOperation,
  type ContractClass,
  type HttpMethod,
  type InputOf,
  type Operation,
  type OperationError,
  type OperationRoute,
  type OutputOf,
} from './operation.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, NAME_MAX } from './limits.js';
export { countryCode } from './countries.js';
export { isCalendarDate, isCurrency } from './fields.js';
