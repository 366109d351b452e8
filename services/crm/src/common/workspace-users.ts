import { Injectable } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError, ServiceClient } from '@kinship/messaging';
import { askingContext, type CrmCaller } from './crm-caller.js';

/**
 * The users who may own or be assigned crm records: the active users of the caller's workspace,
 * as the auth service knows them now (auth.users.active; crm keeps no copy of its users).
 */
@Injectable()
export class WorkspaceUsers {
  constructor(private readonly services: ServiceClient) {}

  /**
   * Refuses (422 naming `field`) the id of another workspace's user, of a deactivated user or of
   * nobody, when a request names one as owner or assignee (absent or null: nothing to check). The
   * caller needs no question: a deactivated user's sessions end with them. Called before a
   * transaction opens, so no row stays locked during the round trip.
   */
  async assertActive(caller: CrmCaller, field: 'ownerId' | 'assigneeId', userId: string | null | undefined): Promise<void> {
    if (typeof userId !== 'string' || userId === caller.userId) return;
    if (!(await this.active(caller, [userId])).includes(userId)) throw RpcError.validation([{ field, issue: 'is not an active user of this workspace' }]);
  }

  /** Which of these ids are active users of the caller's workspace now. */
  async active(caller: CrmCaller, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const reply = await this.services.send<AuthRpc.ActiveUsersReply, AuthRpc.ActiveUsersRequest>('auth.users.active', { userIds }, askingContext(caller));
    return reply.userIds;
  }
}
