import { createHash } from 'node:crypto';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { RpcError } from '@kinship/messaging';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { from, of, type Observable } from 'rxjs';
import { mergeMap } from 'rxjs/operators';
// Declares `request.caller` on Fastify's request.
import type {} from '../access/authenticated-caller.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEPT_BY_SERVICE = 'kinship:idempotency-key-kept-by-service';
const TTL_SECONDS = 24 * 60 * 60;
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** What Redis keeps per key: first a claim, then the response to give again. */
interface IdempotencyRecord {
  state: 'in_progress' | 'done';
  fingerprint: string;
  status?: number;
  contentType?: string;
  payload?: string;
}

interface IdempotentRequest {
  redisKey: string;
  fingerprint: string;
  replay?: IdempotencyRecord;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotentRequest;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function claimOf(request: FastifyRequest, key: string, namespace: string): IdempotentRequest {
  const caller = request.caller!;
  // Keys belong to their caller: the same key from someone else is another request.
  const scope = caller.kind === 'user' ? `${caller.workspaceId}:user:${caller.userId}` : `${caller.workspaceId}:key:${caller.keyId}`;
  return {
    redisKey: `${namespace}idempotency:${scope}:${sha256(key)}`,
    fingerprint: sha256(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`),
  };
}

/**
 * Marks a route whose service keeps its Idempotency-Key itself, in the transaction of the effect
 * (billing's money-moving operations, contract `idempotencyKey: 'required'`): the gateway checks the
 * key's format and passes it on, and claims nothing in Redis, so the key lives in one place.
 */
export function IdempotencyKeyKeptByService(): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(KEPT_BY_SERVICE, true, descriptor.value as object);
  };
}

/**
 * `Idempotency-Key` on an authenticated POST (API.md "Conventions"): the first request with a key
 * claims it in Redis; its response (2xx or 4xx) is kept 24 h and given again, with
 * `Idempotent-Replayed: true`, to a retry with the same key and body, without a second effect.
 * The same key with another body is a 409; a retry while the first is still running is a 409
 * too, rather than a second effect. A 5xx frees the key so the request can be retried — a
 * timeout (504) after the service acted is the one case a retry may act twice. Public routes
 * ignore the header: without a caller there is no one to keep a response for. Routes whose
 * service keeps the key (IdempotencyKeyKeptByService) are not claimed here: their service's
 * record is exact even after a 504.
 */
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = execution.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || key === undefined || !request.caller) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new RpcError(400, 'invalid_parameter', 'Idempotency-Key must be 1 to 255 printable ASCII characters.', [
        { field: 'Idempotency-Key', issue: 'must be 1 to 255 printable ASCII characters' },
      ]);
    }
    if (Reflect.getMetadata(KEPT_BY_SERVICE, execution.getHandler()) === true) return next.handle();
    const claim = claimOf(request, key, this.namespace);
    return from(this.claim(claim)).pipe(
      mergeMap((earlier) => {
        request.idempotency = { ...claim, replay: earlier ?? undefined };
        // A replay's status and body are put back by the onSend hook; the handler does not run.
        return earlier ? of(null) : next.handle();
      }),
    );
  }

  /** Claims the key, or returns the finished response of the earlier request that claimed it. */
  private async claim(claim: IdempotentRequest): Promise<IdempotencyRecord | null> {
    const record: IdempotencyRecord = { state: 'in_progress', fingerprint: claim.fingerprint };
    if (await this.redis.set(claim.redisKey, JSON.stringify(record), 'EX', TTL_SECONDS, 'NX')) return null;
    const stored = await this.redis.get(claim.redisKey);
    const earlier = stored ? (JSON.parse(stored) as IdempotencyRecord) : null;
    if (earlier && earlier.fingerprint !== claim.fingerprint) {
      throw RpcError.conflict('This Idempotency-Key was already used with a different request.', [
        { field: 'Idempotency-Key', issue: 'was used with a different method, path or body' },
      ]);
    }
    if (!earlier || earlier.state !== 'done') {
      throw new RpcError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.', [
        { field: 'Idempotency-Key', issue: 'is in use by a request in progress' },
      ]);
    }
    return earlier;
  }
}

/** Keeps the response of a request that claimed a key, and gives a replay the kept response. */
export function registerIdempotencyHook(fastify: FastifyInstance, redis: Redis): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const idempotency = request.idempotency;
    if (!idempotency) return payload;
    const { replay } = idempotency;
    if (replay) {
      void reply.code(replay.status!).header('Idempotent-Replayed', 'true');
      if (replay.contentType) void reply.header('content-type', replay.contentType);
      return replay.payload ?? '';
    }
    if (reply.statusCode >= 500) {
      await redis.del(idempotency.redisKey);
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    const record: IdempotencyRecord = {
      state: 'done',
      fingerprint: idempotency.fingerprint,
      status: reply.statusCode,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      payload: typeof payload === 'string' ? payload : '',
    };
    await redis.set(idempotency.redisKey, JSON.stringify(record), 'EX', TTL_SECONDS);
    return payload;
  });
}
