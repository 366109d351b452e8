import { Catch, HttpException, ServiceUnavailableException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { dependencyUnavailable, INTERNAL_ERROR, isDependencyOutage, RpcError, type ErrorDetail } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { codeForStatus, envelope, type ErrorEnvelope } from './error-envelope.js';
import { JSON_TOO_DEEP } from './json-body.js';

interface FastifyError {
  code: string;
  statusCode?: number;
  message: string;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string' && typeof (error as Partial<FastifyError>).statusCode === 'number';
}

/** Messages of Fastify's own request errors, said in our words. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The Content-Type of the request is not supported; send application/json.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this API accepts.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request says it carries JSON but its body is empty.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length of the request does not match its body.',
};

/** A 429 says when to retry in a detail `{issue: 'retry_after', retryAfterSeconds}` (the auth service's throttling); else a minute. */
function retryAfterSeconds(details: ErrorDetail[]): number {
  const seconds = details.find((detail) => detail.issue === 'retry_after')?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds : 60;
}

/** The checks terminus found down (`{error: {redis: {status: 'down'}}}`), as details. */
function downChecks(exception: unknown): ErrorDetail[] {
  const response = exception instanceof ServiceUnavailableException ? (exception.getResponse() as { error?: Record<string, unknown> }) : undefined;
  return Object.keys(response?.error ?? {}).map((check) => ({ field: check, issue: 'down' }));
}

/** A 503 (a dependency or a service is out) tells clients to come back after a few seconds. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Every error the gateway answers, whatever threw it, leaves as the one envelope with the
 * request id. Faults are logged with their stack and reach the client as a bare 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toEnvelope(exception, String(request.id));
    if (body.error.status === 401 && !reply.hasHeader('www-authenticate')) void reply.header('WWW-Authenticate', 'Bearer realm="kinship"');
    if (body.error.status === 429 && !reply.hasHeader('retry-after')) void reply.header('Retry-After', String(retryAfterSeconds(body.error.details)));
    if (body.error.status === 503 && !reply.hasHeader('retry-after')) void reply.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    void reply.status(body.error.status).send(body);
  }

  private toEnvelope(exception: unknown, requestId: string): ErrorEnvelope {
    // Redis or NATS out under the gateway itself, or its readiness check (terminus) failing.
    if (isDependencyOutage(exception) || exception instanceof ServiceUnavailableException) {
      this.logger.warn({ err: exception, requestId }, 'a dependency is unavailable; the request was answered 503');
      const unavailable = dependencyUnavailable();
      return envelope(unavailable.status, unavailable.code, unavailable.message, requestId, downChecks(exception));
    }
    if (exception instanceof RpcError) {
      if (exception.status >= 500) this.logger.warn({ requestId, code: exception.code, message: exception.message }, 'upstream failure');
      return envelope(exception.status, exception.code, exception.message, requestId, exception.details);
    }
    // Nest hands Fastify's own request errors (bad JSON, too large, wrong media type) over as their cause.
    const fastifyError = isFastifyError(exception)
      ? exception
      : exception instanceof HttpException && isFastifyError(exception.cause)
        ? exception.cause
        : undefined;
    if (fastifyError && fastifyError.statusCode! < 500) {
      if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return envelope(400, 'malformed_json', 'The request body is not valid JSON.', requestId);
      }
      if (fastifyError.code === JSON_TOO_DEEP) return envelope(400, 'malformed_json', fastifyError.message, requestId);
      const status = fastifyError.statusCode!;
      return envelope(status, codeForStatus(status), FASTIFY_MESSAGES[fastifyError.code] ?? fastifyError.message, requestId);
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'code' in response) {
        const typed = response as { code: string; message: string; details?: ErrorEnvelope['error']['details'] };
        return envelope(status, typed.code, typed.message, requestId, typed.details ?? []);
      }
      // Nest's own answer to an unknown route reads "Cannot GET /x".
      const message = status === 404 && /^Cannot [A-Z]+ /.test(exception.message) ? 'No such route.' : exception.message;
      return envelope(status, codeForStatus(status), message, requestId);
    }
    this.logger.error({ err: exception, requestId }, 'unhandled error');
    return envelope(INTERNAL_ERROR.status, INTERNAL_ERROR.code, INTERNAL_ERROR.message, requestId);
  }
}
