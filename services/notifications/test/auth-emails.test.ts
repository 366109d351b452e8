import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthRpc } from '@kinship/contracts';
import { call, PASSWORD, publicContext, registerOwner, startNotifications, tokenFrom, uniqueEmail, type NotificationsTestBed } from './support.js';

const NEW_PASSWORD = 'violet-anchor-meadow-harbor-3';

describe('security emails from auth events', () => {
  let bed: NotificationsTestBed;

  beforeAll(async () => {
    bed = await startNotifications('notifications-auth-emails');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('emails a new owner a verification link that verifies the address', async () => {
    const owner = await registerOwner(bed, 'verify');
    const [mail] = await bed.mailbox.waitForMessages(1, { to: owner.user.email });
    expect(mail!.subject).toBe('Confirm your email address');
    expect(mail!.from).toBe('no-reply@kinship.local');
    expect(mail!.html).toContain('href="https://app.kinship.test/verify-email?token');
    expect(mail!.text).toContain('Hello verify person');

    await call(bed, 'auth.email.verify', { token: tokenFrom(mail!.text, '/verify-email') });
    const me = await call<AuthRpc.User>(bed, 'auth.me.get', {}, owner.context);
    expect(me.emailVerifiedAt).not.toBeNull();
  });

  it('emails an invitee a link that creates their account, naming the inviter and the workspace', async () => {
    const owner = await registerOwner(bed, 'inviter');
    const email = uniqueEmail('invitee');
    await call(bed, 'auth.invitations.create', { email, role: 'manager' }, owner.context);
    const [mail] = await bed.mailbox.waitForMessages(1, { to: email });
    expect(mail!.subject).toBe('inviter person invited you to inviter workspace on Kinship');
    expect(mail!.text).toContain('as manager');

    const session = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', { token: tokenFrom(mail!.text, '/invitations/accept'), name: 'Grace Hopper', password: PASSWORD });
    expect(session.user).toMatchObject({ email, role: 'manager', workspaceId: owner.user.workspaceId });
  });

  it('emails a password reset link that sets a new password', async () => {
    const owner = await registerOwner(bed, 'forgetful');
    await bed.mailbox.waitForMessages(1, { to: owner.user.email });
    await call(bed, 'auth.passwords.forgot', { email: owner.user.email });
    const mails = await bed.mailbox.waitForMessages(2, { to: owner.user.email });
    const reset = mails.find((mail) => mail.subject === 'Reset your Kinship password')!;
    expect(reset.html).toContain('href="https://app.kinship.test/reset-password?token');

    await call(bed, 'auth.passwords.reset', { token: tokenFrom(reset.text, '/reset-password'), password: NEW_PASSWORD });
    const session = await call<AuthRpc.Session>(bed, 'auth.sessions.login', { email: owner.user.email, password: NEW_PASSWORD }, publicContext());
    expect(session.user!.id).toBe(owner.user.id);
  });

  it('sends security emails even to a user who turned those notification types off', async () => {
    const owner = await registerOwner(bed, 'optout');
    await bed.mailbox.waitForMessages(1, { to: owner.user.email });
    const off = { email: false, inApp: false, sms: false };
    await call(bed, 'auth.me.settings.put', { locale: 'en', timezone: 'UTC', notifications: { password_reset: off, email_verification: off, invitation: off } }, owner.context);

    await call(bed, 'auth.passwords.forgot', { email: owner.user.email });
    const mails = await bed.mailbox.waitForMessages(2, { to: owner.user.email });
    expect(mails.map((mail) => mail.subject)).toContain('Reset your Kinship password');
  });

  it('sends nothing for a reset asked for an unknown address', async () => {
    const email = uniqueEmail('nobody');
    await call(bed, 'auth.passwords.forgot', { email });
    await expect(bed.mailbox.waitForMessages(1, { to: email, timeoutMs: 1500 })).rejects.toThrow('expected 1 message');
  });
});
