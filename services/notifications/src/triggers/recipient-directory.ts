import { Injectable } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';

/** The context of a request the service makes on its own account, for an event of a workspace. */
export function systemContext(workspaceId: string, requestId: string): RequestContext {
  return { workspaceId, userId: null, role: null, scopes: [], requestId };
}

/**
 * Users as auth knows them now (auth.users.recipient): address, name, language and preferences
 * are read at send time, not copied, so a changed preference counts from the next notification.
 */
@Injectable()
export class RecipientDirectory {
  constructor(private readonly services: ServiceClient) {}

  /** null for a user the workspace does not have; any other failure throws, and the event is retried. */
  async find(workspaceId: string, userId: string, requestId: string): Promise<AuthRpc.Recipient | null> {
    try {
      return await this.services.send<AuthRpc.Recipient, AuthRpc.RecipientRequest>('auth.users.recipient', { userId }, systemContext(workspaceId, requestId));
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) return null;
      throw error;
    }
  }
}
