import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, type Msg } from '@nats-io/transport-node';
import type { AuthEvents, Role } from '@kinship/contracts';
import { eventStreamName, RpcError, type DomainEvent, type RpcRequest } from '@kinship/messaging';
import type { TestEnvironment } from '@kinship/testing';
import { SignJWT, type JWTPayload } from 'jose';

/** Claims of an access token as the auth service issues it, for a fresh user of the role. */
export function accessClaims(role: Role, overrides: JWTPayload = {}): JWTPayload {
  return { sub: randomUUID(), wid: randomUUID(), role, sid: randomUUID(), typ: 'access', ...overrides };
}

/** An access token signed as the auth service signs them (HS256, issuer kinship, audience kinship-api, 15 min). */
export function signAccessToken(secret: string, claims: JWTPayload, options: { expiresAt?: number; issuedAt?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('kinship')
    .setAudience('kinship-api')
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 900)
    .sign(new TextEncoder().encode(secret));
}

export type StandInHandler = (request: RpcRequest) => unknown;

export interface StandIn {
  /** The requests each pattern received, in order. */
  received: Map<string, RpcRequest[]>;
  close(): Promise<void>;
}

/**
 * A real NATS peer answering the auth service's subjects in the suite's namespace, the way
 * Nest's NATS transport does (`{id, response | err, isDisposed}`), for tests that must not
 * depend on the auth service. A handler throws an RpcError to answer with that error.
 */
export async function authStandIn(environment: TestEnvironment, handlers: Record<string, StandInHandler>): Promise<StandIn> {
  const nats = await connect({ servers: environment.natsUrl });
  const received = new Map<string, RpcRequest[]>();
  for (const [pattern, handle] of Object.entries(handlers)) {
    received.set(pattern, []);
    nats.subscribe(environment.natsNamespace + pattern, {
      callback: (_error, message: Msg) => {
        const packet = message.json<{ id: string; data: RpcRequest }>();
        received.get(pattern)!.push(packet.data);
        try {
          message.respond(JSON.stringify({ id: packet.id, response: handle(packet.data), isDisposed: true }));
        } catch (error) {
          if (!(error instanceof RpcError)) throw error;
          message.respond(JSON.stringify({ id: packet.id, err: error.toPayload(), isDisposed: true }));
        }
      },
    });
  }
  await nats.flush();
  return { received, close: () => nats.close() };
}

/** The one-time token an invitation email carries, read from the user.invited event on the suite's stream. */
export async function invitationToken(environment: TestEnvironment, streams: JetStreamManager, invitationId: string): Promise<string> {
  const stream = eventStreamName(environment.natsNamespace);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { state } = await streams.streams.info(stream);
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
      const message = await streams.streams.getMessage(stream, { seq }).catch(() => null);
      const event = message?.json<DomainEvent<AuthEvents.UserInvited>>();
      if (event?.type === 'user.invited' && event.data.invitationId === invitationId) return event.data.token;
    }
    if (Date.now() > deadline) throw new Error(`no user.invited event for ${invitationId}`);
    await sleep(50);
  }
}
