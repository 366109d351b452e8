import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { createHash } from 'node:crypto';
import { call, expectError, linkToken, PASSWORD, register, startAuth, uniqueEmail, userContext, waitForEvent, type AuthTestBed } from './support.js';

describe('auth API keys', () => {
  let bed: AuthTestBed;
  let owner: RequestContext;
  let otherOwner: RequestContext;

  const create = (context: RequestContext, scopes: unknown = ['contacts:read', 'deals:write'], name: unknown = 'Zapier') =>
    call<AuthRpc.CreatedApiKey>(bed, 'auth.api-keys.create', { name, scopes }, context);
  const verify = (key: string) => call<AuthRpc.VerifiedApiKey>(bed, 'auth.api-keys.verify', { key });

  beforeAll(async () => {
    bed = await startAuth('auth-api-keys');
    owner = userContext((await register(bed, 'keys-a')).user);
    otherOwner = userContext((await register(bed, 'keys-b')).user);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('shows the key once, stores only its hash, and verifies it to its workspace and scopes', async () => {
    const created = await create(owner);
    expect(created.key).toMatch(/^kak_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey).toMatchObject({
      name: 'Zapier',
      scopes: ['contacts:read', 'deals:write'],
      createdBy: owner.userId,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(created.key.startsWith(created.apiKey!.prefix)).toBe(true);
    expect(created.apiKey!.prefix.length).toBeLessThan(created.key.length);

    const [row] = (await bed.owner.query('SELECT key_hash FROM auth.api_keys WHERE id = $1', [created.apiKey!.id])) as Array<{ key_hash: string }>;
    expect(row!.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    const listed = await call<AuthRpc.ApiKeyPage>(bed, 'auth.api-keys.list', {}, owner);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    await expect(verify(created.key)).resolves.toEqual({
      keyId: created.apiKey!.id,
      workspaceId: owner.workspaceId,
      scopes: ['contacts:read', 'deals:write'],
      createdBy: owner.userId,
    });
  });

  it('records the last use, at most once a minute', async () => {
    const { apiKey, key } = await create(owner);
    await verify(key);
    const lastUsed = async () =>
      ((await bed.owner.query('SELECT last_used_at FROM auth.api_keys WHERE id = $1', [apiKey!.id])) as Array<{ last_used_at: Date | null }>)[0]!.last_used_at;
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await verify(key);
    expect(await lastUsed()).toEqual(first);
    await bed.owner.query(`UPDATE auth.api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [apiKey!.id]);
    await verify(key);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    const listed = await call<AuthRpc.ApiKeyPage>(bed, 'auth.api-keys.list', {}, owner);
    expect(listed.data.find((item) => item.id === apiKey!.id)?.lastUsedAt).toEqual(expect.any(String));
  });

  it('revokes a key: verify answers 401 afterwards', async () => {
    const { apiKey, key } = await create(owner);
    await expect(call(bed, 'auth.api-keys.revoke', { id: apiKey!.id }, owner)).resolves.toEqual({});
    await expectError(verify(key), { status: 401, code: 'invalid_api_key' });
    await expect(call(bed, 'auth.api-keys.revoke', { id: apiKey!.id }, owner)).resolves.toEqual({});
    const listed = await call<AuthRpc.ApiKeyPage>(bed, 'auth.api-keys.list', {}, owner);
    expect(listed.data.find((item) => item.id === apiKey!.id)?.revokedAt).toEqual(expect.any(String));
    await expectError(verify('kak_unknown'), { status: 401, code: 'invalid_api_key' });
    await expectError(verify(key.slice(0, -3) + 'abc'), { status: 401, code: 'invalid_api_key' });
  });

  it('stops a key working when the member who created it is deactivated', async () => {
    const invitation = await call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email: uniqueEmail('key-admin'), role: 'admin' }, owner);
    const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id);
    const admin = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token: await linkToken(bed, invited), name: 'Key Admin', password: PASSWORD });
    const { key } = await create(userContext(admin.user));
    await expect(verify(key)).resolves.toMatchObject({ scopes: ['contacts:read', 'deals:write'] });
    await call(bed, 'auth.users.deactivate', { id: admin.user!.id }, owner);
    await expectError(verify(key), { status: 401, code: 'invalid_api_key' });
  });

  it('accepts only scopes an API key may hold', async () => {
    await expectError(create(owner, ['contacts:read', 'users:manage']), { status: 422, field: 'scopes' });
    await expectError(create(owner, ['everything']), { status: 422, field: 'scopes' });
    await expectError(create(owner, []), { status: 422, field: 'scopes' });
    await expectError(create(owner, 'contacts:read'), { status: 422, field: 'scopes' });
    await expectError(create(owner, ['contacts:read', 'contacts:read']), { status: 422, field: 'scopes' });
    await expectError(create(owner, ['contacts:read'], 'k'.repeat(201)), { status: 422, field: 'name' });
  });

  it('answers 404 for another workspace’s keys and never lists them', async () => {
    const theirs = await create(otherOwner);
    await expectError(call(bed, 'auth.api-keys.revoke', { id: theirs.apiKey!.id }, owner), { status: 404, code: 'not_found' });
    await expectError(call(bed, 'auth.api-keys.revoke', { id: 'not-a-uuid' }, owner), { status: 404 });
    const mine = await call<AuthRpc.ApiKeyPage>(bed, 'auth.api-keys.list', { limit: 500 }, owner);
    expect(mine.data.map((item) => item.id)).not.toContain(theirs.apiKey!.id);
    await expect(verify(theirs.key)).resolves.toMatchObject({ workspaceId: otherOwner.workspaceId });
  });
});
