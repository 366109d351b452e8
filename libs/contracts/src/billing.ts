// The billing service's operations (issue 11's contracts): imported by the gateway, which serves
// them, and by the billing service, which handles them. `@kinship/contracts/billing`.
export * from './billing/common.js';
export * from './billing/documents.js';
export * from './billing/invoices.js';
export * from './billing/products.js';
export * from './billing/schedules.js';
export * from './billing/settings.js';
export * from './billing/credit-notes.js';
export * from './billing/ledger.js';
export * from './billing/payments.js';
export * from './billing/stripe.js';
