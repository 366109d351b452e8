export { ConfigError, loadConfig, resolveVariables } from './config.js';
export { ServiceConfig } from './service-config.js';
export { knownDevelopmentValues, refuseKnownDevelopmentValues, variablesWithDevelopmentValues } from './development-values.js';
