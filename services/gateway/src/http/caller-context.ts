import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestContext } from '@kinship/observability';
import type { FastifyRequest } from 'fastify';
// Declares `request.caller` on Fastify's request.
import type {} from '../access/authenticated-caller.js';

/** Who is calling, as the services are told: anonymous on public routes, else the caller authentication accepted. */
export function callerContext(request: FastifyRequest): RequestContext {
  return {
    workspaceId: request.caller?.workspaceId ?? null,
    userId: request.caller?.userId ?? null,
    role: request.caller?.role ?? null,
    scopes: request.caller?.scopes ?? [],
    requestId: String(request.id),
    ip: request.ip,
    userAgent: request.headers['user-agent'],
    ...(typeof request.headers['idempotency-key'] === 'string' ? { idempotencyKey: request.headers['idempotency-key'] } : {}),
  };
}

export const Caller = createParamDecorator((_: unknown, execution: ExecutionContext) => callerContext(execution.switchToHttp().getRequest()));
