import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents } from '@kinship/contracts';
import { call, expectError, linkToken, PASSWORD, register, startAuth, uniqueEmail, waitForEvent, type AuthTestBed } from './support.js';

describe('auth registration: events, validation, uniqueness', () => {
  let bed: AuthTestBed;

  beforeAll(async () => {
    bed = await startAuth('auth-registration');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('creates a workspace and its owner and publishes workspace.created, user.registered and user.email_verification_requested', async () => {
    const registered = await register(bed, 'events', { name: 'Ada Lovelace', workspaceName: 'Analytical Engines' });
    const user = registered.user!;
    const workspaceId = registered.workspace!.id;
    expect(registered.workspace).toMatchObject({ name: 'Analytical Engines' });
    expect(user.workspaceId).toBe(workspaceId);

    const created = await waitForEvent<AuthEvents.WorkspaceCreated>(bed, 'workspace.created', (data) => data.workspaceId === workspaceId);
    expect(created).toMatchObject({ workspaceId, actorId: user.id, aggregateId: workspaceId, data: { name: 'Analytical Engines', ownerUserId: user.id } });
    const joined = await waitForEvent<AuthEvents.UserRegistered>(bed, 'user.registered', (data) => data.userId === user.id);
    expect(joined).toMatchObject({ workspaceId, data: { email: user.email, fullName: 'Ada Lovelace', role: 'owner' } });
    const verification = await waitForEvent<AuthEvents.UserEmailVerificationRequested>(
      bed,
      'user.email_verification_requested',
      (data) => data.userId === user.id,
    );
    // No token in the event: notifications asks auth for it when it sends the email.
    expect(verification.data).toEqual({ userId: user.id, email: user.email, expiresAt: expect.any(String), requestId: expect.any(String) });
    const validForMs = Date.parse(verification.data.expiresAt) - Date.now();
    expect(validForMs).toBeGreaterThan(23.9 * 3600_000);
    expect(validForMs).toBeLessThanOrEqual(24 * 3600_000);

    // The token is minted when asked for, and only its hash is kept.
    const tokenHash = async () =>
      ((await bed.owner.query('SELECT token_hash FROM auth.one_time_tokens WHERE user_id = $1', [user.id])) as Array<{ token_hash: string | null }>)[0]!
        .token_hash;
    expect(await tokenHash()).toBeNull();
    const token = await linkToken(bed, verification);
    expect(token).toMatch(/^kev_/);
    expect(await tokenHash()).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('verifies the email once with the token; asking for the token again voids the earlier one, and a used request gets none', async () => {
    const registered = await register(bed, 'verify');
    const requested = await waitForEvent<AuthEvents.UserEmailVerificationRequested>(
      bed,
      'user.email_verification_requested',
      (data) => data.userId === registered.user!.id,
    );
    const earlier = await linkToken(bed, requested);
    const token = await linkToken(bed, requested);
    await expectError(call(bed, 'auth.email.verify', { token: earlier }), { status: 400, code: 'invalid_token' });
    await expect(call(bed, 'auth.email.verify', { token })).resolves.toEqual({});
    const [row] = (await bed.owner.query('SELECT email_verified_at FROM auth.users WHERE id = $1', [registered.user!.id])) as Array<{
      email_verified_at: Date | null;
    }>;
    expect(row!.email_verified_at).toBeInstanceOf(Date);
    await expectError(call(bed, 'auth.email.verify', { token }), { status: 400, code: 'invalid_token' });
    await expectError(linkToken(bed, requested), { status: 404 });
    await expectError(call(bed, 'auth.email.verify', { token: 'kev_nonsense' }), { status: 400, code: 'invalid_token' });
    await expectError(call(bed, 'auth.email.verify', { token: registered.refreshToken }), { status: 400, code: 'invalid_token' });
  });

  it('refuses an email that is taken, whatever its case, with 409', async () => {
    const registered = await register(bed, 'taken');
    await expectError(register(bed, 'taken', { email: registered.user!.email.toUpperCase() }), { status: 409, code: 'conflict', field: 'email' });
  });

  it('answers bad input with 422 naming the field', async () => {
    const valid = { email: uniqueEmail('input'), password: PASSWORD, name: 'Valid Name', workspaceName: 'Valid Workspace' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...valid, email: 'not-an-email' }, 'email'],
      [{ ...valid, email: `${'a'.repeat(250)}@example.com` }, 'email'],
      [{ ...valid, name: 'n'.repeat(201) }, 'name'],
      [{ ...valid, name: '   ' }, 'name'],
      [{ ...valid, workspaceName: 'w'.repeat(201) }, 'workspaceName'],
      [{ ...valid, role: 'owner' }, 'role'],
      [{ ...valid, name: 42 }, 'name'],
      [{ ...valid, password: ['not', 'a', 'string'] }, 'password'],
      [{ email: valid.email, password: PASSWORD, name: 'No Workspace' }, 'workspaceName'],
    ];
    for (const [data, field] of cases) {
      await expectError(call(bed, 'auth.registration.register', data), { status: 422, code: 'validation_failed', field });
    }
  });

  it('stores SQL-looking text verbatim', async () => {
    const name = "Robert'); DROP TABLE auth.users;--";
    const registered = await register(bed, 'sql', { name, workspaceName: "' OR 1=1 --" });
    expect(registered.user!.name).toBe(name);
    const [row] = (await bed.owner.query(
      'SELECT u.name, w.name AS workspace FROM auth.users u JOIN auth.workspaces w ON w.id = u.workspace_id WHERE u.id = $1',
      [registered.user!.id],
    )) as Array<{ name: string; workspace: string }>;
    expect(row).toEqual({ name, workspace: "' OR 1=1 --" });
  });
});
