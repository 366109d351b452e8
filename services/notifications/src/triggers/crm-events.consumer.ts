import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthRpc } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { DomainEvents, LOGGER, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { formatAmount, formatDateTime } from './message-formats.js';
import { Notifier } from './notifier.service.js';
import { wantsNotification } from './preferences.js';
import { RecipientDirectory } from './recipient-directory.js';

/** crm's events that tell a user something: a task assigned to them, a deal of theirs won. Each honours the user's preferences. */
@Injectable()
export class CrmEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly directory: RecipientDirectory,
    private readonly notifier: Notifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('task.assigned', { durableName: 'notifications-task-assigned', startFrom: 'new' }, (event, manager) =>
      this.taskAssigned(event, manager),
    );
    this.events.subscribe('deal.won', { durableName: 'notifications-deal-won', startFrom: 'new' }, (event, manager) => this.dealWon(event, manager));
  }

  private async taskAssigned(event: EventOf<'task.assigned'>, manager: EntityManager): Promise<void> {
    const task = event.data.task!;
    // Assigning a task to oneself tells no one anything.
    if (!task.assigneeId || task.assigneeId === event.actorId) return;
    const user = await this.recipient(event, task.assigneeId);
    if (!user) return;
    const workspaceId = event.workspaceId!;
    const path = `/tasks/${task.id}`;
    const dueAt = task.dueAt ? formatDateTime(task.dueAt, user.locale, user.timezone) : null;
    if (wantsNotification(user, 'task_assigned', 'email')) {
      await this.notifier.email(manager, {
        workspaceId,
        dedupeKey: `${event.id}:email`,
        templateKey: 'task_assigned',
        to: user.email,
        recipientUserId: user.userId,
        data: { name: user.name, workspaceName: user.workspaceName, taskTitle: task.title, priority: task.priority, dueAt, taskUrl: this.notifier.link(path) },
      });
    }
    if (wantsNotification(user, 'task_assigned', 'inApp')) {
      await this.notifier.inApp(manager, {
        workspaceId,
        userId: user.userId,
        type: 'task_assigned',
        title: `New task: ${task.title}`,
        body: dueAt ? `Priority ${task.priority}, due ${dueAt}` : `Priority ${task.priority}`,
        link: path,
      });
    }
  }

  private async dealWon(event: EventOf<'deal.won'>, manager: EntityManager): Promise<void> {
    const deal = event.data.deal!;
    if (!deal.ownerId) return;
    const user = await this.recipient(event, deal.ownerId);
    if (!user) return;
    const workspaceId = event.workspaceId!;
    const path = `/deals/${deal.id}`;
    const amount = formatAmount(deal.amount, deal.currency, user.locale);
    if (wantsNotification(user, 'deal_won', 'email')) {
      await this.notifier.email(manager, {
        workspaceId,
        dedupeKey: `${event.id}:email`,
        templateKey: 'deal_won',
        to: user.email,
        recipientUserId: user.userId,
        data: { name: user.name, dealName: deal.name, amount, dealUrl: this.notifier.link(path) },
      });
    }
    if (wantsNotification(user, 'deal_won', 'inApp')) {
      await this.notifier.inApp(manager, { workspaceId, userId: user.userId, type: 'deal_won', title: `Deal won: ${deal.name}`, body: amount, link: path });
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
