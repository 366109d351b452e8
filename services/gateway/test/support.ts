import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, type Msg } from '@nats-io/transport-node';
import type { AuthEvents, AuthRpc, Role } from '@kinship/contracts';
import { eventStreamName, NamespacedClientNats, RpcError, ServiceClient, type DomainEvent, type RpcRequest } from '@kinship/messaging';
import type { TestEnvironment } from '@kinship/testing';
import { calculateJwkThumbprint, SignJWT, type JWTPayload } from 'jose';
import pg from 'pg';
import { openPrivateKey } from '../../auth/src/signing-keys/key-encryption.js';

/** Claims of an access token as the auth service issues it, for a fresh user of the role. */
export function accessClaims(role: Role, overrides: JWTPayload = {}): JWTPayload & { sub: string; sid: string } {
  return { sub: randomUUID(), wid: randomUUID(), role, sid: randomUUID(), typ: 'access', ...overrides } as JWTPayload & { sub: string; sid: string };
}

/** A key that signs access tokens: its kid and private key. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A signing key made as the auth service makes them (Ed25519, kid = thumbprint), with the JWK an auth stand-in publishes. */
export async function testSigningKey(): Promise<SigningKey & { publicJwk: AuthRpc.PublicSigningKey }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { kty, crv, x } = publicKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty, crv, x });
  return { kid, privateKey, publicJwk: { kty: kty!, crv: crv!, x: x!, kid, alg: 'EdDSA', use: 'sig' } };
}

/**
 * The running auth service's current signing key, read from its table as the superuser and
 * opened with the suite's key-encryption key: for tokens a real auth could have issued (an
 * expired one, one for a user of any role).
 */
export async function authSigningKey(environment: TestEnvironment): Promise<SigningKey> {
  const client = new pg.Client({ connectionString: environment.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; sealed: Buffer }>(
      'SELECT kid, private_key_encrypted AS sealed FROM auth.signing_keys WHERE retired_at IS NULL',
    );
    const { kid, sealed } = rows[0]!;
    const der = openPrivateKey(Buffer.from(environment.env.AUTH_KEY_ENCRYPTION_KEY!, 'base64'), kid, sealed);
    return { kid, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  } finally {
    await client.end();
  }
}

/** An access token signed as the auth service signs them (EdDSA with a kid, issuer kinship, audience kinship-api, 15 min). */
export function signAccessToken(key: SigningKey, claims: JWTPayload, options: { expiresAt?: number; issuedAt?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid })
    .setIssuer('kinship')
    .setAudience('kinship-api')
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 900)
    .sign(key.privateKey);
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

/** The one-time token an invitation email carries: auth issues it for the user.invited event on the suite's stream. */
export async function invitationToken(environment: TestEnvironment, streams: JetStreamManager, invitationId: string): Promise<string> {
  const stream = eventStreamName(environment.natsNamespace);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { state } = await streams.streams.info(stream);
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
      const message = await streams.streams.getMessage(stream, { seq }).catch(() => null);
      const event = message?.json<DomainEvent<AuthEvents.UserInvited>>();
      if (event?.type === 'user.invited' && event.data.invitationId === invitationId) {
        // The event carries no token: notifications asks auth for it, and so does this test.
        const client = new ServiceClient(new NamespacedClientNats({ servers: environment.natsUrl }, environment.natsNamespace), 5000);
        try {
          const context = { workspaceId: event.workspaceId, userId: null, role: null, scopes: [], requestId: `test-${event.id}` };
          return (await client.send<AuthRpc.OneTimeToken>('auth.one-time-tokens.issue', { kind: 'invitation', requestId: invitationId }, context)).token;
        } finally {
          await client.close();
        }
      }
    }
    if (Date.now() > deadline) throw new Error(`no user.invited event for ${invitationId}`);
    await sleep(50);
  }
}
