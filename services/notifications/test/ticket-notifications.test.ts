import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CrmEvents } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import {
  addMember,
  eventually,
  notificationsOf,
  publishCrmEvent,
  registerOwner,
  startNotifications,
  waitForMail,
  type NotificationsTestBed,
} from './support.js';

function ticket(assigneeId: string, fields: Partial<CrmEvents.Ticket> = {}): CrmEvents.Ticket {
  return {
    id: newId(),
    subject: 'Cannot download my invoice',
    status: 'open',
    priority: 'high',
    channel: 'email',
    assigneeId,
    tags: [],
    firstResponseDueAt: '2026-11-24T09:00:00.000Z',
    createdAt: new Date().toISOString(),
    ...fields,
  };
}

describe('notifications of ticket events', () => {
  let bed: NotificationsTestBed;
  let workspaceId: string;
  let owner: RequestContext;
  let agent: { user: { id: string; email: string }; context: RequestContext };

  beforeAll(async () => {
    bed = await startNotifications('notifications-tickets');
    const registered = await registerOwner(bed, 'tickets');
    workspaceId = registered.user.workspaceId;
    owner = registered.context;
    agent = await addMember(bed, owner, 'agent');
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('tells the assignee of a ticket by email and in the app, with a link to the ticket', async () => {
    const assigned = ticket(agent.user.id, { subject: 'Printer on fire' });
    await publishCrmEvent(bed, {
      type: 'ticket.assigned',
      workspaceId,
      actorId: owner.userId,
      aggregateId: assigned.id,
      data: { ticket: assigned, automatic: false } satisfies CrmEvents.TicketAssigned,
    });
    const mail = await waitForMail(bed, agent.user.email, 'New ticket: Printer on fire');
    expect(mail.text).toContain(`https://app.kinship.test/tickets/${assigned.id}`);
    expect(mail.text).toContain('Priority: high');
    const page = await eventually(
      () => notificationsOf(bed, agent.context),
      (found) => found.data.some((notification) => notification.type === 'ticket_assigned'),
    );
    expect(page.data.find((notification) => notification.type === 'ticket_assigned')).toMatchObject({
      title: 'New ticket: Printer on fire',
      link: `/tickets/${assigned.id}`,
    });
  });

  it('warns the assignee before an SLA deadline and tells them when it passed', async () => {
    const late = ticket(agent.user.id, { subject: 'VPN down' });
    const data = { ticket: late, metric: 'first_response', dueAt: '2026-11-24T09:00:00.000Z' };
    await publishCrmEvent(bed, {
      type: 'ticket.sla_warning',
      workspaceId,
      actorId: null,
      aggregateId: late.id,
      data: data satisfies CrmEvents.TicketSlaWarning,
    });
    await publishCrmEvent(bed, {
      type: 'ticket.sla_breached',
      workspaceId,
      actorId: null,
      aggregateId: late.id,
      data: data satisfies CrmEvents.TicketSlaBreached,
    });
    const warning = await waitForMail(bed, agent.user.email, 'SLA deadline near: VPN down');
    expect(warning.text.replace(/\s+/g, ' ')).toContain('the first response of VPN down was due November 24, 2026 at 09:00 AM UTC');
    await waitForMail(bed, agent.user.email, 'SLA breached: VPN down');
    const page = await eventually(
      () => notificationsOf(bed, agent.context),
      (found) => found.data.filter((notification) => notification.type === 'ticket_sla').length === 2,
    );
    expect(
      page.data
        .filter((notification) => notification.type === 'ticket_sla')
        .map((notification) => notification.title)
        .sort(),
    ).toEqual(['SLA breached: VPN down', 'SLA deadline near: VPN down']);
  });
});
