import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import { RpcError, ServiceClient } from '@kinship/messaging';
import { currentRequestContext } from '@kinship/observability';
import type { CrmCaller } from './crm-caller.js';

/** A user id a request names as the owner or assignee of a record, with the field that names it. */
export interface NamedUser {
  field: string;
  userId: string | null | undefined;
}

/**
 * The users who may own or be assigned crm records: the active users of the caller's workspace,
 * as the auth service knows them now (auth.users.active; crm keeps no copy of its users).
 */
@Injectable()
export class WorkspaceUsers {
  constructor(private readonly services: ServiceClient) {}

  /**
   * Refuses (422 naming each field) an id of another workspace's user, of a deactivated user or
   * of nobody. The caller needs no question: a deactivated user's sessions end with them. Called
   * before a transaction opens, so no row stays locked during the round trip.
   */
  async assertActive(caller: CrmCaller, named: NamedUser[]): Promise<void> {
    const asked = named.filter((entry): entry is { field: string; userId: string } => typeof entry.userId === 'string' && entry.userId !== caller.userId);
    if (asked.length === 0) return;
    const context = currentRequestContext() ?? { workspaceId: caller.workspaceId, userId: caller.userId, role: caller.role, scopes: caller.scopes, requestId: randomUUID() };
    const reply = await this.services.send<AuthRpc.ActiveUsersReply, AuthRpc.ActiveUsersRequest>(
      'auth.users.active',
      { userIds: asked.map((entry) => entry.userId) },
      { ...context, workspaceId: caller.workspaceId },
    );
    const active = new Set(reply.userIds);
    const refused = asked.filter((entry) => !active.has(entry.userId));
    if (refused.length > 0) throw RpcError.validation(refused.map(({ field }) => ({ field, issue: 'is not an active user of this workspace' })));
  }
}
