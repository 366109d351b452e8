import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { revokedSessionKey, type AuthRpc } from '@kinship/contracts';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { call, expectError, login, OTHER_PASSWORD, PASSWORD, publicContext, register, startAuth, uniqueEmail, uniqueIp, type AuthTestBed } from './support.js';

describe('auth sessions: sign-in, rotation, reuse detection, logout, throttling', () => {
  let bed: AuthTestBed;

  beforeAll(async () => {
    // A low per-address limit, so that the test reaches it without a hundred argon2 checks.
    bed = await startAuth('auth-sessions', { LOGIN_IP_MAX_FAILURES: '8' });
  });

  afterAll(async () => {
    await bed?.close();
  });

  const refresh = (refreshToken: string) => call<AuthRpc.Session>(bed, 'auth.sessions.refresh', { refreshToken });

  it('registers, signs in, rotates the refresh token, revokes the family on reuse, and logs out', async () => {
    const registered = await register(bed, 'flow');
    const email = registered.user!.email;
    expect(registered.user).toMatchObject({ role: 'owner', status: 'active', emailVerifiedAt: null });

    const session = await login(bed, email);
    expect(session.expiresIn).toBe(900);
    expect(session.refreshToken).toMatch(/^krt_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    const publicKeys = await call<AuthRpc.PublicSigningKeySet>(bed, 'auth.signing-keys.jwks', {});
    const { payload } = await jwtVerify(session.accessToken, createLocalJWKSet(publicKeys), {
      issuer: 'kinship',
      audience: 'kinship-api',
      algorithms: ['EdDSA'],
    });
    expect(decodeProtectedHeader(session.accessToken)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: publicKeys.keys[0]!.kid });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'role', 'sid', 'sub', 'typ', 'wid']);
    expect(payload).toMatchObject({ sub: registered.user!.id, wid: registered.workspace!.id, role: 'owner', typ: 'access' });
    expect(payload.exp! - payload.iat!).toBe(900);

    const rotated = await refresh(session.refreshToken);
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect(decodeJwt(rotated.accessToken).sid).toBe(payload.sid);
    const again = await refresh(rotated.refreshToken);

    // The token rotated first is presented again: the whole family ends, its newest token too.
    await expectError(refresh(session.refreshToken), { status: 401, code: 'invalid_token' });
    await expectError(refresh(again.refreshToken), { status: 401, code: 'invalid_token' });
    expect(await bed.redis.get(revokedSessionKey(bed.environment.natsNamespace, String(payload.sid)))).toBe('1');
    expect(await bed.redis.ttl(revokedSessionKey(bed.environment.natsNamespace, String(payload.sid)))).toBeGreaterThan(890);

    const other = await login(bed, email);
    await expect(call(bed, 'auth.sessions.logout', { refreshToken: other.refreshToken })).resolves.toEqual({});
    await expectError(refresh(other.refreshToken), { status: 401, code: 'invalid_token' });
    expect(await bed.redis.get(revokedSessionKey(bed.environment.natsNamespace, String(decodeJwt(other.accessToken).sid)))).toBe('1');
  });

  it('refuses refresh tokens that are malformed, of another kind or unknown alike', async () => {
    const registered = await register(bed, 'kinds');
    const forged = registered.refreshToken.slice(0, -4) + 'AAAA';
    const otherKind = registered.refreshToken.replace(/^krt_/, 'kak_');
    for (const token of ['nonsense', forged, otherKind]) await expectError(refresh(token), { status: 401, code: 'invalid_token' });
  });

  it('answers a wrong password and an unknown email with the same error', async () => {
    const registered = await register(bed, 'same-error');
    const wrongPassword = await login(bed, registered.user!.email, OTHER_PASSWORD).catch((error: unknown) => error);
    const unknownEmail = await login(bed, uniqueEmail('nobody')).catch((error: unknown) => error);
    expect(wrongPassword).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('signs in whatever the case of the email', async () => {
    const registered = await register(bed, 'case', { email: uniqueEmail('MixedCase').toUpperCase() });
    expect(registered.user!.email).toBe(registered.user!.email.toLowerCase());
    await expect(login(bed, registered.user!.email.toUpperCase())).resolves.toMatchObject({ user: { id: registered.user!.id } });
  });

  it('refuses an account after repeated failures with 429 and retry_after, and starts over after a success', async () => {
    const registered = await register(bed, 'throttle');
    const email = registered.user!.email;
    for (let attempt = 0; attempt < 5; attempt++) await expectError(login(bed, email, OTHER_PASSWORD), { status: 401 });
    const refused = await login(bed, email).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_attempts', details: [{ issue: 'retry_after', retryAfterSeconds: 1 }] });

    await sleep(1100);
    await expect(login(bed, email)).resolves.toMatchObject({ user: { id: registered.user!.id } });
    // The success ended the run: one more failure is a plain 401, not a refusal.
    await expectError(login(bed, email, OTHER_PASSWORD), { status: 401 });
    await expect(login(bed, email)).resolves.toBeDefined();
  });

  it('refuses a client address after too many failures within the window', async () => {
    const context = publicContext(uniqueIp());
    for (let attempt = 0; attempt < 8; attempt++) await expectError(login(bed, uniqueEmail('spray'), OTHER_PASSWORD, context), { status: 401 });
    const refused = await login(bed, uniqueEmail('spray'), OTHER_PASSWORD, context).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'too_many_attempts' });
    const retryAfter = (refused as { details: Array<{ retryAfterSeconds: number }> }).details[0]!.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('refuses a password that is too short, common, or the email, naming the field', async () => {
    const email = uniqueEmail('policy');
    for (const password of ['short1!', 'qwerty123456', 'Password', email]) {
      await expectError(register(bed, 'policy', { email, password }), { status: 422, code: 'validation_failed', field: 'password' });
    }
  });

  it('stores argon2id hashes with OWASP parameters, and never the password', async () => {
    const registered = await register(bed, 'argon');
    const [row] = (await bed.owner.query('SELECT password_hash FROM auth.users WHERE id = $1', [registered.user!.id])) as Array<{ password_hash: string }>;
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row!.password_hash).not.toContain(PASSWORD);
    expect(JSON.stringify(registered)).not.toContain(PASSWORD);
    expect(JSON.stringify(registered)).not.toContain('argon2');
  });
});
