import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { NotificationsRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { Queue } from 'bull';
import { OutboundMessages, type SendMessageJob } from '../src/delivery/outbound-messages.service.js';
import { OUTBOUND_MESSAGES_QUEUE } from '../src/queues.js';
import {
  addMember,
  call,
  eventually,
  expectError,
  registerOwner,
  SEND_ATTEMPTS,
  startNotifications,
  uniqueEmail,
  waitForMail,
  type NotificationsTestBed,
} from './support.js';

describe('sending: retries, duplicates and failed messages', () => {
  let bed: NotificationsTestBed;
  let workspaceId: string;
  let admin: RequestContext;
  let queue: Queue<SendMessageJob>;

  function messagesOf(query: object = {}, context = admin): Promise<NotificationsRpc.MessagePage> {
    return call<NotificationsRpc.MessagePage>(bed, 'notifications.messages.list', query, context);
  }

  async function messageTo(address: string): Promise<NotificationsRpc.Message | undefined> {
    return (await messagesOf()).data.find((message) => message.address === address);
  }

  /** Until no send job is waiting, running or waiting for a retry. */
  async function queueIdle(): Promise<void> {
    await eventually(
      () => queue.getJobCounts(),
      (counts) => counts.active + counts.waiting + counts.delayed === 0,
    );
  }

  /** Queues an email the way a trigger does, in a transaction of the service. */
  async function queueEmail(to: string, recipientContactId: string | null = null, templateKey = 'task_assigned'): Promise<string> {
    const id = newId();
    await bed.notifications.app.get(DomainEvents).transaction(workspaceId, (manager) =>
      bed.notifications.app.get(OutboundMessages).queueMessage(manager, {
        id,
        workspaceId,
        dedupeKey: `test:${id}`,
        channel: 'email',
        templateKey,
        recipientContactId,
        address: to,
        subject: 'Hello',
        html: '<p>Hello</p>',
        text: 'Hello',
      }),
    );
    return id;
  }

  beforeAll(async () => {
    bed = await startNotifications('notifications-delivery');
    const owner = await registerOwner(bed, 'delivery');
    workspaceId = owner.user.workspaceId;
    admin = owner.context;
    queue = bed.notifications.app.get<Queue<SendMessageJob>>(getQueueToken(OUTBOUND_MESSAGES_QUEUE), { strict: false });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('sends once a message whose first attempt the SMTP server refused', async () => {
    const to = uniqueEmail('busy');
    bed.mailbox.refuseNext(1);
    await queueEmail(to);
    await bed.mailbox.waitForMessages(1, { to });
    const message = await eventually(
      () => messageTo(to),
      (found) => found?.status === 'sent',
    );
    expect(message).toMatchObject({ attempts: 2, lastError: expect.stringContaining('451'), providerMessageId: expect.any(String) });
    await queueIdle();
    expect(bed.mailbox.messages().filter((mail) => mail.to.includes(to))).toHaveLength(1);
  });

  it('sends once a message whose job was added twice', async () => {
    const to = uniqueEmail('twice');
    const messageId = await queueEmail(to);
    await bed.notifications.app.get(OutboundMessages).addJob({ workspaceId, messageId });
    await bed.notifications.app.get(OutboundMessages).addJob({ workspaceId, messageId });
    await eventually(
      () => messageTo(to),
      (found) => found?.status === 'sent',
    );
    await queueIdle();
    expect(bed.mailbox.messages().filter((mail) => mail.to.includes(to))).toHaveLength(1);
    expect(await messageTo(to)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it(`marks a message failed after ${SEND_ATTEMPTS} refused attempts; an admin sees it and sends it again`, async () => {
    const to = uniqueEmail('full');
    bed.mailbox.refuseRecipient(to);
    const messageId = await queueEmail(to);
    // Three SMTP refusals with backoff: seconds alone, longer when the whole suite loads the machine.
    const failed = await eventually(
      () => messagesOf({ status: 'failed' }),
      (page) => page.data.some((message) => message.id === messageId),
      30_000,
    );
    expect(failed.data.find((message) => message.id === messageId)).toMatchObject({
      status: 'failed',
      attempts: SEND_ATTEMPTS,
      lastError: expect.stringContaining('Mailbox unavailable'),
      failedAt: expect.any(String),
      address: to,
      subject: 'Hello',
    });
    expect(bed.mailbox.messages().filter((mail) => mail.to.includes(to))).toEqual([]);

    bed.mailbox.refuseRecipient(to, false);
    const retried = await call<NotificationsRpc.Message>(bed, 'notifications.messages.retry', { id: messageId }, admin);
    expect(retried).toMatchObject({ id: messageId, status: 'queued', failedAt: null });
    const mail = await waitForMail(bed, to, 'Hello');
    expect(mail.text).toContain('Hello');
    expect(
      await eventually(
        () => messageTo(to),
        (found) => found?.status === 'sent',
      ),
    ).toMatchObject({ attempts: SEND_ATTEMPTS + 1 });
  });

  it('refuses to retry a message that is not failed (409) or does not exist (404)', async () => {
    const to = uniqueEmail('fine');
    const messageId = await queueEmail(to);
    await eventually(
      () => messageTo(to),
      (found) => found?.status === 'sent',
    );
    await expectError(call(bed, 'notifications.messages.retry', { id: messageId }, admin), { status: 409, field: 'id' });
    await expectError(call(bed, 'notifications.messages.retry', { id: newId() }, admin), { status: 404 });
    await expectError(call(bed, 'notifications.messages.list', { status: 'lost' }, admin), { status: 422, field: 'status' });
    await queueIdle();
    expect(bed.mailbox.messages().filter((mail) => mail.to.includes(to))).toHaveLength(1);
  });

  it('shows failed messages to admins only', async () => {
    const member = await addMember(bed, admin, 'nosy');
    await expectError(messagesOf({ status: 'failed' }, member.context), { status: 403 });
    await expectError(call(bed, 'notifications.messages.retry', { id: newId() }, member.context), { status: 403 });
  });

  it('tells crm when an email to a contact was sent (email.sent), and only then', async () => {
    const contactId = newId();
    const messageId = await queueEmail(uniqueEmail('contact'), contactId);
    await queueEmail(uniqueEmail('user'));
    await eventually(
      () => messagesOf({ status: 'queued' }),
      (page) => page.data.length === 0,
    );
    const events: Array<{ type: string; payload: { aggregateId: string; data: unknown } }> = await bed.notifications.app
      .get(DomainEvents)
      .transaction(null, (manager) => manager.query(`SELECT type, payload FROM notifications.outbox WHERE type = 'email.sent'`));
    expect(events.map((event) => event.payload.data)).toEqual([{ messageId, contactId, campaignId: null, templateKey: 'task_assigned' }]);
    expect(events[0]!.payload.aggregateId).toBe(messageId);
  });

  it('keeps no one-time link in the record of a sent security email', async () => {
    const email = uniqueEmail('secret');
    await call(bed, 'auth.invitations.create', { email, role: 'member' }, admin);
    await bed.mailbox.waitForMessages(1, { to: email });
    const message = await eventually(
      () => messageTo(email),
      (found) => found?.status === 'sent',
    );
    const rows: Array<{ html: string | null; text: string | null }> = await bed.notifications.app
      .get(DomainEvents)
      .transaction(workspaceId, (manager) => manager.query('SELECT html, text FROM notifications.messages WHERE id = $1', [message!.id]));
    expect(rows).toEqual([{ html: null, text: null }]);
  });

  it('sends a security email from its job alone, and keeps it nowhere once it failed for good: no row content, no failed job, no admin retry', async () => {
    const to = uniqueEmail('reset');
    bed.mailbox.refuseRecipient(to);
    const messageId = await queueEmail(to, null, 'password_reset');
    const rows = () =>
      bed.notifications.app
        .get(DomainEvents)
        .transaction(workspaceId, (manager) => manager.query('SELECT subject, html, text FROM notifications.messages WHERE id = $1', [messageId]));
    expect(await rows()).toEqual([{ subject: null, html: null, text: null }]);
    // Three SMTP refusals with backoff: seconds alone, longer when the whole suite loads the machine.
    const failed = await eventually(
      () => messagesOf({ status: 'failed' }),
      (page) => page.data.some((message) => message.id === messageId),
      30_000,
    );
    expect(failed.data.find((message) => message.id === messageId)).toMatchObject({ attempts: SEND_ATTEMPTS, subject: null, address: to });
    expect(await rows()).toEqual([{ subject: null, html: null, text: null }]);
    expect((await queue.getFailed()).filter((job) => job.data.messageId === messageId)).toEqual([]);
    await expectError(call(bed, 'notifications.messages.retry', { id: messageId }, admin), { status: 409, field: 'id' });
    bed.mailbox.refuseRecipient(to, false);

    const sent = uniqueEmail('reset-sent');
    await queueEmail(sent, null, 'password_reset');
    expect((await waitForMail(bed, sent, 'Hello')).html).toBe('<p>Hello</p>');
  });
});
