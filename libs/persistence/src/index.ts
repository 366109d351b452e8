export { assertIdentifier, postgresOptions, runMigrations, type ServiceDatabaseOptions } from './data-source.js';
export { rowLevelSecuritySql, withWorkspace, WORKSPACE_SETTING } from './tenancy.js';
