export { assertIdentifier, postgresOptions, runMigrations, runtimeRoleFor, type ServiceDatabaseOptions } from './data-source.js';
export { rowLevelSecuritySql, withWorkspace, WORKSPACE_SETTING } from './tenancy.js';
