import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { userTokensValidAfterKey, type AuthEvents, type AuthRpc } from '@kinship/contracts';
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

describe('auth passwords and profile: reset, change, email change, settings', () => {
  let bed: AuthTestBed;

  beforeAll(async () => {
    bed = await startAuth('auth-profile');
  });

  afterAll(async () => {
    await bed?.close();
  });

  /** The reset request's event, and the token of its link as notifications gets it. */
  const resetToken = async (userId: string) => {
    const requested = await waitForEvent<AuthEvents.UserPasswordResetRequested>(bed, 'user.password_reset_requested', (data) => data.userId === userId);
    return { ...requested.data, token: await linkToken(bed, requested) };
  };

  it('resets a forgotten password with a one-time token, ending every session', async () => {
    const registered = await register(bed, 'forgot');
    const { user } = registered;
    await expect(call(bed, 'auth.passwords.forgot', { email: user!.email.toUpperCase() })).resolves.toEqual({});
    const requested = await resetToken(user!.id);
    expect(requested).toEqual({
      userId: user!.id,
      email: user!.email,
      expiresAt: expect.any(String),
      requestId: expect.any(String),
      token: expect.stringMatching(/^kpr_/),
    });
    expect(Date.parse(requested.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);

    // A password the policy refuses leaves the token usable.
    await expectError(call(bed, 'auth.passwords.reset', { token: requested.token, password: 'short' }), { status: 422, field: 'password' });
    await expect(call(bed, 'auth.passwords.reset', { token: requested.token, password: OTHER_PASSWORD })).resolves.toEqual({});
    await expectError(call(bed, 'auth.passwords.reset', { token: requested.token, password: OTHER_PASSWORD }), { status: 400, code: 'invalid_token' });

    await expectError(call(bed, 'auth.sessions.refresh', { refreshToken: registered.refreshToken }), { status: 401 });
    expect(Number(await bed.redis.get(userTokensValidAfterKey(bed.environment.natsNamespace, user!.id)))).toBeGreaterThan(Date.now() / 1000 - 10);
    await expectError(login(bed, user!.email, PASSWORD), { status: 401, code: 'invalid_credentials' });
    await expect(login(bed, user!.email, OTHER_PASSWORD)).resolves.toBeDefined();
  });

  it('answers forgot the same for an unknown email, and refuses an expired token', async () => {
    await expect(call(bed, 'auth.passwords.forgot', { email: uniqueEmail('nobody') })).resolves.toEqual({});
    const { user } = await register(bed, 'expired');
    await call(bed, 'auth.passwords.forgot', { email: user!.email });
    const { token } = await resetToken(user!.id);
    await bed.owner.query(`UPDATE auth.one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user!.id]);
    await expectError(call(bed, 'auth.passwords.reset', { token, password: OTHER_PASSWORD }), { status: 400, code: 'invalid_token' });
    await expectError(call(bed, 'auth.passwords.reset', { token: token.replace(/^kpr_/, 'kev_'), password: OTHER_PASSWORD }), {
      status: 400,
      code: 'invalid_token',
    });
  });

  it('changes the password only with the current one, and ends every session', async () => {
    const registered = await register(bed, 'change');
    const context = userContext(registered.user);
    await expectError(call(bed, 'auth.me.update', { password: OTHER_PASSWORD }, context), { status: 422, field: 'currentPassword' });
    await expectError(call(bed, 'auth.me.update', { password: OTHER_PASSWORD, currentPassword: 'wrong-password-entirely' }, context), {
      status: 422,
      field: 'currentPassword',
    });
    await expectError(call(bed, 'auth.me.update', { password: registered.user!.email, currentPassword: PASSWORD }, context), {
      status: 422,
      field: 'password',
    });
    await call(bed, 'auth.me.update', { password: OTHER_PASSWORD, currentPassword: PASSWORD }, context);
    await expectError(call(bed, 'auth.sessions.refresh', { refreshToken: registered.refreshToken }), { status: 401 });
    await expect(login(bed, registered.user!.email, OTHER_PASSWORD)).resolves.toBeDefined();
  });

  it('changes the name and the avatar at once, and the email only once the new address is verified', async () => {
    const registered = await register(bed, 'email');
    const oldEmail = registered.user!.email;
    const context = userContext(registered.user);
    const first = await waitForEvent<AuthEvents.UserEmailVerificationRequested>(
      bed,
      'user.email_verification_requested',
      (data) => data.userId === registered.user!.id,
    );
    await call(bed, 'auth.email.verify', { token: await linkToken(bed, first) });

    const newEmail = uniqueEmail('moved');
    await expectError(call(bed, 'auth.me.update', { email: newEmail }, context), { status: 422, field: 'currentPassword' });
    const updated = await call<AuthRpc.User>(
      bed,
      'auth.me.update',
      { name: 'New Name', email: newEmail.toUpperCase(), currentPassword: PASSWORD, avatarUrl: 'https://cdn.example.com/a.png' },
      context,
    );
    expect(updated).toMatchObject({
      name: 'New Name',
      email: oldEmail,
      pendingEmail: newEmail,
      avatarUrl: 'https://cdn.example.com/a.png',
      emailVerifiedAt: expect.any(String),
    });
    const notice = await waitForEvent<AuthEvents.UserEmailChangeRequested>(bed, 'user.email_change_requested', (data) => data.userId === registered.user!.id);
    expect(notice.data).toEqual({ userId: registered.user!.id, email: oldEmail, newEmail });
    const second = await waitForEvent<AuthEvents.UserEmailVerificationRequested>(bed, 'user.email_verification_requested', (data) => data.email === newEmail);
    await call(bed, 'auth.email.verify', { token: await linkToken(bed, second) });
    await expect(call(bed, 'auth.me.get', {}, context)).resolves.toMatchObject({ email: newEmail, pendingEmail: null, emailVerifiedAt: expect.any(String) });
    await expect(call(bed, 'auth.users.get', { id: registered.user!.id }, context)).resolves.not.toHaveProperty('pendingEmail');

    const cleared = await call<AuthRpc.User>(bed, 'auth.me.update', { avatarUrl: null }, context);
    expect(cleared.avatarUrl).toBeNull();
    // Another account's address: the same answer as a free one, and it stays the other account's.
    const other = await register(bed, 'other');
    await expect(call(bed, 'auth.me.update', { email: other.user!.email, currentPassword: PASSWORD }, context)).resolves.toMatchObject({
      email: newEmail,
      pendingEmail: other.user!.email,
    });
    await expect(login(bed, other.user!.email, PASSWORD)).resolves.toBeDefined();
    await expectError(call(bed, 'auth.me.update', { avatarUrl: 'javascript:alert(1)' }, context), { status: 422, field: 'avatarUrl' });
    await expectError(call(bed, 'auth.me.update', { nickname: 'x' }, context), { status: 422, field: 'nickname' });
  });

  it('refuses an email change link (409) when another account took the address after it was sent', async () => {
    const registered = await register(bed, 'race');
    const context = userContext(registered.user);
    const wanted = uniqueEmail('wanted');
    await call(bed, 'auth.me.update', { email: wanted, currentPassword: PASSWORD }, context);
    const link = await waitForEvent<AuthEvents.UserEmailVerificationRequested>(bed, 'user.email_verification_requested', (data) => data.email === wanted);
    const token = await linkToken(bed, link);
    await register(bed, 'race-winner', { email: wanted });
    await expectError(call(bed, 'auth.email.verify', { token }), { status: 409, field: 'email' });
    await expect(call(bed, 'auth.me.get', {}, context)).resolves.toMatchObject({ email: registered.user!.email, pendingEmail: wanted });
  });

  it('reads and replaces settings, validating locale, time zone and notification preferences', async () => {
    const registered = await register(bed, 'settings');
    const context = userContext(registered.user);
    await expect(call(bed, 'auth.me.settings.get', {}, context)).resolves.toEqual({ locale: 'en', timezone: 'UTC', notifications: {} });
    const settings = { locale: 'pt-br', timezone: 'Europe/Paris', notifications: { task_assigned: { email: true, inApp: false }, deal_won: { sms: true } } };
    await expect(call(bed, 'auth.me.settings.put', settings, context)).resolves.toEqual({ ...settings, locale: 'pt-BR' });
    await expect(call(bed, 'auth.me.settings.get', {}, context)).resolves.toEqual({ ...settings, locale: 'pt-BR' });

    const invalid: Array<[Record<string, unknown>, string]> = [
      [{ ...settings, locale: 'not a locale!' }, 'locale'],
      [{ ...settings, timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ ...settings, notifications: { task_assigned: { email: 'yes' } } }, 'notifications'],
      [{ ...settings, notifications: { task_assigned: { pigeon: true } } }, 'notifications'],
      [{ locale: 'en', timezone: 'UTC' }, 'notifications'],
    ];
    for (const [data, field] of invalid) await expectError(call(bed, 'auth.me.settings.put', data, context), { status: 422, field });
  });

  it('keeps an API key out of what only a person may do', async () => {
    const registered = await register(bed, 'apikey-me');
    const keyContext = { ...userContext(registered.user), userId: null, role: null, scopes: ['users:read'] };
    await expectError(call(bed, 'auth.me.get', {}, keyContext), { status: 403 });
  });
});
