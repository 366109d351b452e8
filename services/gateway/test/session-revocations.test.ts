import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { revokedSessionKey, userTokensValidAfterKey } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { ServiceInfo } from '@kinship/platform';
import { createTestEnvironment, type TestEnvironment } from '@kinship/testing';
import { Redis } from 'ioredis';
import { SESSION_CHECK_MAX_ENTRIES, SESSION_CHECK_TTL_SECONDS, SessionRevocations } from '../src/access/session-revocations.js';

const now = () => Math.floor(Date.now() / 1000);

describe('session revocations: the gateway’s short in-process cache of the auth service’s records', () => {
  let environment: TestEnvironment;
  let redis: Redis;
  let info: ServiceInfo;

  const clients: Redis[] = [];

  /** A cache over the real Redis (a client of its own), and how many times it has read Redis. */
  function cache(client = new Redis(environment.redisUrl)): { revocations: SessionRevocations; reads: () => number } {
    clients.push(client);
    const mget = jest.spyOn(client, 'mget');
    return { revocations: new SessionRevocations(client, info), reads: () => mget.mock.calls.length };
  }

  beforeAll(async () => {
    environment = await createTestEnvironment('gateway-session-revocations');
    redis = new Redis(environment.redisUrl);
    info = { name: 'gateway', version: 'test', instance: 'test', namespace: environment.natsNamespace, startedAt: new Date() };
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    redis?.disconnect();
    await environment?.dispose();
  });

  it('reads a session’s records once, then answers from memory until the reading is 3 s old', async () => {
    const { revocations, reads } = cache();
    const [sessionId, userId] = [randomUUID(), randomUUID()];
    expect(await revocations.accepts(sessionId, userId, now())).toBe(true);
    expect(await revocations.accepts(sessionId, userId, now())).toBe(true);
    expect(reads()).toBe(1);

    await redis.set(revokedSessionKey(info.namespace, sessionId), '1', 'EX', 60);
    const revokedAt = Date.now();
    // Within the window the old reading stands; once it has passed, the revocation is seen.
    while ((await revocations.accepts(sessionId, userId, now())) && Date.now() - revokedAt < SESSION_CHECK_TTL_SECONDS * 1000 + 1000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await revocations.accepts(sessionId, userId, now())).toBe(false);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(SESSION_CHECK_TTL_SECONDS * 1000 + 500);
    expect(reads()).toBe(2);
  });

  it('refuses tokens issued before the user’s valid-after mark, and accepts later ones, from one reading', async () => {
    const { revocations, reads } = cache();
    const [sessionId, userId] = [randomUUID(), randomUUID()];
    await redis.set(userTokensValidAfterKey(info.namespace, userId), String(now() - 30), 'EX', 60);
    expect(await revocations.accepts(sessionId, userId, now() - 60)).toBe(false);
    expect(await revocations.accepts(sessionId, userId, now() - 30)).toBe(true);
    expect(await revocations.accepts(sessionId, userId, now())).toBe(true);
    expect(reads()).toBe(1);
  });

  it('reads again after forgetAll, and keeps no reading that was asked for before it', async () => {
    const { revocations, reads } = cache();
    const [sessionId, userId] = [randomUUID(), randomUUID()];
    expect(await revocations.accepts(sessionId, userId, now())).toBe(true);
    revocations.forgetAll();
    expect(await revocations.accepts(sessionId, userId, now())).toBe(true);
    expect(reads()).toBe(2);

    // The reading in flight may predate a revocation the forgetAll stands for: used once, not kept.
    revocations.forgetAll();
    const inFlight = revocations.accepts(sessionId, userId, now());
    revocations.forgetAll();
    await redis.set(revokedSessionKey(info.namespace, sessionId), '1', 'EX', 60);
    await inFlight;
    expect(await revocations.accepts(sessionId, userId, now())).toBe(false);
    expect(reads()).toBe(4);
  });

  it(`remembers at most ${SESSION_CHECK_MAX_ENTRIES} sessions, dropping the oldest reading first`, async () => {
    const { revocations, reads } = cache();
    const userId = randomUUID();
    const first = randomUUID();
    await revocations.accepts(first, userId, now());
    const others = Array.from({ length: SESSION_CHECK_MAX_ENTRIES }, () => randomUUID());
    for (let start = 0; start < others.length; start += 500) {
      await Promise.all(others.slice(start, start + 500).map((sessionId) => revocations.accepts(sessionId, userId, now())));
    }
    expect(reads()).toBe(SESSION_CHECK_MAX_ENTRIES + 1);
    // The newest are still remembered; the first was dropped to make room.
    await revocations.accepts(others.at(-1)!, userId, now());
    expect(reads()).toBe(SESSION_CHECK_MAX_ENTRIES + 1);
    await revocations.accepts(first, userId, now());
    expect(reads()).toBe(SESSION_CHECK_MAX_ENTRIES + 2);
  });

  it('answers 503 when Redis cannot be asked and no fresh reading is kept, and caches nothing', async () => {
    const client = new Redis(environment.redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
    const { revocations, reads } = cache(client);
    await expect(revocations.accepts(randomUUID(), randomUUID(), now())).rejects.toMatchObject({
      status: 503,
      code: 'service_unavailable',
    } satisfies Partial<RpcError>);
    await expect(revocations.accepts(randomUUID(), randomUUID(), now())).rejects.toBeInstanceOf(RpcError);
    expect(reads()).toBe(2);
  });
});
