import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import { SignJWT } from 'jose';
import { TEST_CLIENT_ID, TEST_ISSUER, startOidcIssuer, type TestOidcIssuer } from './oidc-issuer.js';
import { call, expectError, linkToken, register, startAuth, uniqueEmail, userContext, waitForEvent, type AuthTestBed } from './support.js';

describe('auth OpenID Connect sign-in', () => {
  let issuer: TestOidcIssuer;
  let bed: AuthTestBed;

  const signIn = (idToken: string, provider = 'google') => call<AuthRpc.Session>(bed, 'auth.oauth.sign-in', { provider, idToken });
  const subject = () => `google-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    bed = await startAuth('auth-oauth', issuer.config);
  });

  afterAll(async () => {
    await bed?.close();
    await issuer?.close();
  });

  it('links a verified email to the existing account, then signs in by the linked identity', async () => {
    const registered = await register(bed, 'linked');
    const verification = await waitForEvent<AuthEvents.UserEmailVerificationRequested>(
      bed,
      'user.email_verification_requested',
      (data) => data.userId === registered.user!.id,
    );
    await call(bed, 'auth.email.verify', { token: await linkToken(bed, verification) });
    const sub = subject();
    const session = await signIn(await issuer.idToken({ sub, email: registered.user!.email.toUpperCase(), name: 'Linked Person' }));
    expect(session.user).toMatchObject({ id: registered.user!.id, workspaceId: registered.workspace!.id });
    expect(session.refreshToken).toMatch(/^krt_/);

    // The identity, not the email, decides from now on: the provider's email may change.
    const again = await signIn(await issuer.idToken({ sub, email: uniqueEmail('renamed') }));
    expect(again.user!.id).toBe(registered.user!.id);
    const audit = await call<AuthRpc.AuditLogPage>(bed, 'auth.audit-logs.list', {}, userContext(registered.user));
    expect(audit.data.map((entry) => entry.action)).toEqual(expect.arrayContaining(['user.identity_linked', 'user.signed_in']));
  });

  it('does not hand an account whose email was never verified to whoever signs in with that email', async () => {
    const registered = await register(bed, 'unverified');
    await expectError(signIn(await issuer.idToken({ sub: subject(), email: registered.user!.email })), { status: 409, code: 'email_not_verified' });
    const identities = (await bed.owner.query('SELECT count(*)::int AS n FROM auth.oauth_identities WHERE user_id = $1', [registered.user!.id])) as Array<{
      n: number;
    }>;
    expect(identities).toEqual([{ n: 0 }]);
  });

  it('creates a workspace named after a new person, with them as its owner', async () => {
    const email = uniqueEmail('newcomer');
    const session = await signIn(await issuer.idToken({ sub: subject(), email, name: 'Katherine Johnson' }));
    expect(session.user).toMatchObject({ email, name: 'Katherine Johnson', role: 'owner', emailVerifiedAt: expect.any(String) });
    const created = await waitForEvent<AuthEvents.WorkspaceCreated>(bed, 'workspace.created', (data) => data.ownerUserId === session.user!.id);
    expect(created.data.name).toBe('Katherine Johnson’s workspace');
    const [row] = (await bed.owner.query('SELECT password_hash FROM auth.users WHERE id = $1', [session.user!.id])) as Array<{ password_hash: string | null }>;
    expect(row!.password_hash).toBeNull();
  });

  it('refuses tokens with the wrong audience or issuer, expired, unsigned, forged or with an unverified email', async () => {
    const email = uniqueEmail('refused');
    const base = { sub: subject(), email };
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const unsignedPayload = Buffer.from(
      JSON.stringify({ ...base, email_verified: true, iss: TEST_ISSUER, aud: TEST_CLIENT_ID, exp: Math.floor(Date.now() / 1000) + 300 }),
    ).toString('base64url');
    const tokens = [
      await new SignJWT({ ...base, email_verified: true })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_CLIENT_ID)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('x'.repeat(32))),
      await issuer.idToken(base, { audience: 'someone-else' }),
      await issuer.idToken(base, { issuer: 'https://evil.example' }),
      await issuer.idToken(base, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      await issuer.idToken(base, { key: issuer.strangerKey }),
      await issuer.idToken({ ...base, email_verified: false }),
      await issuer.idToken({ ...base, email_verified: 'true' }),
      `${unsignedHeader}.${unsignedPayload}.`,
      'not-a-jwt',
    ];
    for (const token of tokens) await expectError(signIn(token), { status: 401, code: 'invalid_token' });
    expect(await bed.owner.query('SELECT id FROM auth.users WHERE email = $1', [email])).toEqual([]);
  });

  it('lists the configured provider for the sign-in page: where to send the browser, never its keys', async () => {
    expect(await call(bed, 'auth.oauth.providers', {})).toEqual({
      data: [{ name: 'google', label: 'Google', authorizationUrl: issuer.authorizationUrl, clientId: TEST_CLIENT_ID }],
    });
  });

  it('answers 404 for a provider that is not configured', async () => {
    await expectError(signIn(await issuer.idToken({ sub: subject(), email: uniqueEmail('x') }), 'github'), { status: 404, code: 'not_found' });
  });

  it('refuses a deactivated account', async () => {
    const owner = await register(bed, 'deactivating-owner');
    const invitation = await call<AuthRpc.Invitation>(
      bed,
      'auth.invitations.create',
      { email: uniqueEmail('leaver'), role: 'member' },
      userContext(owner.user),
    );
    const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id);
    const leaver = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', {
      token: await linkToken(bed, invited),
      name: 'Leaver',
      password: 'plum-ferry-quartz-lantern-7',
    });
    await call(bed, 'auth.users.deactivate', { id: leaver.user!.id }, userContext(owner.user));
    await expectError(signIn(await issuer.idToken({ sub: subject(), email: leaver.user!.email })), { status: 401, code: 'invalid_credentials' });
  });
});
