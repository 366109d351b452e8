import { Inject } from '@nestjs/common';
import { Process, Processor } from '@nestjs/bull';
import type { NotificationsEvents } from '@kinship/contracts';
import type { Logger } from '@kinship/observability';
import { DomainEvents, FileStore, LOGGER } from '@kinship/platform';
import type { Job } from 'bull';
import { OUTBOUND_MESSAGES_QUEUE } from '../queues.js';
import { holdsOneTimeLink } from '../templates/default-template.js';
import { EmailSender, type OutgoingEmail } from './email-sender.js';
import type { MessageRecord } from './message.record.js';
import { MessagesRepository, type MessageContent } from './messages.repository.js';
import type { SendMessageJob } from './outbound-messages.service.js';
import { SmsDeliveryReports } from './sms-delivery-reports.repository.js';
import { SmsSender } from './sms/sms-sender.js';

type Outcome = { kind: 'missing' } | { kind: 'settled' } | { kind: 'sent' } | { kind: 'failed'; error: unknown };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends one message per job, at most once per message: the job locks the message (waiting, if
 * need be, for the transaction that queued it to commit), sends only if it is still queued, and
 * marks it sent in the same transaction. A second job for the same message waits on the lock and
 * then finds it sent. A failed try is recorded and rethrown, so Bull retries with exponential
 * back-off; the last failed try marks the message failed.
 *
 * The one gap (docs/notifications.md): the server accepted the message and the process died
 * before the commit. The row is still queued, so the retried job sends it a second time.
 */
@Processor(OUTBOUND_MESSAGES_QUEUE)
export class SendMessageProcessor {
  constructor(
    private readonly events: DomainEvents,
    private readonly messages: MessagesRepository,
    private readonly email: EmailSender,
    private readonly sms: SmsSender,
    private readonly files: FileStore,
    private readonly reports: SmsDeliveryReports,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Process({ concurrency: 5 })
  async send(job: Job<SendMessageJob>): Promise<void> {
    const { workspaceId, messageId } = job.data;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.events.transaction<Outcome>(workspaceId, async (manager, emit) => {
      await this.messages.lockMessage(manager, messageId);
      const message = await this.messages.findForUpdate(manager, workspaceId, messageId);
      if (!message) return { kind: 'missing' };
      if (message.status !== 'queued') return { kind: 'settled' };
      let providerMessageId: string;
      try {
        providerMessageId = await this.deliver(message, job.data.content ?? message);
      } catch (error) {
        await this.messages.markAttemptFailed(manager, workspaceId, messageId, errorText(error), lastAttempt);
        return { kind: 'failed', error };
      }
      await this.messages.markSent(manager, workspaceId, messageId, providerMessageId, holdsOneTimeLink(message.templateKey));
      if (message.channel === 'sms') {
        // A delivery report may have come in while the provider's reply was on its way.
        await this.reports.lock(manager, [providerMessageId]);
        await this.reports.apply(manager, workspaceId, [providerMessageId]);
      }
      if (message.channel === 'email' && message.recipientContactId) {
        await emit<NotificationsEvents.EmailSent>({
          type: 'email.sent',
          workspaceId,
          actorId: null,
          aggregateId: message.id,
          data: { messageId: message.id, contactId: message.recipientContactId, campaignId: message.campaignId, templateKey: message.templateKey },
        });
      }
      return { kind: 'sent' };
    });
    switch (outcome.kind) {
      case 'missing':
        // The lock waited for the transaction that queued it: that transaction rolled back.
        this.logger.warn({ messageId, workspaceId }, 'send job for a message that was never committed; dropped');
        return;
      case 'failed':
        this.logger.warn(
          { messageId, workspaceId, attempt: job.attemptsMade + 1, lastAttempt, err: outcome.error },
          lastAttempt ? 'message failed for good' : 'message not sent; will retry',
        );
        throw outcome.error;
      case 'sent':
        this.logger.info({ messageId, workspaceId }, 'message sent');
        return;
      case 'settled':
        return;
    }
  }

  /** The content comes from the job for a security email (never stored), from the row otherwise. */
  private async deliver(message: MessageRecord, content: MessageContent): Promise<string> {
    if (message.channel === 'sms') return this.sms.send(message.address, content.text ?? '');
    return this.email.send({
      to: message.address,
      subject: content.subject ?? '',
      html: content.html ?? '',
      text: content.text ?? '',
      attachments: await this.attachments(message),
      headers: message.headers,
    });
  }

  /** The files, streamed from the file store as the email is written; one gone fails the attempt rather than send the email without it. */
  private async attachments(message: MessageRecord): Promise<OutgoingEmail['attachments']> {
    return Promise.all(
      message.attachments.map(async (attachment) => {
        const stored = await this.files.get(attachment.fileKey);
        if (!stored) throw new Error(`The attachment ${attachment.fileName} (${attachment.fileKey}) is no longer in the file store`);
        return { filename: attachment.fileName, contentType: attachment.contentType, content: stored.content };
      }),
    );
  }
}
