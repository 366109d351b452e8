import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DomainEvent } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { DomainEvents, LOGGER, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { formatDateTime } from './message-formats.js';
import { Notifier } from './notifier.service.js';
import { OneTimeLinks, type OneTimeLinkKind } from './one-time-links.js';
import { RecipientDirectory } from './recipient-directory.js';

/**
 * The security emails of auth's events: invitation, password reset and email verification, each
 * with its one-time link, and the notice of a requested email change to the current address.
 * They go out whatever the preferences say; not to a deactivated user. A link's token is asked of
 * auth here (events carry none); a request no longer pending gets no email.
 */
@Injectable()
export class AuthEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly directory: RecipientDirectory,
    private readonly notifier: Notifier,
    private readonly links: OneTimeLinks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('user.invited', { durableName: 'notifications-invitation-emails', startFrom: 'new' }, (event, manager) =>
      this.userInvited(event, manager),
    );
    this.events.subscribe('user.password_reset_requested', { durableName: 'notifications-password-reset-emails', startFrom: 'new' }, (event, manager) =>
      this.passwordResetRequested(event, manager),
    );
    this.events.subscribe('user.email_verification_requested', { durableName: 'notifications-verification-emails', startFrom: 'new' }, (event, manager) =>
      this.emailVerificationRequested(event, manager),
    );
    this.events.subscribe('user.email_change_requested', { durableName: 'notifications-email-change-notices', startFrom: 'new' }, (event, manager) =>
      this.emailChangeRequested(event, manager),
    );
  }

  /** The invitee has no account yet: the email goes to the invited address, in English and UTC. */
  private async userInvited(event: EventOf<'user.invited'>, manager: EntityManager): Promise<void> {
    const workspaceId = event.workspaceId!;
    const { data } = event;
    const token = await this.linkToken(event, 'invitation', data.invitationId);
    if (token === null) return;
    const inviter = await this.directory.find(workspaceId, data.invitedBy, event.id);
    await this.notifier.email(manager, {
      workspaceId,
      dedupeKey: `${event.id}:email`,
      templateKey: 'invitation',
      to: data.email,
      recipientUserId: null,
      data: {
        inviterName: inviter?.name ?? 'A colleague',
        workspaceName: inviter?.workspaceName ?? 'their workspace',
        role: data.role,
        acceptUrl: this.notifier.link('/invitations/accept', { token }),
        expiresAt: formatDateTime(data.expiresAt, 'en', 'UTC'),
      },
    });
  }

  private async passwordResetRequested(event: EventOf<'user.password_reset_requested'>, manager: EntityManager): Promise<void> {
    const workspaceId = event.workspaceId!;
    const { data } = event;
    const user = await this.directory.find(workspaceId, data.userId, event.id);
    if (!user?.active) {
      this.logger.info({ eventId: event.id, userId: data.userId }, 'no password reset email: the user is missing or deactivated');
      return;
    }
    const token = await this.linkToken(event, 'password_reset', data.requestId);
    if (token === null) return;
    await this.notifier.email(manager, {
      workspaceId,
      dedupeKey: `${event.id}:email`,
      templateKey: 'password_reset',
      to: data.email,
      recipientUserId: user.userId,
      data: {
        name: user.name,
        resetUrl: this.notifier.link('/reset-password', { token }),
        expiresAt: formatDateTime(data.expiresAt, user.locale, user.timezone),
      },
    });
  }

  /** To the address being verified (the event's), which may not be the account's current one yet. */
  private async emailVerificationRequested(event: EventOf<'user.email_verification_requested'>, manager: EntityManager): Promise<void> {
    const workspaceId = event.workspaceId!;
    const { data } = event;
    const user = await this.directory.find(workspaceId, data.userId, event.id);
    if (!user?.active) {
      this.logger.info({ eventId: event.id, userId: data.userId }, 'no verification email: the user is missing or deactivated');
      return;
    }
    const token = await this.linkToken(event, 'email_verification', data.requestId);
    if (token === null) return;
    await this.notifier.email(manager, {
      workspaceId,
      dedupeKey: `${event.id}:email`,
      templateKey: 'email_verification',
      to: data.email,
      recipientUserId: user.userId,
      data: {
        name: user.name,
        email: data.email,
        verifyUrl: this.notifier.link('/verify-email', { token }),
        expiresAt: formatDateTime(data.expiresAt, user.locale, user.timezone),
      },
    });
  }

  /**
   * The token for the event's link, or null (logged) when there is to be no email: the request is
   * no longer pending, or the event was published before events stopped carrying tokens and names
   * no request (its link expired long ago; the user asks again).
   */
  private async linkToken(event: DomainEvent, kind: OneTimeLinkKind, requestId: string | undefined): Promise<string | null> {
    const token = requestId ? await this.links.token(event.workspaceId!, kind, requestId, event.id) : null;
    if (token === null)
      this.logger.info({ eventId: event.id, kind, requestId }, 'no one-time link email: the event names no request, or it is no longer pending');
    return token;
  }

  /** To the account's current address, which is told of the request; the new one gets the verification email. */
  private async emailChangeRequested(event: EventOf<'user.email_change_requested'>, manager: EntityManager): Promise<void> {
    const workspaceId = event.workspaceId!;
    const { data } = event;
    const user = await this.directory.find(workspaceId, data.userId, event.id);
    if (!user?.active) {
      this.logger.info({ eventId: event.id, userId: data.userId }, 'no email change notice: the user is missing or deactivated');
      return;
    }
    await this.notifier.email(manager, {
      workspaceId,
      dedupeKey: `${event.id}:email`,
      templateKey: 'email_change_requested',
      to: data.email,
      recipientUserId: user.userId,
      data: { name: user.name, email: data.email, newEmail: data.newEmail },
    });
  }
}
