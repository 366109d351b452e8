// The reporting service's operations (issue 11's contracts): imported by the gateway, which serves
// them, and by the reporting service, which handles them. `@kinship/contracts/reporting`.
export * from './reporting/reports.js';
export * from './reporting/standard-reports.js';
export * from './reporting/rebuild.js';
export * from './reporting/custom.js';
export * from './reporting/saved.js';
export * from './reporting/dashboards.js';
