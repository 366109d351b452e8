import { Inject, Injectable } from '@nestjs/common';
import { revokedSessionKey, userTokensValidAfterKey } from '@kinship/contracts';
import type { SessionResponse } from '@kinship/contracts/auth';
import { REDIS, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { Redis } from 'ioredis';
import type { EntityManager } from 'typeorm';
import { AuthConfig } from '../auth.config.js';
import { newId } from '@kinship/persistence';
import { issueToken } from '../common/opaque-tokens.js';
import { toUser, type UserRecord } from '../users/user.record.js';
import { AccessTokens } from './access-tokens.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issues and revokes sessions: a refresh-token family and the access tokens it yields. Each
 * method runs in the caller's transaction; the Redis marks are written before it commits, so a
 * revocation the gateway does not learn of fails instead of half-happening.
 */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly config: AuthConfig,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokensRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
  ) {}

  /** A new sign-in: a new family. */
  start(manager: EntityManager, user: UserRecord): Promise<SessionResponse> {
    return this.issue(manager, user, newId());
  }

  /** The next token of an existing family, after its predecessor was rotated. */
  continue(manager: EntityManager, user: UserRecord, familyId: string): Promise<SessionResponse> {
    return this.issue(manager, user, familyId);
  }

  /** Logout or reuse: the family's refresh tokens stop working, and its access tokens at the gateway. */
  async revokeFamily(manager: EntityManager, workspaceId: string, familyId: string): Promise<void> {
    await this.refreshTokens.revokeFamily(manager, workspaceId, familyId);
    await this.redis.set(revokedSessionKey(this.info.namespace, familyId), '1', 'EX', this.config.ACCESS_TOKEN_TTL_SECONDS);
  }

  /** Deactivation, a new password or a new role: every session of the user ends. */
  async revokeAllOfUser(manager: EntityManager, workspaceId: string, userId: string): Promise<void> {
    const families = await this.refreshTokens.revokeAllOfUser(manager, workspaceId, userId);
    // Each live session is named revoked, so its access tokens stop at once; valid-after (whole
    // seconds) also catches a token issued for a session this transaction does not see yet.
    const ttl = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const pipeline = this.redis.multi();
    for (const familyId of families) pipeline.set(revokedSessionKey(this.info.namespace, familyId), '1', 'EX', ttl);
    pipeline.set(userTokensValidAfterKey(this.info.namespace, userId), String(Math.floor(Date.now() / 1000)), 'EX', ttl);
    await pipeline.exec();
  }

  private async issue(manager: EntityManager, user: UserRecord, familyId: string): Promise<SessionResponse> {
    const refresh = issueToken('krt', user.workspaceId);
    await this.refreshTokens.insert(manager, {
      id: newId(),
      workspaceId: user.workspaceId,
      userId: user.id,
      familyId,
      tokenHash: refresh.hash,
      expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * DAY_MS),
    });
    const accessToken = await this.accessTokens.sign({ userId: user.id, workspaceId: user.workspaceId, role: user.role, sessionId: familyId });
    return { accessToken, refreshToken: refresh.token, expiresIn: this.accessTokens.ttlSeconds, user: toUser(user) };
  }
}
