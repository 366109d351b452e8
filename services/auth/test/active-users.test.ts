import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import { newId } from '@kinship/persistence';
import {
  call,
  expectError,
  linkToken,
  PASSWORD,
  register,
  startAuth,
  systemContext,
  uniqueEmail,
  userContext,
  waitForEvent,
  type AuthTestBed,
} from './support.js';

describe('auth.users.active (for crm owners and assignees)', () => {
  let bed: AuthTestBed;

  beforeAll(async () => {
    bed = await startAuth('auth-active-users');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it("answers which ids are active users of the workspace: not another workspace's, a deactivated, an unknown or a malformed one", async () => {
    const { user: owner } = await register(bed, 'active-owner');
    const { user: stranger } = await register(bed, 'active-stranger');
    const members: AuthRpc.Session[] = [];
    for (const name of ['Stays', 'Leaves']) {
      const invitation = await call<AuthRpc.Invitation>(
        bed,
        'auth.invitations.create',
        { email: uniqueEmail(name.toLowerCase()), role: 'member' },
        userContext(owner),
      );
      const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (event) => event.invitationId === invitation.id);
      members.push(await call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token: await linkToken(bed, invited), name, password: PASSWORD }));
    }
    const [stays, leaves] = members.map((session) => session.user!.id);
    await call(bed, 'auth.users.deactivate', { id: leaves }, userContext(owner));

    const reply = await call<AuthRpc.ActiveUsersReply>(
      bed,
      'auth.users.active',
      { userIds: [owner!.id, stays, leaves, stranger!.id, newId(), 'not-an-id', stays] },
      systemContext(owner!.workspaceId),
    );
    expect(reply.userIds.sort()).toEqual([owner!.id, stays].sort());
    expect(await call<AuthRpc.ActiveUsersReply>(bed, 'auth.users.active', { userIds: [] }, systemContext(owner!.workspaceId))).toEqual({ userIds: [] });
  });

  it('refuses more than 100 ids, or no list, with 422 naming userIds', async () => {
    const { user } = await register(bed, 'active-many');
    await expectError(call(bed, 'auth.users.active', { userIds: Array.from({ length: 101 }, () => newId()) }, systemContext(user!.workspaceId)), {
      status: 422,
      field: 'userIds',
    });
    await expectError(call(bed, 'auth.users.active', {}, systemContext(user!.workspaceId)), { status: 422, field: 'userIds' });
  });
});
