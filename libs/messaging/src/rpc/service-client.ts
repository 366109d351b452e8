import { context as otelContext, propagation } from '@opentelemetry/api';
import type { RequestContext, ServiceMetrics } from '@kinship/observability';
import { RequestFailed, type NamespacedClientNats } from './namespaced-nats.js';
import { RpcError } from './rpc-error.js';
import type { RpcRequest } from './rpc-request.js';

/**
 * Sends requests to other services over NATS and turns every way they can fail into an
 * RpcError: the service's own error as it sent it, 503 when nobody listens, 504 past the timeout.
 */
export class ServiceClient {
  constructor(
    private readonly proxy: NamespacedClientNats,
    private readonly timeoutMs: number,
    private readonly metrics?: ServiceMetrics,
  ) {}

  async send<Result, Data = unknown>(pattern: string, data: Data, context: RequestContext, timeoutMs = this.timeoutMs): Promise<Result> {
    return (await this.exchange(pattern, data, context, timeoutMs, (request) => this.proxy.request(pattern, request, timeoutMs))) as Result;
  }

  /** As send(), but the reply as the JSON text the service wrote (undefined when it sent none), for passing on unread. */
  sendJson<Data = unknown>(pattern: string, data: Data, context: RequestContext, timeoutMs = this.timeoutMs): Promise<string | undefined> {
    return this.exchange(pattern, data, context, timeoutMs, (request) => this.proxy.requestJson(pattern, request, timeoutMs));
  }

  private async exchange<Data, Reply>(
    pattern: string,
    data: Data,
    context: RequestContext,
    timeoutMs: number,
    ask: (request: RpcRequest<Data>) => Promise<Reply>,
  ): Promise<Reply> {
    const carrier: Record<string, string> = {};
    propagation.inject(otelContext.active(), carrier);
    const request: RpcRequest<Data> = { context: { ...context, traceparent: carrier.traceparent ?? context.traceparent }, data };
    const stopTimer = this.metrics?.rpcClientDuration.startTimer({ pattern });
    try {
      const reply = await ask(request);
      stopTimer?.({ outcome: 'ok' });
      return reply;
    } catch (error) {
      const failure = toRpcError(error, pattern, timeoutMs);
      stopTimer?.({ outcome: failure.code });
      throw failure;
    }
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }
}

function serviceOf(pattern: string): string {
  return pattern.split('.')[0] ?? pattern;
}

function toRpcError(error: unknown, pattern: string, timeoutMs: number): RpcError {
  const failure = error instanceof RequestFailed ? error.failure : ({ kind: 'error', error } as const);
  if (failure.kind === 'error' && RpcError.isPayload(failure.error)) return RpcError.fromPayload(failure.error);
  if (failure.kind === 'timeout') {
    return RpcError.timeout(`The ${serviceOf(pattern)} service did not answer within ${timeoutMs} ms.`);
  }
  // No subscriber on the subject (NATS "no responders"), or no connection to NATS at all.
  return RpcError.unavailable(`The ${serviceOf(pattern)} service is not available.`);
}
