import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { OneTimeTokensRepository } from '../common/one-time-tokens.repository.js';
import { issueToken, type TokenKind } from '../common/opaque-tokens.js';
import { InvitationsRepository } from '../invitations/invitations.repository.js';
import type { IssueOneTimeTokenDto, OneTimeLinkKind } from './dto/issue-one-time-token.dto.js';

const TOKEN_KINDS: Record<OneTimeLinkKind, TokenKind> = { invitation: 'kiv', password_reset: 'kpr', email_verification: 'kev' };

/**
 * Mints the token of a requested one-time link when notifications sends its email, so that no
 * event, outbox row or dead letter ever holds one: the plaintext lives in the reply and the
 * email only, and auth keeps its SHA-256. Asking again mints a new token and voids the previous
 * one (a request keeps one hash), so that a retried delivery sends a link that works.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: OneTimeTokensRepository,
    private readonly invitations: InvitationsRepository,
  ) {}

  /** 404 for a request that is not pending (used, replaced, revoked, expired) or unknown: its email is not to be sent. */
  async issue(workspaceId: string, request: IssueOneTimeTokenDto): Promise<AuthRpc.OneTimeToken> {
    const issued = issueToken(TOKEN_KINDS[request.kind], workspaceId);
    const expiresAt = isUuid(request.requestId)
      ? await withWorkspace(this.dataSource, workspaceId, (manager) => this.setTokenHash(manager, workspaceId, request, issued.hash))
      : null;
    if (!expiresAt) throw RpcError.notFound('One-time link request');
    return { token: issued.token, expiresAt: expiresAt.toISOString() };
  }

  private setTokenHash(manager: EntityManager, workspaceId: string, request: IssueOneTimeTokenDto, tokenHash: string): Promise<Date | null> {
    switch (request.kind) {
      case 'invitation':
        return this.invitations.setTokenHash(manager, workspaceId, request.requestId, tokenHash);
      case 'password_reset':
        return this.tokens.setTokenHash(manager, workspaceId, request.requestId, ['password_reset'], tokenHash);
      case 'email_verification':
        return this.tokens.setTokenHash(manager, workspaceId, request.requestId, ['email_verification', 'email_change'], tokenHash);
    }
  }
}
