import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ROLE_RANK, type AuthEvents, type AuthRpc } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { UserCaller } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { pagePosition, toPage } from '@kinship/messaging';
import { SessionTokens } from '../sessions/session-tokens.service.js';
import { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import { loadActorWith } from './actor.js';
import type { ListUsersQuery } from '@kinship/contracts/auth';
import type { UpdateUserRequest } from './dto/update-user.dto.js';
import { toUser, type UserRecord } from './user.record.js';
import { UsersRepository } from './users.repository.js';

function userNotFound(): RpcError {
  return RpcError.notFound('User');
}

function lastOwnerError(): RpcError {
  return new RpcError(409, 'last_owner', 'The workspace must keep at least one active owner.', [
    { field: 'role', issue: 'would leave the workspace without an active owner' },
  ]);
}

/** The workspace's members: listing them, and (admins) changing roles and deactivating. */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly sessionTokens: SessionTokens,
    private readonly audit: AuditService,
  ) {}

  async list(workspaceId: string, query: ListUsersQuery): Promise<AuthRpc.UserPage> {
    const position = pagePosition(query);
    const filter = { role: query.role ?? null, status: query.status ?? null, q: query.q ?? null };
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) => this.users.list(manager, workspaceId, filter, position));
    return toPage(rows, position, toUser);
  }

  async get(workspaceId: string, id: string): Promise<AuthRpc.User> {
    if (!isUuid(id)) throw userNotFound();
    const user = await withWorkspace(this.dataSource, workspaceId, (manager) => this.users.find(manager, workspaceId, id));
    if (!user) throw userNotFound();
    return toUser(user);
  }

  /** Which of the ids are active users of the workspace (crm's owner and assignee checks); what is not a UUID is none. */
  async active(workspaceId: string, userIds: string[]): Promise<AuthRpc.ActiveUsersReply> {
    const ids = [...new Set(userIds.filter(isUuid))];
    if (ids.length === 0) return { userIds: [] };
    return { userIds: await withWorkspace(this.dataSource, workspaceId, (manager) => this.users.activeIds(manager, workspaceId, ids)) };
  }

  /** Who a notification goes to; a deactivated user is returned too (active: false), so the sender can say why it sent nothing. */
  async recipient(workspaceId: string, userId: string): Promise<AuthRpc.Recipient> {
    if (!isUuid(userId)) throw userNotFound();
    const found = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const user = await this.users.find(manager, workspaceId, userId);
      return user ? { user, workspaceName: await this.workspaces.name(manager, workspaceId) } : null;
    });
    if (!found) throw userNotFound();
    const { user, workspaceName } = found;
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
      timezone: user.timezone,
      active: user.status === 'active',
      notifications: user.notificationPreferences,
      workspaceName: workspaceName ?? '',
    };
  }

  /**
   * One may assign only roles at or below one's own, may not change someone who outranks
   * one, and may not leave the workspace without an active owner. The member's sessions end,
   * so their next token carries the new role.
   */
  async changeRole(caller: UserCaller, input: UpdateUserRequest, context: RequestContext): Promise<AuthRpc.User> {
    if (!isUuid(input.id)) throw userNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const { actor, target } = await this.loadChange(manager, caller, input.id);
      if (ROLE_RANK[input.role] > ROLE_RANK[actor.role]) throw RpcError.forbidden('You can only assign roles at or below your own.');
      if (target.role === input.role) return toUser(target);
      if (target.role === 'owner' && target.status === 'active' && (await this.users.countActiveOwners(manager, workspaceId)) <= 1) throw lastOwnerError();
      const updated = await this.users.setRole(manager, workspaceId, target.id, input.role);
      await this.sessionTokens.revokeAllOfUser(manager, workspaceId, target.id);
      await emit<AuthEvents.UserRoleChanged>({
        type: 'user.role_changed',
        workspaceId,
        actorId: actor.id,
        aggregateId: target.id,
        data: { userId: target.id, role: input.role, previousRole: target.role },
      });
      await this.audit.record(manager, {
        workspaceId,
        actorId: actor.id,
        action: 'user.role_changed',
        target: { type: 'user', id: target.id },
        metadata: { role: input.role, previousRole: target.role },
        context,
      });
      return toUser(updated);
    });
  }

  /** Soft: the account stays (records keep pointing at it) but cannot sign in, and every session ends. */
  async deactivate(caller: UserCaller, id: string, context: RequestContext): Promise<Record<string, never>> {
    if (!isUuid(id)) throw userNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const { actor, target } = await this.loadChange(manager, caller, id);
      if (target.id === actor.id) throw RpcError.forbidden('You cannot deactivate yourself.');
      if (target.status === 'deactivated') return;
      if (target.role === 'owner' && (await this.users.countActiveOwners(manager, workspaceId)) <= 1) throw lastOwnerError();
      await this.users.setStatus(manager, workspaceId, target.id, 'deactivated');
      await this.sessionTokens.revokeAllOfUser(manager, workspaceId, target.id);
      await emit<AuthEvents.UserDeactivated>({ type: 'user.deactivated', workspaceId, actorId: actor.id, aggregateId: target.id, data: { userId: target.id } });
      await this.audit.record(manager, { workspaceId, actorId: actor.id, action: 'user.deactivated', target: { type: 'user', id: target.id }, context });
    });
    return {};
  }

  /** Locks the membership, then loads both sides of a change and checks that the actor may touch the target. */
  private async loadChange(manager: EntityManager, caller: UserCaller, targetId: string): Promise<{ actor: UserRecord; target: UserRecord }> {
    await this.workspaces.lockMembership(manager, caller.workspaceId);
    const actor = await loadActorWith(this.users, manager, caller, 'users:manage');
    const target = await this.users.find(manager, caller.workspaceId, targetId);
    if (!target) throw userNotFound();
    if (ROLE_RANK[target.role] > ROLE_RANK[actor.role]) throw RpcError.forbidden('You cannot change a member who outranks you.');
    return { actor, target };
  }
}
