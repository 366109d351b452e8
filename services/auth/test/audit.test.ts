import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { postgresOptions } from '@kinship/persistence';
import { DataSource } from 'typeorm';
import {
  call,
  expectError,
  linkToken,
  login,
  OTHER_PASSWORD,
  PASSWORD,
  register,
  startAuth,
  uniqueEmail,
  userContext,
  waitForEvent,
  type AuthTestBed,
} from './support.js';

describe('auth audit log', () => {
  let bed: AuthTestBed;
  let owner: RequestContext;
  let ownerEmail: string;
  let member: AuthRpc.Session;
  let startedAt: string;

  const list = (query: Record<string, unknown> = {}, context = owner) => call<AuthRpc.AuditLogPage>(bed, 'auth.audit-logs.list', query, context);

  beforeAll(async () => {
    bed = await startAuth('auth-audit');
    startedAt = new Date(Date.now() - 1000).toISOString();
    const registered = await register(bed, 'audited');
    owner = { ...userContext(registered.user), ip: '203.0.113.7', userAgent: 'AuditBrowser/2.0' };
    ownerEmail = registered.user!.email;

    // One of each audited action.
    await login(bed, ownerEmail, PASSWORD, owner);
    await expectError(login(bed, ownerEmail, OTHER_PASSWORD, owner), { status: 401 });
    const invitation = await call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email: uniqueEmail('member'), role: 'member' }, owner);
    const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id);
    member = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token: await linkToken(bed, invited), name: 'Member', password: PASSWORD });
    const revoked = await call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email: uniqueEmail('revoked'), role: 'viewer' }, owner);
    await call(bed, 'auth.invitations.revoke', { id: revoked.id }, owner);
    await call(bed, 'auth.users.update', { id: member.user!.id, role: 'manager' }, owner);
    const { apiKey } = await call<AuthRpc.CreatedApiKey>(bed, 'auth.api-keys.create', { name: 'CI', scopes: ['contacts:read'] }, owner);
    await call(bed, 'auth.api-keys.revoke', { id: apiKey!.id }, owner);
    await call(bed, 'auth.me.update', { password: OTHER_PASSWORD, currentPassword: PASSWORD }, owner);
    await call(bed, 'auth.users.deactivate', { id: member.user!.id }, owner);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('records every audited action with actor, target, address and user agent, newest first', async () => {
    const page = await list();
    const actions = page.data.map((entry) => entry.action);
    expect(actions).toEqual([
      'user.deactivated',
      'user.password_changed',
      'api_key.revoked',
      'api_key.created',
      'user.role_changed',
      'invitation.revoked',
      'invitation.created',
      'user.registered',
      'invitation.accepted',
      'invitation.created',
      'user.sign_in_failed',
      'user.signed_in',
      'user.registered',
    ]);
    const roleChange = page.data.find((entry) => entry.action === 'user.role_changed')!;
    expect(roleChange).toMatchObject({
      actorId: owner.userId,
      targetType: 'user',
      targetId: member.user!.id,
      ip: '203.0.113.7',
      userAgent: 'AuditBrowser/2.0',
      metadata: { role: 'manager', previousRole: 'member' },
    });
    const failure = page.data.find((entry) => entry.action === 'user.sign_in_failed')!;
    expect(failure).toMatchObject({ actorId: null, targetId: owner.userId, metadata: { email: ownerEmail, reason: 'wrong_password' } });
    expect(JSON.stringify(page)).not.toContain(PASSWORD);
    expect(JSON.stringify(page)).not.toContain(OTHER_PASSWORD);
  });

  it('records failed sign-ins of unknown emails outside any workspace', async () => {
    const email = uniqueEmail('ghost');
    await expectError(login(bed, email), { status: 401 });
    const rows = (await bed.owner.query(`SELECT workspace_id, actor_id, action FROM auth.audit_logs WHERE metadata->>'email' = $1`, [email])) as unknown[];
    expect(rows).toEqual([{ workspace_id: null, actor_id: null, action: 'user.sign_in_failed' }]);
    expect(JSON.stringify(await list())).not.toContain(email);
  });

  it('filters by user, action and time, and pages', async () => {
    const byMember = await list({ userId: member.user!.id });
    expect(byMember.data.map((entry) => entry.action).sort()).toEqual(['invitation.accepted', 'user.deactivated', 'user.registered', 'user.role_changed']);
    const created = await list({ action: 'invitation.created' });
    expect(created.data).toHaveLength(2);
    await expect(list({ from: new Date(Date.now() + 60_000).toISOString() })).resolves.toMatchObject({ data: [] });
    expect((await list({ from: startedAt, to: new Date(Date.now() + 60_000).toISOString() })).data.length).toBe((await list()).data.length);
    await expect(list({ to: startedAt })).resolves.toMatchObject({ data: [] });

    const first = await list({ limit: 5 });
    expect(first.data).toHaveLength(5);
    const second = await list({ limit: 5, cursor: first.nextCursor });
    expect(second.data[0]!.id < first.data[4]!.id).toBe(true);

    await expectError(list({ userId: 'someone' }), { status: 422, field: 'userId' });
    await expectError(list({ from: 'yesterday' }), { status: 422, field: 'from' });
    await expectError(list({ cursor: 'x' }), { status: 400, code: 'invalid_cursor' });
  });

  it('shows another workspace nothing', async () => {
    const stranger = userContext((await register(bed, 'stranger')).user);
    const theirs = await list({}, stranger);
    expect(theirs.data.map((entry) => entry.action)).toEqual(['user.registered']);
    expect(theirs.data[0]!.actorId).toBe(stranger.userId);
  });

  it('is append-only: the service’s role may not update or delete, and the table’s owner is stopped by a trigger', async () => {
    const runtime = new DataSource(postgresOptions({ url: bed.environment.databaseUrl, schema: 'auth', runtimeRole: 'kinship_auth_app', poolSize: 1 }));
    await runtime.initialize();
    try {
      await expect(runtime.query(`UPDATE auth.audit_logs SET action = 'forged'`)).rejects.toThrow(/permission denied/);
      await expect(runtime.query('DELETE FROM auth.audit_logs')).rejects.toThrow(/permission denied/);
    } finally {
      await runtime.destroy();
    }
    await expect(bed.owner.query(`UPDATE auth.audit_logs SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(bed.owner.query('DELETE FROM auth.audit_logs')).rejects.toThrow(/append-only/);
    await expect(bed.owner.query('TRUNCATE auth.audit_logs')).rejects.toThrow(/append-only|permission/);
  });
});
