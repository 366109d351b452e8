import { Injectable } from '@nestjs/common';
import { newId } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { MessageAttachment } from '../delivery/message.record.js';
import { OutboundMessages } from '../delivery/outbound-messages.service.js';
import { InAppNotificationsRepository } from '../in-app/in-app-notifications.repository.js';
import { NotificationsConfig } from '../notifications.config.js';
import type { TemplateKey } from '../templates/default-template.js';
import { TemplatesService } from '../templates/templates.service.js';

export interface EmailRequest {
  workspaceId: string;
  /** What caused it (the event), so that the same cause never queues a second email. */
  dedupeKey: string;
  templateKey: TemplateKey;
  to: string;
  recipientUserId: string | null;
  recipientContactId?: string | null;
  data: Record<string, unknown>;
  attachments?: MessageAttachment[];
}

export interface InAppRequest {
  workspaceId: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  /** A path of the web app, e.g. /tasks/<id>. */
  link: string | null;
}

/** What triggers use to tell someone: an email rendered from the workspace's template, and in-app notifications. */
@Injectable()
export class Notifier {
  private readonly publicUrl: string;

  constructor(
    config: NotificationsConfig,
    private readonly templates: TemplatesService,
    private readonly outbound: OutboundMessages,
    private readonly inAppNotifications: InAppNotificationsRepository,
  ) {
    this.publicUrl = config.PUBLIC_URL.replace(/\/+$/, '');
  }

  /** An absolute link into the web app (PUBLIC_URL), for emails. */
  link(path: string, query: Record<string, string> = {}): string {
    const search = new URLSearchParams(query).toString();
    return `${this.publicUrl}${path}${search ? `?${search}` : ''}`;
  }

  /** Renders and queues it in the caller's transaction; it is sent once that commits. */
  async email(manager: EntityManager, request: EmailRequest): Promise<void> {
    const rendered = await this.templates.render(manager, request.workspaceId, request.templateKey, { publicUrl: this.publicUrl, ...request.data });
    await this.outbound.queueMessage(manager, {
      id: newId(),
      workspaceId: request.workspaceId,
      dedupeKey: request.dedupeKey,
      channel: 'email',
      templateKey: request.templateKey,
      recipientUserId: request.recipientUserId,
      recipientContactId: request.recipientContactId ?? null,
      address: request.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: request.attachments,
    });
  }

  async inApp(manager: EntityManager, request: InAppRequest): Promise<void> {
    await this.inAppNotifications.insert(manager, { id: newId(), ...request });
  }
}
