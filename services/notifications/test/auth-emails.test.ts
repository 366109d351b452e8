import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import type { AuthRpc } from '@kinship/contracts';
import { eventStreamName } from '@kinship/messaging';
import { postgresOptions } from '@kinship/persistence';
import { DataSource } from 'typeorm';
import { call, PASSWORD, publicContext, registerOwner, startNotifications, tokenFrom, uniqueEmail, waitForMail, type NotificationsTestBed } from './support.js';

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

    const session = await call<AuthRpc.Session>(bed, 'auth.invitations.accept', {
      token: tokenFrom(mail!.text, '/invitations/accept'),
      name: 'Grace Hopper',
      password: PASSWORD,
    });
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
    await call(
      bed,
      'auth.me.settings.put',
      { locale: 'en', timezone: 'UTC', notifications: { password_reset: off, email_verification: off, invitation: off } },
      owner.context,
    );

    await call(bed, 'auth.passwords.forgot', { email: owner.user.email });
    const mails = await bed.mailbox.waitForMessages(2, { to: owner.user.email });
    expect(mails.map((mail) => mail.subject)).toContain('Reset your Kinship password');
  });

  it('sends nothing for a reset asked for an unknown address', async () => {
    const email = uniqueEmail('nobody');
    await call(bed, 'auth.passwords.forgot', { email });
    await expect(bed.mailbox.waitForMessages(1, { to: email, timeoutMs: 1500 })).rejects.toThrow('expected 1 message');
  });

  it("puts no one-time token in any event: the stream and auth's outbox hold none of the tokens the emails carried", async () => {
    const owner = await registerOwner(bed, 'secretive');
    const verification = await waitForMail(bed, owner.user.email, 'Confirm your email address');
    const inviteeEmail = uniqueEmail('secret-invitee');
    await call(bed, 'auth.invitations.create', { email: inviteeEmail, role: 'member' }, owner.context);
    const [invitation] = await bed.mailbox.waitForMessages(1, { to: inviteeEmail });
    await call(bed, 'auth.passwords.forgot', { email: owner.user.email });
    const reset = await waitForMail(bed, owner.user.email, 'Reset your Kinship password');
    const newEmail = uniqueEmail('secret-moved');
    await call(bed, 'auth.me.update', { email: newEmail, currentPassword: PASSWORD }, owner.context);
    const [change] = await bed.mailbox.waitForMessages(1, { to: newEmail });
    const tokens = [
      tokenFrom(verification.text, '/verify-email'),
      tokenFrom(invitation!.text, '/invitations/accept'),
      tokenFrom(reset.text, '/reset-password'),
      tokenFrom(change!.text, '/verify-email'),
    ];

    const stream = eventStreamName(bed.environment.natsNamespace);
    const jsm = await jetstreamManager(bed.nats);
    const { state } = await jsm.streams.info(stream);
    const published: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (message) published.push(Buffer.from(message.data).toString('latin1'));
    }
    const types = published.map((raw) => (JSON.parse(raw) as { type: string }).type);
    expect(types).toEqual(
      expect.arrayContaining(['user.email_verification_requested', 'user.invited', 'user.password_reset_requested', 'user.email_change_requested']),
    );
    const database = new DataSource(postgresOptions({ url: bed.environment.databaseUrl, schema: 'auth', poolSize: 1 }));
    await database.initialize();
    const outbox = ((await database.query('SELECT t::text AS row FROM auth.outbox t')) as Array<{ row: string }>).map(({ row }) => row);
    await database.destroy();
    expect(outbox.length).toBeGreaterThanOrEqual(types.length);

    for (const token of tokens) {
      expect(published.filter((raw) => raw.includes(token))).toEqual([]);
      expect(outbox.filter((row) => row.includes(token))).toEqual([]);
    }
    // The links still work.
    await expect(call(bed, 'auth.passwords.reset', { token: tokens[2], password: NEW_PASSWORD })).resolves.toEqual({});
    await expect(call(bed, 'auth.email.verify', { token: tokens[3] })).resolves.toEqual({});
    await expect(call(bed, 'auth.invitations.accept', { token: tokens[1], name: 'Invitee', password: PASSWORD })).resolves.toMatchObject({
      user: { email: inviteeEmail },
    });
  });
});
