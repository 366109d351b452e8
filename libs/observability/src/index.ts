export { createLogger, NestPinoLogger, type Logger } from './logger.js';
export { ServiceMetrics } from './metrics.js';
export { currentRequestContext, runWithRequestContext, type RequestContext } from './request-context.js';
