import { Injectable } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError, ServiceClient } from '@kinship/messaging';
import { systemContext } from './recipient-directory.js';

export type OneTimeLinkKind = 'invitation' | 'password_reset' | 'email_verification';

/**
 * The tokens of the one-time links in security emails, asked of auth when the email is queued
 * (auth.one-time-tokens.issue): events carry only the request's id, never a token.
 */
@Injectable()
export class OneTimeLinks {
  constructor(private readonly services: ServiceClient) {}

  /** null when the request is no longer pending (used, replaced, revoked, expired); any other failure throws, and the event is retried. */
  async token(workspaceId: string, kind: OneTimeLinkKind, requestId: string, eventId: string): Promise<string | null> {
    try {
      const issued = await this.services.send<AuthRpc.OneTimeToken, AuthRpc.IssueOneTimeTokenRequest>(
        'auth.one-time-tokens.issue',
        { kind, requestId },
        systemContext(workspaceId, eventId),
      );
      return issued.token;
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) return null;
      throw error;
    }
  }
}
