import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import { hash } from '@node-rs/argon2';
import { v7 as uuidv7 } from 'uuid';
import { ARGON2_OPTIONS } from '../src/passwords/password-hasher.js';
import { startOidcIssuer, type TestOidcIssuer } from './oidc-issuer.js';
import { call, expectError, linkToken, login, PASSWORD, register, startAuth, uniqueEmail, userContext, waitForEvent, type AuthTestBed } from './support.js';

describe('auth with REGISTRATION_MODE=invite', () => {
  let issuer: TestOidcIssuer;
  let bed: AuthTestBed;
  let ownerEmail: string;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    bed = await startAuth('auth-invite-only', { ...issuer.config, REGISTRATION_MODE: 'invite' });
    // With sign-up closed, the first owner is made by an operator; here, straight into the tables.
    const workspaceId = uuidv7();
    ownerEmail = uniqueEmail('operator-made');
    await bed.owner.query('INSERT INTO auth.workspaces (id, name) VALUES ($1, $2)', [workspaceId, 'Closed Inc']);
    await bed.owner.query(`INSERT INTO auth.users (id, workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, 'First Owner', 'owner', $4)`, [
      uuidv7(),
      workspaceId,
      ownerEmail,
      await hash(PASSWORD, ARGON2_OPTIONS),
    ]);
  });

  afterAll(async () => {
    await bed?.close();
    await issuer?.close();
  });

  it('refuses self-registration with 403 registration_closed', async () => {
    await expectError(register(bed, 'closed'), { status: 403, code: 'registration_closed' });
  });

  it('refuses an identity provider’s sign-up of an unknown person', async () => {
    const idToken = await issuer.idToken({ sub: 'google-closed', email: uniqueEmail('stranger') });
    await expectError(call(bed, 'auth.oauth.sign-in', { provider: 'google', idToken }), { status: 403, code: 'registration_closed' });
  });

  it('still creates accounts through invitations', async () => {
    const owner = userContext((await login(bed, ownerEmail)).user);
    const email = uniqueEmail('invited');
    const invitation = await call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email, role: 'member' }, owner);
    const invited = await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id);
    const session = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token: await linkToken(bed, invited), name: 'Invited', password: PASSWORD });
    expect(session.user).toMatchObject({ email, role: 'member', workspaceId: owner.workspaceId });
    // An invited person can then sign in with the provider too: their account exists.
    const idToken = await issuer.idToken({ sub: 'google-invited', email });
    await expect(call<AuthRpc.Session>(bed, 'auth.oauth.sign-in', { provider: 'google', idToken })).resolves.toMatchObject({ user: { id: session.user!.id } });
  });
});
