import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@kinship/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { envelope } from './error-envelope.js';

/**
 * Fastify's router answers some requests itself, before any hook or Nest filter runs: a path
 * parameter longer than maxParamLength (100 characters; ids and tokens are shorter), a path
 * that is not valid percent-encoding. frameworkErrors lets the gateway answer them in the envelope.
 */
const ROUTER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A path parameter is longer than this API accepts.' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_request', message: 'The path is not a valid URL.' },
};

/** Fastify's default maxParamLength, which the gateway keeps. */
export const MAX_PARAM_LENGTH = 100;

/** Answers a router error of ROUTER_ERRORS in the envelope. */
export function answerRouterError(code: keyof typeof ROUTER_ERRORS, request: FastifyRequest, reply: FastifyReply): void {
  const { status, message } = ROUTER_ERRORS[code]!;
  void reply
    .status(status)
    .header('X-Request-Id', request.id)
    .send(envelope(status, ROUTER_ERRORS[code]!.code, message, String(request.id)));
}

/** Fastify's `frameworkErrors` option: router errors in the envelope, with the request id. */
export function frameworkErrorHandler(logger: Logger) {
  return (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    const known = ROUTER_ERRORS[error.code ?? ''];
    if (!known) logger.error({ err: error, requestId: request.id }, 'unhandled framework error');
    const { status, code, message } = known ?? {
      status: 500,
      code: 'internal_error',
      message: 'Something went wrong on our side. Quote the request id if you contact support.',
    };
    void reply
      .status(status)
      .header('X-Request-Id', request.id)
      .send(envelope(status, code, message, String(request.id)));
  };
}

/** What Node's HTTP parser refused, said in the envelope: it never reached Fastify, so it has no request id but a fresh one. */
function clientErrorOf(code: string | undefined): { status: number; code: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'headers_too_large', message: 'The URL and headers of the request are larger than this API accepts (16 KiB).' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'request_timeout', message: 'The request was not received in time.' };
  return { status: 400, code: 'bad_request', message: 'The request is not valid HTTP.' };
}

/**
 * Fastify's `clientErrorHandler` (Node's server `clientError` event): a request too large or
 * too malformed for Node's parser (a URL over the 16 KiB header limit is the common case) is
 * answered in the envelope instead of Fastify's own JSON, and the connection closed, as Node does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = clientErrorOf(error.code);
  const requestId = randomUUID();
  const body = JSON.stringify(envelope(status, code, message, requestId));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
