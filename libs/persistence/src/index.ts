export { assertIdentifier, ensureRuntimeRole, postgresOptions, runMigrations, runtimeRoleFor, type ServiceDatabaseOptions } from './data-source.js';
export { rowLevelSecuritySql, setWorkspace, startTransactionInWorkspaceSql, transactionInWorkspace, withWorkspace, WORKSPACE_SETTING } from './tenancy.js';
export { isUuid, newId } from './ids.js';
export { preparedQuery, updateReturning, violatesUnique, type Statement } from './queries.js';
