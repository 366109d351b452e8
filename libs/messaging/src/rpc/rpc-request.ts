import type { RequestContext } from '@kinship/observability';

/** Every request over NATS carries who asks beside what is asked. */
export interface RpcRequest<T = unknown> {
  context: RequestContext;
  data: T;
}
