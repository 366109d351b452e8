import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestContext } from '@kinship/observability';
import type { FastifyRequest } from 'fastify';

/** Who is calling, as the services are told: anonymous until authentication sets `request.caller`. */
export function callerContext(request: FastifyRequest & { caller?: Omit<RequestContext, 'requestId'> }): RequestContext {
  return {
    workspaceId: request.caller?.workspaceId ?? null,
    userId: request.caller?.userId ?? null,
    role: request.caller?.role ?? null,
    scopes: request.caller?.scopes ?? [],
    requestId: String(request.id),
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  };
}

export const Caller = createParamDecorator((_: unknown, execution: ExecutionContext) => callerContext(execution.switchToHttp().getRequest()));
