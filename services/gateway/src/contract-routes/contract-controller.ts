import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, StreamableFile, type Type } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOperation, ApiResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AnyOperation, FileReply, HttpMethod } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { Public, RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { IdempotencyKeyKeptByService } from '../http/idempotency.js';

const ROUTE_DECORATORS: Record<HttpMethod, (path: string) => MethodDecorator> = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete };
const TAKES_BODY: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH']);

type Forward = (this: { services: ServiceClient }, params: object, input: object, caller: RequestContext, response: FastifyReply) => Promise<unknown>;

/**
 * The 409 of a route whose service keeps its Idempotency-Key (billing's money routes): a
 * concurrent request with the same key waits for the first and gets its answer, never a 409.
 */
const KEY_REUSED =
  'The Idempotency-Key was already used with a different request (code conflict; details name Idempotency-Key). A request with the key of one still running waits for it and gets its answer.';

/** What Fastify sends a serialised object as. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** `billing.invoices.mark-uncollectible` → `billing_invoices_mark_uncollectible`, the handler's name. */
function handlerName(pattern: string): string {
  return pattern.replace(/[^A-Za-z0-9]/g, '_');
}

/**
 * Serves operations of `@kinship/contracts` (those with a route) as one controller: each route
 * validates its path parameters and its body or query against the contract's classes with the
 * global pipe (400 / 422), checks the contract's permission with the AccessGuard (none for a
 * public one), forwards the merged input to the contract's pattern, and is documented from the
 * contract (summary, description, response schema, error statuses). An operation without output
 * answers no body; one that `produces` a file answers its decoded bytes with that media type.
 * Nothing else is written per operation.
 */
export function contractController(tag: string, operations: readonly AnyOperation[]): Type {
  @ApiTags(tag)
  @Controller()
  class ContractController {
    constructor(readonly services: ServiceClient) {}
  }
  Object.defineProperty(ContractController, 'name', {
    value: `${tag.replace(/(^|-)(\w)/g, (_match, _dash: string, letter: string) => letter.toUpperCase())}ContractController`,
  });
  const prototype = ContractController.prototype as unknown as Record<string, Forward>;

  for (const operation of operations) {
    const { route, permission, pattern, produces } = operation;
    if (!route || !permission) throw new Error(`${pattern} has no route or permission, so the gateway cannot serve it.`);
    const name = handlerName(pattern);
    // A named function: Nest and the OpenAPI explorer find a handler's metadata by its name.
    const forward: Forward = {
      async [name](this: { services: ServiceClient }, params: object, input: object, caller: RequestContext, response: FastifyReply) {
        // An operation without input gets none: a stray query string or body is not the service's to refuse.
        const request = { ...(operation.input ? input : {}), ...params };
        if (!produces) {
          // The service's JSON goes out as it came, not parsed and serialised again.
          const body = await this.services.sendJson(pattern, request, caller);
          if (!operation.output || body === undefined) return undefined;
          void response.type(JSON_TYPE);
          return body;
        }
        const reply = await this.services.send<FileReply>(pattern, request, caller);
        const file = Buffer.from(reply.content, 'base64');
        // The service names the file (number or id, `.pdf`): plain ASCII, nothing to escape.
        return new StreamableFile(file, { type: produces, disposition: `attachment; filename="${reply.fileName}"`, length: file.length });
      },
    }[name]!;
    prototype[name] = forward;

    // What the validation pipe and the OpenAPI document read the parameters as (no class: not validated).
    Reflect.defineMetadata('design:paramtypes', [operation.params ?? Object, operation.input ?? Object, Object, Object], prototype, name);
    Param()(prototype, name, 0);
    (TAKES_BODY.has(route.method) ? Body() : Query())(prototype, name, 1);
    Caller()(prototype, name, 2);
    Res({ passthrough: true })(prototype, name, 3);

    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    const keptByService = operation.idempotencyKey === 'required';
    const decorators: MethodDecorator[] = [
      ROUTE_DECORATORS[route.method](route.path),
      HttpCode(route.status),
      permission === 'public' ? Public() : RequirePermission(permission),
      ApiOperation({ operationId: pattern, summary: operation.summary, description: operation.description }),
      produces
        ? ApiResponse({ status: route.status, description: operation.summary, content: { [produces]: { schema: { type: 'string', format: 'binary' } } } })
        : ApiResponse({ status: route.status, description: operation.summary, ...(operation.output ? { type: operation.output } : {}) }),
      ...operation.errors.map((error) =>
        ApiResponse({
          status: error.status,
          description: error.status === 409 && keptByService ? `${error.description} ${KEY_REUSED}` : error.description,
          type: ErrorResponse,
        }),
      ),
    ];
    if (keptByService) {
      // The service's 409 for a reused key: the gateway's generic one says a key still in use is a 409 too, which is not so here.
      if (!operation.errors.some((error) => error.status === 409)) decorators.push(ApiResponse({ status: 409, description: KEY_REUSED, type: ErrorResponse }));
      decorators.push(
        IdempotencyKeyKeptByService(),
        ApiHeader({
          name: 'Idempotency-Key',
          required: true,
          description: 'Required: the same key never moves money twice (400 idempotency_key_required without it).',
        }),
      );
    }
    if ((operation.params || (operation.input && !TAKES_BODY.has(route.method))) && !operation.errors.some((error) => error.status === 400)) {
      decorators.push(
        ApiBadRequestResponse({ description: 'A path or query parameter is not valid (invalid_parameter); details name it.', type: ErrorResponse }),
      );
    }
    if (operation.input && TAKES_BODY.has(route.method) && !operation.errors.some((error) => error.status === 422)) {
      decorators.push(
        ApiUnprocessableEntityResponse({ description: 'The body is not valid (validation_failed); details name each field.', type: ErrorResponse }),
      );
    }
    for (const decorate of decorators) decorate(prototype, name, descriptor);
  }
  return ContractController;
}
