import { Catch, type CallHandler, type ExecutionContext, type NestInterceptor, type RpcExceptionFilter } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { runWithRequestContext, type Logger, type RequestContext, type ServiceMetrics } from '@kinship/observability';
import { Observable, throwError } from 'rxjs';
import { dependencyUnavailable, isDependencyOutage } from './dependency-outage.js';
import { INTERNAL_ERROR, RpcError, type RpcErrorPayload } from './rpc-error.js';
import type { RpcRequest } from './rpc-request.js';

function isRpcRequest(value: unknown): value is RpcRequest {
  return typeof value === 'object' && value !== null && 'context' in value && typeof (value as RpcRequest).context === 'object';
}

/** What a failed request answers: an RpcError as thrown, 503 for a dependency's outage, a generic 500 (logged with its stack) for the rest. */
export function toPayload(error: unknown, logger: Logger): RpcErrorPayload {
  if (error instanceof RpcError) return error.toPayload();
  if (isDependencyOutage(error)) {
    logger.warn({ err: error }, 'a dependency is unavailable; the request was answered 503');
    return dependencyUnavailable().toPayload();
  }
  logger.error({ err: error }, 'unhandled error while answering a request');
  return INTERNAL_ERROR;
}

/** Turns whatever a handler throws into the error payload the gateway understands; hides the rest. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    if (host.getType() !== 'rpc') throw exception;
    return throwError(() => toPayload(exception, this.logger));
  }
}

/**
 * Runs each request handler inside the caller's context: request id for the logs, the
 * caller's trace as the parent span, and the duration and outcome in the metrics.
 */
export class RpcContextInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly namespace: string,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'rpc') return next.handle();
    const subject = execution.switchToRpc().getContext<{ getSubject(): string }>().getSubject();
    // The label leaves the deployment namespace out, so dashboards read the same everywhere.
    const pattern = subject.startsWith(this.namespace) ? subject.slice(this.namespace.length) : subject;
    const scope = requestScope(execution.switchToRpc().getData());
    const stopTimer = this.metrics.rpcDuration.startTimer({ pattern });
    return new Observable((subscriber) => {
      const run = () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            stopTimer({ outcome: outcomeOf(error) });
            subscriber.error(error);
          },
          complete: () => {
            stopTimer({ outcome: 'ok' });
            subscriber.complete();
          },
        });
      const subscription = scope(run);
      return () => subscription.unsubscribe();
    });
  }
}

function outcomeOf(error: unknown): string {
  return error instanceof RpcError ? error.code : isDependencyOutage(error) ? 'service_unavailable' : 'internal_error';
}

/** Runs a function inside the request's context (request id for the logs) under the caller's trace, when the request carries them. */
function requestScope(payload: unknown): <T>(run: () => T) => T {
  const context: RequestContext | undefined = isRpcRequest(payload) ? payload.context : undefined;
  const parent = context?.traceparent ? propagation.extract(otelContext.active(), { traceparent: context.traceparent }) : otelContext.active();
  return (run) => otelContext.with(parent, () => (context ? runWithRequestContext(context, run) : run()));
}

/**
 * What RpcContextInterceptor and RpcErrorFilter do for a handler in Nest's pipeline, for one
 * called without it (NamespacedServerNats): runs `answer` in the caller's context and trace, times
 * it under the pattern, and turns a failure into the error payload.
 */
export async function answerRequest(
  pattern: string,
  payload: unknown,
  answer: () => Promise<unknown>,
  { metrics, logger }: { metrics: ServiceMetrics; logger: Logger },
): Promise<{ response: unknown } | { err: RpcErrorPayload }> {
  const stopTimer = metrics.rpcDuration.startTimer({ pattern });
  // The error is logged inside the request's context too, so its line carries the request id.
  return requestScope(payload)(async () => {
    try {
      const response = await answer();
      stopTimer({ outcome: 'ok' });
      return { response };
    } catch (error) {
      stopTimer({ outcome: outcomeOf(error) });
      return { err: toPayload(error, logger) };
    }
  });
}
