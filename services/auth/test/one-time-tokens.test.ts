import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { call, expectError, linkToken, register, startAuth, uniqueEmail, userContext, waitForEvent, type AuthTestBed } from './support.js';

describe('auth.one-time-tokens.issue: the token of a link, minted when its email is sent', () => {
  let bed: AuthTestBed;
  let owner: RequestContext;

  const invite = async () => {
    const invitation = await call<AuthRpc.Invitation>(bed, 'auth.invitations.create', { email: uniqueEmail('invitee'), role: 'member' }, owner);
    return { invitation, event: await waitForEvent<AuthEvents.UserInvited>(bed, 'user.invited', (data) => data.invitationId === invitation.id) };
  };

  beforeAll(async () => {
    bed = await startAuth('auth-one-time-tokens');
    owner = userContext((await register(bed, 'issuer')).user);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('mints a token for a pending invitation, and none once it is revoked or expired (404)', async () => {
    const revoked = await invite();
    await expect(linkToken(bed, revoked.event)).resolves.toMatch(/^kiv_/);
    await call(bed, 'auth.invitations.revoke', { id: revoked.invitation.id }, owner);
    await expectError(linkToken(bed, revoked.event), { status: 404 });

    const expired = await invite();
    await bed.owner.query(`UPDATE auth.invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.invitation.id]);
    await expectError(linkToken(bed, expired.event), { status: 404 });
  });

  it('names a request only in its own workspace and for its own kind', async () => {
    const { event } = await invite();
    const other = userContext((await register(bed, 'other')).user);
    const issue = (request: AuthRpc.IssueOneTimeTokenRequest, context: RequestContext) => call(bed, 'auth.one-time-tokens.issue', request, context);
    await expectError(issue({ kind: 'invitation', requestId: event.data.invitationId }, { ...other, userId: null, role: null }), { status: 404 });
    await expectError(issue({ kind: 'password_reset', requestId: event.data.invitationId }, { ...owner, userId: null, role: null }), { status: 404 });
    await expectError(issue({ kind: 'session', requestId: event.data.invitationId }, owner), { status: 422, field: 'kind' });
    await expectError(issue({ kind: 'invitation', requestId: 'not-an-id' }, owner), { status: 404 });
  });
});
