export { dependencyUnavailable, isDependencyOutage } from './dependency-outage.js';
export { INTERNAL_ERROR, RpcError, type ErrorDetail, type RpcErrorPayload } from './rpc-error.js';
export type { RpcRequest } from './rpc-request.js';
export { NamespacedClientNats, NamespacedServerNats, NATS_RECONNECT } from './namespaced-nats.js';
export { RpcContextInterceptor, RpcErrorFilter } from './rpc-server.js';
export { ServiceClient } from './service-client.js';
export { callerWorkspace, userCaller, type UserCaller } from './caller.js';
export { inputProblems, MAX_INPUT_DEPTH, validateData, ValidRequest } from './validation.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageDto, pagePosition, toPage, type PagePosition } from './pagination.js';
