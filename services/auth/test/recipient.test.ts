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

describe('auth.users.recipient (for notifications)', () => {
  let bed: AuthTestBed;

  beforeAll(async () => {
    bed = await startAuth('auth-recipient');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('answers whom to write to, in which language and time zone, and what they want to receive', async () => {
    const { user, workspace } = await register(bed, 'recipient');
    const preferences = { task_assigned: { email: false, inApp: true } };
    await call(bed, 'auth.me.settings.put', { locale: 'pt-br', timezone: 'America/Sao_Paulo', notifications: preferences }, userContext(user));

    const recipient = await call<AuthRpc.Recipient>(bed, 'auth.users.recipient', { userId: user!.id }, systemContext(user!.workspaceId));
    expect(recipient).toEqual({
      userId: user!.id,
      email: user!.email,
      name: 'recipient person',
      locale: 'pt-BR',
      timezone: 'America/Sao_Paulo',
      active: true,
      notifications: preferences,
      workspaceName: workspace!.name,
    });
  });

  it('says a deactivated member is no longer active', async () => {
    const { user: owner } = await register(bed, 'leaving');
    const invitation = await call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email: uniqueEmail('leaver'), role: 'member' }, userContext(owner));
    const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id);
    const member = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token: await linkToken(bed, invited), name: 'Leaver', password: PASSWORD });
    await call(bed, 'auth.users.deactivate', { id: member.user!.id }, userContext(owner));

    const recipient = await call<AuthRpc.Recipient>(bed, 'auth.users.recipient', { userId: member.user!.id }, systemContext(owner!.workspaceId));
    expect(recipient).toMatchObject({ userId: member.user!.id, active: false });
  });

  it('answers 404 for a user of another workspace, an unknown id or one that is not an id', async () => {
    const { user: mine } = await register(bed, 'mine');
    const { user: theirs } = await register(bed, 'theirs');
    await expectError(call(bed, 'auth.users.recipient', { userId: theirs!.id }, systemContext(mine!.workspaceId)), { status: 404 });
    await expectError(call(bed, 'auth.users.recipient', { userId: newId() }, systemContext(mine!.workspaceId)), { status: 404 });
    await expectError(call(bed, 'auth.users.recipient', { userId: 'nobody' }, systemContext(mine!.workspaceId)), { status: 404 });
    await expectError(call(bed, 'auth.users.recipient', {}, systemContext(mine!.workspaceId)), { status: 422, field: 'userId' });
  });
});
