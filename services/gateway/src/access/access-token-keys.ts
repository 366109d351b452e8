import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError, ServiceClient } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { LOGGER } from '@kinship/platform';

/** The algorithm the auth service signs access tokens with; a token of any other is refused. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
/** Keys older than this are asked for again (in the background), so a retired key stops being trusted. */
export const KEYS_MAX_AGE_MS = 5 * 60_000;
/**
 * A token whose kid is unknown makes the gateway ask the auth service again, at most this often: a
 * rotation is picked up within this time, and a flood of made-up kids costs auth one request a second.
 */
export const UNKNOWN_KID_REFETCH_INTERVAL_MS = 1000;

/**
 * The auth service's public signing keys (auth.signing-keys.jwks), cached in memory: what the
 * gateway verifies access tokens with, and serves at /.well-known/jwks.json.
 */
@Injectable()
export class AccessTokenKeys {
  private keys = new Map<string, KeyObject>();
  private published: AuthRpc.PublicSigningKeySet = { keys: [] };
  private fetchedAt: number | null = null;
  private lastUnknownKidFetch = 0;
  private unknownKidRefresh: Promise<void> | null = null;
  private fetching: Promise<void> | null = null;

  constructor(
    private readonly services: ServiceClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The public key of this kid, or null when the auth service does not publish it. */
  async keyFor(kid: string | undefined): Promise<KeyObject | null> {
    await this.ensureFetched();
    if (kid === undefined) return null;
    if (!this.keys.has(kid)) await this.refreshForUnknownKid();
    return this.keys.get(kid) ?? null;
  }

  /**
   * One ask for every token of an unknown kid that arrives together, and at most one a second: a
   * token signed by a key made since the last ask waits for the next one rather than being refused
   * (a rotation seconds after another token with a kid nobody knows).
   */
  private refreshForUnknownKid(): Promise<void> {
    this.unknownKidRefresh ??= (async () => {
      const wait = this.lastUnknownKidFetch + UNKNOWN_KID_REFETCH_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastUnknownKidFetch = Date.now();
      await this.refresh();
    })().finally(() => {
      this.unknownKidRefresh = null;
    });
    return this.unknownKidRefresh;
  }

  /**
   * Whether the auth service published this kid when the keys were last fetched; never waits, but
   * asks again in the background when they are stale, as keyFor does (a retired key stops being trusted).
   */
  publishes(kid: string): boolean {
    if (this.fetchedAt !== null && Date.now() - this.fetchedAt > KEYS_MAX_AGE_MS) void this.refresh();
    return this.keys.has(kid);
  }

  /** The JWK Set as the auth service published it. */
  async jwks(): Promise<AuthRpc.PublicSigningKeySet> {
    await this.ensureFetched();
    return this.published;
  }

  /** The first time, waits for the keys (503 when auth cannot be asked); later, refreshes stale keys without waiting. */
  private async ensureFetched(): Promise<void> {
    if (this.fetchedAt === null) await this.refresh();
    else if (Date.now() - this.fetchedAt > KEYS_MAX_AGE_MS) void this.refresh();
    if (this.fetchedAt === null) throw RpcError.unavailable('Access tokens cannot be checked right now. Try again shortly.');
  }

  /** One request to the auth service at a time; a failure keeps the keys fetched before. */
  private refresh(): Promise<void> {
    this.fetching ??= this.fetch().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetch(): Promise<void> {
    const context = { workspaceId: null, userId: null, role: null, scopes: [], requestId: randomUUID() };
    try {
      const set = await this.services.send<AuthRpc.PublicSigningKeySet>('auth.signing-keys.jwks', {}, context);
      const usable = set.keys.filter((key) => key.alg === ACCESS_TOKEN_ALGORITHM);
      this.keys = new Map(usable.map((key) => [key.kid, createPublicKey({ key: { ...key }, format: 'jwk' })]));
      this.published = { keys: usable };
      this.fetchedAt = Date.now();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not fetch the access-token signing keys from the auth service');
    }
  }
}
