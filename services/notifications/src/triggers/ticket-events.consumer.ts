import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { DomainEvents, LOGGER, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { formatDateTime } from './message-formats.js';
import { Notifier } from './notifier.service.js';
import { wantsNotification } from './preferences.js';
import { RecipientDirectory } from './recipient-directory.js';

const METRIC_NAMES: Record<string, string> = { first_response: 'first response', next_response: 'next response', resolution: 'resolution' };

type SlaEvent = EventOf<'ticket.sla_warning' | 'ticket.sla_breached'>;

/**
 * crm's ticket events that tell the assignee something: a ticket assigned to them (ticket_assigned),
 * and an SLA deadline near or passed (ticket_sla). Each honours the user's preferences.
 */
@Injectable()
export class TicketEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly directory: RecipientDirectory,
    private readonly notifier: Notifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('ticket.assigned', { durableName: 'notifications-ticket-assigned', startFrom: 'new' }, (event, manager) =>
      this.ticketAssigned(event, manager),
    );
    // A consumer per SLA event: NATS 2.9 allows one filter subject, and events.crm.ticket.> would take every ticket event.
    this.events.subscribe('ticket.sla_warning', { durableName: 'notifications-ticket-sla-warning', startFrom: 'new' }, (event, manager) =>
      this.sla(event, manager),
    );
    this.events.subscribe('ticket.sla_breached', { durableName: 'notifications-ticket-sla-breached', startFrom: 'new' }, (event, manager) =>
      this.sla(event, manager),
    );
  }

  private async ticketAssigned(event: EventOf<'ticket.assigned'>, manager: EntityManager): Promise<void> {
    const ticket = event.data.ticket!;
    // Assigning a ticket to oneself tells no one anything.
    if (!ticket.assigneeId || ticket.assigneeId === event.actorId) return;
    const user = await this.recipient(event, ticket.assigneeId);
    if (!user) return;
    const workspaceId = event.workspaceId!;
    const path = `/tickets/${ticket.id}`;
    const firstResponseDueAt = ticket.firstResponseDueAt ? formatDateTime(ticket.firstResponseDueAt, user.locale, user.timezone) : null;
    if (wantsNotification(user, 'ticket_assigned', 'email')) {
      await this.notifier.email(manager, {
        workspaceId,
        dedupeKey: `${event.id}:email`,
        templateKey: 'ticket_assigned',
        to: user.email,
        recipientUserId: user.userId,
        data: {
          name: user.name,
          workspaceName: user.workspaceName,
          ticketSubject: ticket.subject,
          priority: ticket.priority,
          firstResponseDueAt,
          ticketUrl: this.notifier.link(path),
        },
      });
    }
    if (wantsNotification(user, 'ticket_assigned', 'inApp')) {
      await this.notifier.inApp(manager, {
        workspaceId,
        userId: user.userId,
        type: 'ticket_assigned',
        title: `New ticket: ${ticket.subject}`,
        body: firstResponseDueAt ? `Priority ${ticket.priority}, first response due ${firstResponseDueAt}` : `Priority ${ticket.priority}`,
        link: path,
      });
    }
  }

  private async sla(event: SlaEvent, manager: EntityManager): Promise<void> {
    const ticket = event.data.ticket!;
    if (!ticket.assigneeId) return;
    const user = await this.recipient(event, ticket.assigneeId);
    if (!user) return;
    const workspaceId = event.workspaceId!;
    const path = `/tickets/${ticket.id}`;
    const headline = event.type === 'ticket.sla_breached' ? 'SLA breached' : 'SLA deadline near';
    const metric = METRIC_NAMES[event.data.metric] ?? event.data.metric;
    const dueAt = formatDateTime(event.data.dueAt, user.locale, user.timezone);
    if (wantsNotification(user, 'ticket_sla', 'email')) {
      await this.notifier.email(manager, {
        workspaceId,
        dedupeKey: `${event.id}:email`,
        templateKey: 'ticket_sla',
        to: user.email,
        recipientUserId: user.userId,
        data: { name: user.name, headline, metric, ticketSubject: ticket.subject, dueAt, ticketUrl: this.notifier.link(path) },
      });
    }
    if (wantsNotification(user, 'ticket_sla', 'inApp')) {
      await this.notifier.inApp(manager, {
        workspaceId,
        userId: user.userId,
        type: 'ticket_sla',
        title: `${headline}: ${ticket.subject}`,
        body: `The ${metric} was due ${dueAt}`,
        link: path,
      });
    }
  }

  /** The active user to tell, or null (logged) for one who is gone or deactivated. */
  private async recipient(event: DomainEvent, userId: string): Promise<AuthRpc.Recipient | null> {
    const user = await this.directory.find(event.workspaceId!, userId, event.id);
    if (user?.active) return user;
    this.logger.info({ eventId: event.id, type: event.type, userId }, 'nothing sent: the user is missing or deactivated');
    return null;
  }
}
