export { INTERNAL_ERROR, RpcError, type ErrorDetail, type RpcErrorPayload } from './rpc-error.js';
export type { RpcRequest } from './rpc-request.js';
export { NamespacedClientNats, NamespacedServerNats } from './namespaced-nats.js';
export { RpcContextInterceptor, RpcErrorFilter } from './rpc-server.js';
export { ServiceClient } from './service-client.js';
export { callerWorkspace, userCaller, type UserCaller } from './caller.js';
export { validateData, ValidRequest } from './validation.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageDto, pagePosition, toPage, type PagePosition } from './pagination.js';
export { callOperation, Handles, type OperationHandler, type OperationRequest } from './operations.js';
