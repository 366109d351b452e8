import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CrmEvents, NotificationsRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import {
  addMember,
  call,
  eventually,
  expectError,
  notificationsOf,
  publishCrmEvent,
  registerOwner,
  startNotifications,
  taskAssigned,
  waitForMail,
  type NotificationsTestBed,
} from './support.js';

describe('notifications of crm events', () => {
  let bed: NotificationsTestBed;
  let workspaceId: string;
  let owner: RequestContext;
  let member: { user: { id: string; email: string }; context: RequestContext };

  beforeAll(async () => {
    bed = await startNotifications('notifications-crm');
    const registered = await registerOwner(bed, 'crm');
    workspaceId = registered.user.workspaceId;
    owner = registered.context;
    member = await addMember(bed, owner, 'assignee');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('emails the assignee of a task and notifies them in the app, with links to the task', async () => {
    const event = await publishCrmEvent(bed, taskAssigned(workspaceId, member.user.id, { title: 'Send the proposal' }));
    const mail = await waitForMail(bed, member.user.email, 'New task: Send the proposal');
    expect(mail.text).toContain(`https://app.kinship.test/tasks/${event.aggregateId}`);
    expect(mail.text).toContain('Priority: high');
    expect(mail.text).toContain('Due: November 24, 2026 at 09:00 AM UTC');

    const page = await eventually(
      () => notificationsOf(bed, member.context),
      (found) => found.data.length === 1,
    );
    expect(page.unreadCount).toBe(1);
    expect(page.data[0]).toMatchObject({ type: 'task_assigned', title: 'New task: Send the proposal', link: `/tasks/${event.aggregateId}`, readAt: null });
  });

  it('marks notifications read one by one or all at once, and counts what is unread', async () => {
    await publishCrmEvent(bed, taskAssigned(workspaceId, member.user.id, { title: 'Second task' }));
    await publishCrmEvent(bed, taskAssigned(workspaceId, member.user.id, { title: 'Third task' }));
    const before = await eventually(
      () => notificationsOf(bed, member.context, { unread: true }),
      (found) => found.unreadCount >= 3,
    );
    const [newest] = before.data;
    expect(newest!.title).toBe('New task: Third task');

    const read = await call<NotificationsRpc.InAppNotification>(bed, 'notifications.notifications.read', { id: newest!.id }, member.context);
    expect(read.readAt).not.toBeNull();
    const unread = await notificationsOf(bed, member.context, { unread: true });
    expect(unread.unreadCount).toBe(before.unreadCount - 1);
    expect(unread.data.map((notification) => notification.id)).not.toContain(newest!.id);

    const all = await call<NotificationsRpc.ReadAllReply>(bed, 'notifications.notifications.read-all', {}, member.context);
    expect(all.marked).toBe(before.unreadCount - 1);
    expect((await notificationsOf(bed, member.context)).unreadCount).toBe(0);
  });

  it('answers 404 for another user’s notification and for an id that names none, and changes nothing', async () => {
    const mine = (await notificationsOf(bed, member.context)).data[0]!;
    await expectError(call(bed, 'notifications.notifications.read', { id: mine.id }, owner), { status: 404, code: 'not_found' });
    await expectError(call(bed, 'notifications.notifications.read', { id: 'not-an-id' }, member.context), { status: 404 });
    await expectError(call(bed, 'notifications.notifications.read', { id: newId() }, member.context), { status: 404 });
    await expectError(call(bed, 'notifications.notifications.list', { limit: 0 }, member.context), { status: 422, field: 'limit' });
    expect((await notificationsOf(bed, owner)).data).toEqual([]);
  });

  it('honours a preference that turns task emails off while keeping in-app notifications', async () => {
    await call(bed, 'auth.me.settings.put', { locale: 'en', timezone: 'UTC', notifications: { task_assigned: { email: false, inApp: true } } }, member.context);
    const mailsBefore = bed.mailbox.messages().filter((mail) => mail.to.includes(member.user.email)).length;
    const countBefore = (await notificationsOf(bed, member.context)).data.length;

    await publishCrmEvent(bed, taskAssigned(workspaceId, member.user.id, { title: 'Quiet task' }));
    const page = await eventually(
      () => notificationsOf(bed, member.context),
      (found) => found.data.length === countBefore + 1,
    );
    expect(page.data[0]!.title).toBe('New task: Quiet task');
    // The in-app notification and any email are written in one transaction: no email was queued with it.
    await sleep(500);
    expect(bed.mailbox.messages().filter((mail) => mail.to.includes(member.user.email))).toHaveLength(mailsBefore);
    const messages = await call<NotificationsRpc.MessagePage>(bed, 'notifications.messages.list', {}, owner);
    expect(messages.data.filter((message) => message.templateKey === 'task_assigned' && message.recipientUserId === member.user.id)).toHaveLength(3);
  });

  it('tells no one of a task that someone assigned to themselves', async () => {
    const countBefore = (await notificationsOf(bed, owner)).data.length;
    const ownerId = owner.userId!;
    await publishCrmEvent(bed, { ...taskAssigned(workspaceId, ownerId), actorId: ownerId });
    await publishCrmEvent(bed, taskAssigned(workspaceId, ownerId, { title: 'From a colleague' }));
    const page = await eventually(
      () => notificationsOf(bed, owner),
      (found) => found.data.length > countBefore,
    );
    expect(page.data.map((notification) => notification.title)).toEqual(['New task: From a colleague']);
  });

  it('emails the owner of a won deal, with its amount in their currency', async () => {
    const ownerEmail = (await call<{ email: string }>(bed, 'auth.me.get', {}, owner)).email;
    const dealId = newId();
    const deal: CrmEvents.Deal = {
      id: dealId,
      name: 'Difference engine',
      amount: 1_250_000,
      currency: 'EUR',
      pipelineId: newId(),
      stageId: newId(),
      contactIds: [],
      ownerId: owner.userId!,
      customFields: {},
      createdAt: new Date().toISOString(),
    };
    await publishCrmEvent(bed, { type: 'deal.won', workspaceId, actorId: member.user.id, aggregateId: dealId, data: { deal } });
    const won = await waitForMail(bed, ownerEmail, 'Deal won: Difference engine');
    expect(won.text).toContain('€12,500.00');
    expect(won.text).toContain(`https://app.kinship.test/deals/${dealId}`);
    const inApp = await eventually(
      () => notificationsOf(bed, owner),
      (found) => found.data.some((notification) => notification.type === 'deal_won'),
    );
    expect(inApp.data.find((notification) => notification.type === 'deal_won')).toMatchObject({
      title: 'Deal won: Difference engine',
      body: '€12,500.00',
      link: `/deals/${dealId}`,
    });
  });

  it('sends nothing to a deactivated user', async () => {
    const leaver = await addMember(bed, owner, 'leaver');
    await call(bed, 'auth.users.deactivate', { id: leaver.user.id }, owner);
    await publishCrmEvent(bed, taskAssigned(workspaceId, leaver.user.id, { title: 'Too late' }));
    await publishCrmEvent(bed, taskAssigned(workspaceId, member.user.id, { title: 'After the leaver' }));
    // Events of one consumer are handled in order: once the second is, the first was too.
    await eventually(
      () => notificationsOf(bed, member.context),
      (found) => found.data[0]?.title === 'New task: After the leaver',
    );
    expect(bed.mailbox.messages().filter((mail) => mail.to.includes(leaver.user.email) && mail.subject === 'New task: Too late')).toEqual([]);
    const messages = await call<NotificationsRpc.MessagePage>(bed, 'notifications.messages.list', {}, owner);
    expect(messages.data.filter((message) => message.recipientUserId === leaver.user.id && message.templateKey === 'task_assigned')).toEqual([]);
  });
});
