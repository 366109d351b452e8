// The auth service's operations served through the gateway (issue 11's contracts): imported by
// the gateway, which serves them, and by the auth service, which handles them. `@kinship/contracts/auth`.
export * from './auth/api-keys.js';
export * from './auth/audit-logs.js';
export * from './auth/common.js';
export * from './auth/email-verification.js';
export * from './auth/invitations.js';
export * from './auth/me.js';
export * from './auth/oauth.js';
export * from './auth/passwords.js';
export * from './auth/registration.js';
export * from './auth/sessions.js';
export * from './auth/users.js';
