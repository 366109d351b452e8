import { Inject, Injectable } from '@nestjs/common';
import { revokedSessionKey, userTokensValidAfterKey, type AnyOperation } from '@kinship/contracts';
import { DeactivateUser, Logout, Refresh, ResetPassword, UpdateMe, UpdateUser } from '@kinship/contracts/auth';
import { RpcError } from '@kinship/messaging';
import { REDIS, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { servedPath } from '../http/paths.js';

/**
 * How long the gateway believes the revocation records it read for a session without reading them
 * again: a session ended through another gateway process (or by the auth service on its own) is
 * still accepted here for at most this long (docs/permissions.md). One ended through this gateway
 * is refused on the next request (registerSessionEndHook).
 */
export const SESSION_CHECK_TTL_SECONDS = 3;
/** At most this many sessions are remembered; the oldest reading goes first. */
export const SESSION_CHECK_MAX_ENTRIES = 10_000;

/** What the auth service's records said about one session and its user, and until when it is believed. */
interface Reading {
  revoked: boolean;
  /** Unix seconds: the user's tokens issued before it are refused. */
  validAfter: number | null;
  expiresAtMs: number;
}

/**
 * The auth service's revocation records (Redis: a logged-out session; every session of a user
 * before a time), read once per session every SESSION_CHECK_TTL_SECONDS instead of on every
 * request, in this process, bounded in size.
 */
@Injectable()
export class SessionRevocations {
  private readonly readings = new Map<string, Reading>();
  /** Counts forgetAll(): a reading asked for before one is not kept, as it may predate the revocation. */
  private generation = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
  ) {}

  /** Whether an access token of the session, issued at `issuedAt` (Unix seconds), is still good. */
  async accepts(sessionId: string, userId: string, issuedAt: number): Promise<boolean> {
    const key = `${sessionId}/${userId}`;
    const now = Date.now();
    const cached = this.readings.get(key);
    const reading = cached !== undefined && cached.expiresAtMs > now ? cached : await this.read(key, sessionId, userId, now);
    return !reading.revoked && (reading.validAfter === null || reading.validAfter <= issuedAt);
  }

  /** Drops every reading: the next request of each session reads Redis again. */
  forgetAll(): void {
    this.generation++;
    this.readings.clear();
  }

  private async read(key: string, sessionId: string, userId: string, now: number): Promise<Reading> {
    const generation = this.generation;
    const [revoked, validAfter] = await this.redis
      .mget(revokedSessionKey(this.info.namespace, sessionId), userTokensValidAfterKey(this.info.namespace, userId))
      .catch(() => {
        // Without Redis a revoked session cannot be told apart from a live one, so no token is accepted.
        throw RpcError.unavailable('Sign-ins cannot be checked right now. Try again shortly.');
      });
    // Believed from when it was asked for, not from when the answer came.
    const reading: Reading = {
      revoked: revoked !== null,
      validAfter: validAfter === null ? null : Number(validAfter),
      expiresAtMs: now + SESSION_CHECK_TTL_SECONDS * 1000,
    };
    if (generation === this.generation) {
      this.readings.delete(key);
      if (this.readings.size >= SESSION_CHECK_MAX_ENTRIES) this.readings.delete(this.readings.keys().next().value!);
      this.readings.set(key, reading);
    }
    return reading;
  }
}

/**
 * The routes whose operations can end sessions (the auth service writes revocation records), and
 * whether a given answer may have: a sign-out, a new password, a role change, a deactivation, and a
 * refresh that was refused (reusing a spent refresh token ends its session). An operation that
 * comes to end sessions belongs here.
 */
const ENDS_SESSIONS: ReadonlyMap<string, (statusCode: number) => boolean> = new Map(
  [Logout, ResetPassword, UpdateMe, UpdateUser, DeactivateUser, Refresh].map((operation) => [
    routeOf(operation),
    operation === Refresh ? (statusCode: number) => statusCode >= 400 : () => true,
  ]),
);

/** `POST /api/v1/auth/logout`: the method and the route as Fastify names it. */
function routeOf(operation: AnyOperation): string {
  if (!operation.route) throw new Error(`${operation.pattern} has no route`);
  return `${operation.route.method} ${servedPath(operation.route.path)}`;
}

/**
 * A session ended through this gateway is refused from the next request on: before the answer to
 * an operation that may have ended sessions leaves, every cached reading is dropped (the operation
 * does not say which sessions it ended; a logout names only its refresh token).
 */
export function registerSessionEndHook(fastify: FastifyInstance, revocations: SessionRevocations): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const endsSessions = ENDS_SESSIONS.get(`${request.method} ${request.routeOptions.url ?? ''}`);
    if (endsSessions?.(reply.statusCode)) revocations.forgetAll();
    done(null, payload);
  });
}
