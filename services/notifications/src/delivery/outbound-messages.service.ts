import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { EntityManager } from 'typeorm';
import { NotificationsConfig } from '../notifications.config.js';
import { OUTBOUND_MESSAGES_QUEUE } from '../queues.js';
import { holdsOneTimeLink } from '../templates/default-template.js';
import { MessagesRepository, type MessageContent, type NewMessage } from './messages.repository.js';

/**
 * What a send job carries: which message to send; everything else is in its row, except the
 * content of a security email (its one-time link), which only the job holds: the database never
 * does, and Redis only until the job completes or fails for good.
 */
export interface SendMessageJob {
  workspaceId: string;
  messageId: string;
  content?: MessageContent;
}

/**
 * Queues emails and SMS: the message row (the idempotency record) is written in the caller's
 * transaction, then a job is added. A job that starts before that transaction ends waits for it
 * (MessagesRepository.lockMessage), and finds the row, or no row if it rolled back.
 */
@Injectable()
export class OutboundMessages {
  constructor(
    @InjectQueue(OUTBOUND_MESSAGES_QUEUE) private readonly queue: Queue<SendMessageJob>,
    private readonly messages: MessagesRepository,
    private readonly config: NotificationsConfig,
  ) {}

  /** false when its dedupe key was queued before: nothing is added. */
  async queueMessage(manager: EntityManager, message: NewMessage): Promise<boolean> {
    const secret = holdsOneTimeLink(message.templateKey);
    const stored = secret ? { ...message, subject: null, html: null, text: null } : message;
    if (!(await this.messages.insert(manager, stored))) return false;
    const content = { subject: message.subject, html: message.html, text: message.text };
    await this.addJob({ workspaceId: message.workspaceId, messageId: message.id, ...(secret ? { content } : {}) });
    return true;
  }

  /** A job for an existing message; also how an admin's retry starts a new round of attempts. */
  async addJob(job: SendMessageJob): Promise<void> {
    await this.queue.add(job, {
      attempts: this.config.SEND_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.SEND_BACKOFF_MS },
      // The messages table is the record of every send; Redis keeps only recent failures, for
      // operators, and never the content of a security email past its last try.
      removeOnComplete: true,
      removeOnFail: job.content ? true : 1000,
    });
  }
}
