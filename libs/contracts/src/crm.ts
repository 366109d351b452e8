// crm's operations (issue 11's contracts): imported by the gateway, which serves those with a
// route, by crm, which handles them, and by the services that call crm. `@kinship/contracts/crm`.
export * from './crm/bulk.js';
export * from './crm/common.js';
export * from './crm/companies.js';
export * from './crm/contacts.js';
export * from './crm/crm-settings.js';
export * from './crm/custom-fields.js';
export * from './crm/customers.js';
export * from './crm/deals.js';
export * from './crm/duplicates.js';
export * from './crm/exports.js';
export * from './crm/files.js';
export * from './crm/imports.js';
export * from './crm/lead-conversion.js';
export * from './crm/notes.js';
export * from './crm/objects.js';
export * from './crm/pipelines.js';
export * from './crm/record-activity.js';
export * from './crm/segments.js';
export * from './crm/support-settings.js';
export * from './crm/tasks.js';
export * from './crm/tickets.js';
export * from './crm/timeline.js';
export * from './crm/views.js';
