import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { userTokensValidAfterKey, type AuthEvents, type AuthRpc, type Role } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { decodeJwt } from 'jose';
import { call, expectError, linkToken, login, PASSWORD, register, startAuth, uniqueEmail, userContext, waitForEvent, type AuthTestBed } from './support.js';

describe('auth members: invitations, roles, deactivation, tenancy', () => {
  let bed: AuthTestBed;
  let owner: RequestContext;
  let otherOwner: RequestContext;

  const invite = (context: RequestContext, role: Role, email = uniqueEmail(role)) =>
    call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email, role }, context);
  const tokenOf = async (invitation: AuthRpc.Invitation) =>
    linkToken(bed, await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id));
  const accept = (token: string, name = 'Invited Person') => call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token, name, password: PASSWORD });

  /** Invites someone with the role and accepts for them: their session. */
  async function addMember(role: Role, inviter = owner): Promise<AuthRpc.Session> {
    return accept(await tokenOf(await invite(inviter, role)));
  }

  beforeAll(async () => {
    bed = await startAuth('auth-members');
    owner = userContext((await register(bed, 'owner-a')).user);
    otherOwner = userContext((await register(bed, 'owner-b')).user);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('invites by email with a one-time token; accepting creates the member with the role and signs them in', async () => {
    const email = uniqueEmail('invitee');
    const invitation = await invite(owner, 'manager', email.toUpperCase());
    expect(invitation).toMatchObject({ email, role: 'manager', status: 'pending', invitedBy: owner.userId });
    const event = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id);
    expect(event).toMatchObject({ workspaceId: owner.workspaceId, data: { email, role: 'manager', invitedBy: owner.userId, expiresAt: invitation.expiresAt } });
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeGreaterThan(6.99 * 24 * 3600_000);

    const token = await linkToken(bed, event);
    const session = await accept(token, 'Grace Hopper');
    expect(session.user).toMatchObject({ email, name: 'Grace Hopper', role: 'manager', workspaceId: owner.workspaceId, emailVerifiedAt: expect.any(String) });
    const registered = await waitForEvent<AuthEvents.UserRegistered>(bed, 'user.registered', (data) => data.userId === session.user!.id);
    expect(registered.data).toMatchObject({ role: 'manager', invitationId: invitation.id, fullName: 'Grace Hopper' });
    await expectError(accept(token), { status: 400, code: 'invalid_token' });
    const listed = await call<AuthRpc.InvitationPage>(bed, 'auth.invitations.list', {}, owner);
    expect(listed.data.find((item) => item.id === invitation.id)?.status).toBe('accepted');
  });

  it('lets nobody invite above their own role, nor without the permission, and refuses an email that has an account here', async () => {
    const admin = userContext((await addMember('admin')).user);
    await expectError(invite(admin, 'owner'), { status: 403 });
    await expect(invite(admin, 'admin')).resolves.toMatchObject({ role: 'admin' });
    // The matrix gives invitations to admins and owners only; the service checks it against the current role.
    const manager = userContext((await addMember('manager')).user);
    await expectError(invite(manager, 'viewer'), { status: 403 });
    const conflict = await invite(owner, 'member', (await call<AuthRpc.User>(bed, 'auth.me.get', {}, manager)).email).catch((error: unknown) => error);
    expect(conflict).toMatchObject({ status: 409, details: [{ field: 'email', existingId: manager.userId }] });
    const elsewhere = await call<AuthRpc.User>(bed, 'auth.me.get', {}, otherOwner);
    // An account of another workspace is invited like a new address: nothing tells it exists.
    await expect(invite(owner, 'member', elsewhere.email)).resolves.toMatchObject({ email: elsewhere.email, status: 'pending' });
    await expectError(invite(owner, 'emperor' as Role), { status: 422, field: 'role' });
  });

  it('replaces an open invitation to the same email, and refuses revoked and expired ones', async () => {
    const email = uniqueEmail('again');
    const first = await invite(owner, 'member', email);
    const firstToken = await tokenOf(first);
    const second = await invite(owner, 'viewer', email);
    await expectError(accept(firstToken), { status: 400, code: 'invalid_token' });

    const secondToken = await tokenOf(second);
    await expect(call(bed, 'auth.invitations.revoke', { id: second.id }, owner)).resolves.toEqual({});
    await expectError(accept(secondToken), { status: 400, code: 'invalid_token' });

    const third = await invite(owner, 'viewer', email);
    const thirdToken = await tokenOf(third);
    await bed.owner.query(`UPDATE auth.invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [third.id]);
    await expectError(accept(thirdToken), { status: 400, code: 'invalid_token' });
    const statuses = (await call<AuthRpc.InvitationPage>(bed, 'auth.invitations.list', {}, owner)).data
      .filter((item) => item.email === email)
      .map((item) => item.status);
    expect(statuses).toEqual(['expired', 'revoked', 'revoked']);
  });

  it('changes roles within the rank rules and keeps an active owner', async () => {
    const admin = await addMember('admin');
    const adminContext = userContext(admin.user);
    const member = await addMember('member');
    const changeRole = (context: RequestContext, id: string, role: string) => call<AuthRpc.User>(bed, 'auth.users.update', { id, role }, context);

    await expect(changeRole(adminContext, member.user!.id, 'manager')).resolves.toMatchObject({ role: 'manager' });
    const changed = await waitForEvent<AuthEvents.UserRoleChanged>(bed, 'user.role_changed', (data) => data.userId === member.user!.id);
    expect(changed.data).toEqual({ userId: member.user!.id, role: 'manager', previousRole: 'member' });
    // The old session carried the old role: it ends.
    await expectError(call(bed, 'auth.sessions.refresh', { refreshToken: member.refreshToken }), { status: 401 });
    expect(await bed.redis.get(userTokensValidAfterKey(bed.environment.natsNamespace, member.user!.id))).toMatch(/^\d+$/);

    await expectError(changeRole(adminContext, member.user!.id, 'owner'), { status: 403 });
    await expectError(changeRole(adminContext, owner.userId!, 'member'), { status: 403 });
    await expectError(changeRole(owner, owner.userId!, 'admin'), { status: 409, code: 'last_owner' });
    await expectError(changeRole(owner, member.user!.id, 'superuser'), { status: 422, field: 'role' });

    // With a second owner, the first may step down.
    await changeRole(owner, admin.user!.id, 'owner');
    await expect(changeRole(owner, owner.userId!, 'admin')).resolves.toMatchObject({ role: 'admin' });
    const newOwner = userContext((await login(bed, admin.user!.email)).user);
    await changeRole(newOwner, owner.userId!, 'owner');
    const roleAfter = decodeJwt((await login(bed, (await call<AuthRpc.User>(bed, 'auth.me.get', {}, owner)).email)).accessToken).role;
    expect(roleAfter).toBe('owner');
  });

  it('deactivates a member: sessions end, sign-in fails, the gateway is told', async () => {
    const member = await addMember('member');
    const manager = userContext((await addMember('manager')).user);
    await expectError(call(bed, 'auth.users.deactivate', { id: owner.userId }, owner), { status: 403 });
    await expectError(call(bed, 'auth.users.deactivate', { id: owner.userId }, manager), { status: 403 });

    await expect(call(bed, 'auth.users.deactivate', { id: member.user!.id }, owner)).resolves.toEqual({});
    await waitForEvent<AuthEvents.UserDeactivated>(bed, 'user.deactivated', (data) => data.userId === member.user!.id);
    expect(Number(await bed.redis.get(userTokensValidAfterKey(bed.environment.natsNamespace, member.user!.id)))).toBeLessThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
    expect(await bed.redis.ttl(userTokensValidAfterKey(bed.environment.natsNamespace, member.user!.id))).toBeGreaterThan(890);
    await expectError(call(bed, 'auth.sessions.refresh', { refreshToken: member.refreshToken }), { status: 401 });
    await expectError(login(bed, member.user!.email), { status: 401, code: 'invalid_credentials' });
    await expect(call(bed, 'auth.users.get', { id: member.user!.id }, owner)).resolves.toMatchObject({ status: 'deactivated' });
  });

  it('lists members with filters and pages, and refuses bad limits and cursors', async () => {
    for (let index = 0; index < 2; index++) await addMember('viewer');
    const viewers = await call<AuthRpc.UserPage>(bed, 'auth.users.list', { role: 'viewer' }, owner);
    expect(viewers.data.length).toBeGreaterThanOrEqual(2);
    expect(viewers.data.every((user) => user.role === 'viewer')).toBe(true);

    const all = await call<AuthRpc.UserPage>(bed, 'auth.users.list', {}, owner);
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page: AuthRpc.UserPage = await call(bed, 'auth.users.list', { limit: 2, cursor }, owner);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((user) => user.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((user) => user.id));

    const byName = await call<AuthRpc.UserPage>(bed, 'auth.users.list', { q: 'OWNER-A' }, owner);
    expect(byName.data.map((user) => user.id)).toContain(owner.userId);
    await expect(call<AuthRpc.UserPage>(bed, 'auth.users.list', { q: '%' }, owner)).resolves.toMatchObject({ data: [] });

    await expectError(call(bed, 'auth.users.list', { limit: 501 }, owner), { status: 422, field: 'limit' });
    await expectError(call(bed, 'auth.users.list', { limit: 0 }, owner), { status: 422, field: 'limit' });
    await expectError(call(bed, 'auth.users.list', { limit: '10' }, owner), { status: 422, field: 'limit' });
    await expectError(call(bed, 'auth.users.list', { cursor: 'bm90LWEtY3Vyc29y' }, owner), { status: 400, code: 'invalid_cursor' });
  });

  it('answers 404 for another workspace’s members and invitations, and never lists them', async () => {
    const stranger = (await call<AuthRpc.UserPage>(bed, 'auth.users.list', {}, otherOwner)).data[0]!;
    const strangersInvitation = await invite(otherOwner, 'member');
    await expectError(call(bed, 'auth.users.get', { id: stranger.id }, owner), { status: 404, code: 'not_found' });
    await expectError(call(bed, 'auth.users.update', { id: stranger.id, role: 'viewer' }, owner), { status: 404 });
    await expectError(call(bed, 'auth.users.deactivate', { id: stranger.id }, owner), { status: 404 });
    await expectError(call(bed, 'auth.invitations.revoke', { id: strangersInvitation.id }, owner), { status: 404 });
    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      await expectError(call(bed, 'auth.users.get', { id }, owner), { status: 404 });
      await expectError(call(bed, 'auth.invitations.revoke', { id }, owner), { status: 404 });
    }
    const users = await call<AuthRpc.UserPage>(bed, 'auth.users.list', { limit: 500 }, owner);
    expect(users.data.every((user) => user.workspaceId === owner.workspaceId)).toBe(true);
    const invitations = await call<AuthRpc.InvitationPage>(bed, 'auth.invitations.list', { limit: 500 }, owner);
    expect(invitations.data.map((item) => item.id)).not.toContain(strangersInvitation.id);
    await expect(call(bed, 'auth.users.get', { id: stranger.id }, otherOwner)).resolves.toMatchObject({ id: stranger.id });
  });
});
