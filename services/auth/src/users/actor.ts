import { roleHolds, type Permission } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { EntityManager } from 'typeorm';
import type { UserCaller } from '@kinship/messaging';
import type { UserRecord } from './user.record.js';
import type { UsersRepository } from './users.repository.js';

/**
 * The caller as the database knows them now: their current role decides what they may do, not
 * the role in a token that may be minutes old. A deactivated or vanished caller may do nothing.
 */
export async function loadActor(users: UsersRepository, manager: EntityManager, caller: UserCaller): Promise<UserRecord> {
  const actor = await users.find(manager, caller.workspaceId, caller.userId);
  if (!actor || actor.status !== 'active') throw RpcError.forbidden('Your account is not active in this workspace.');
  return actor;
}

/**
 * The permission matrix again, against the actor's current role: the gateway checked it with
 * the role in the token; a change that touches other people's access is checked here too.
 */
export async function loadActorWith(users: UsersRepository, manager: EntityManager, caller: UserCaller, permission: Permission): Promise<UserRecord> {
  const actor = await loadActor(users, manager, caller);
  if (!roleHolds(actor.role, permission)) throw RpcError.forbidden();
  return actor;
}
