// The notifications service's operations (issue 11's contracts): imported by the gateway, which
// serves them, and by the notifications service, which handles them. `@kinship/contracts/notifications`.
export * from './notifications/campaigns.js';
export * from './notifications/common.js';
export * from './notifications/email-templates.js';
export * from './notifications/in-app.js';
export * from './notifications/messages.js';
export * from './notifications/sms.js';
export * from './notifications/webhook-endpoints.js';
