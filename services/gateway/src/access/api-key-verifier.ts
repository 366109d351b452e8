import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isApiKeyScope, userTokensValidAfterKey, type AuthRpc } from '@kinship/contracts';
import { RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { REDIS, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { Redis } from 'ioredis';
import type { ApiKeyCaller } from './authenticated-caller.js';

/**
 * How long a verified key is believed without asking the auth service again: a revoked key
 * keeps working on the gateway for at most this long (docs/permissions.md). A change of its
 * creator's role or status is seen at once (below).
 */
export const VERIFIED_KEY_TTL_SECONDS = 30;
/** How long a refused key is refused without asking again: short, so a fault never locks a partner out for long. */
export const REFUSED_KEY_TTL_SECONDS = 5;

const REFUSED = 'refused';
/** Anything else is not a key the auth service issued, and is refused without asking it. */
const KEY_FORMAT = /^[\x21-\x7e]{16,256}$/;
/** The auth service's answers that mean "no such key" (unknown, revoked, malformed). */
const REFUSAL_STATUSES = new Set([400, 401, 403, 404, 422]);

/** A verification as cached: the caller, whose authority the key acts on, and when auth was asked. */
interface CachedVerification {
  caller: ApiKeyCaller;
  createdBy: string;
  verifiedAtMs: number;
}

/**
 * Whether the creator's sessions were ended (a role change, a deactivation, a new password) since
 * the verification was asked for. The mark is in whole seconds, rounded down, so a verification
 * asked within the same second counts as older: one extra request to auth, never a stale role.
 */
function outdatedBy(validAfterSeconds: string | null, verifiedAtMs: number): boolean {
  return validAfterSeconds !== null && verifiedAtMs < (Number(validAfterSeconds) + 1) * 1000;
}

/**
 * Asks the auth service who an X-Api-Key acts as (`auth.api-keys.verify`: its scopes cut down to
 * its creator's current role), and caches the answer in Redis under a hash of the key, so a busy
 * partner does not cost one request per call. A cached answer is dropped once the auth service
 * marks the creator's sessions ended, which it does on every role change and deactivation.
 */
@Injectable()
export class ApiKeyVerifier {
  constructor(
    private readonly services: ServiceClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
  ) {}

  /** The caller the key acts as, or null when it is not a valid key. */
  async verify(key: string, context: RequestContext): Promise<ApiKeyCaller | null> {
    if (!KEY_FORMAT.test(key)) return null;
    const cacheKey = `kinship:gateway:api-key:${createHash('sha256').update(key).digest('hex')}`;
    // The cache only saves work: when Redis fails, the auth service is asked.
    const cached = await this.redis.get(cacheKey).catch(() => null);
    if (cached === REFUSED) return null;
    if (cached !== null) {
      const { caller, createdBy, verifiedAtMs } = JSON.parse(cached) as CachedVerification;
      // When Redis cannot say whether the creator changed, the auth service is asked.
      const current = await this.redis.get(userTokensValidAfterKey(this.info.namespace, createdBy)).then(
        (validAfter) => !outdatedBy(validAfter, verifiedAtMs),
        () => false,
      );
      if (current) return caller;
    }

    const verifiedAtMs = Date.now();
    let verified: AuthRpc.VerifiedApiKey;
    try {
      verified = await this.services.send<AuthRpc.VerifiedApiKey>('auth.api-keys.verify', { key } satisfies AuthRpc.VerifyApiKeyRequest, context);
    } catch (error) {
      if (!(error instanceof RpcError && REFUSAL_STATUSES.has(error.status))) throw error;
      await this.redis.set(cacheKey, REFUSED, 'EX', REFUSED_KEY_TTL_SECONDS).catch(() => undefined);
      return null;
    }
    const caller: ApiKeyCaller = {
      kind: 'api-key',
      workspaceId: verified.workspaceId,
      keyId: verified.keyId,
      userId: null,
      role: null,
      scopes: verified.scopes.filter(isApiKeyScope),
    };
    const entry: CachedVerification = { caller, createdBy: verified.createdBy, verifiedAtMs };
    await this.redis.set(cacheKey, JSON.stringify(entry), 'EX', VERIFIED_KEY_TTL_SECONDS).catch(() => undefined);
    return caller;
  }
}
