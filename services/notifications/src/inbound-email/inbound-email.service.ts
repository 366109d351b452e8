import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { NotificationsEvents } from '@kinship/contracts';
import type { Logger } from '@kinship/observability';
import { newId } from '@kinship/persistence';
import { ATTACHMENT_FILES, detectContentType, DomainEvents, FileStore, LOGGER, SNIFF_BYTES } from '@kinship/platform';
import { simpleParser, type ParsedMail } from 'mailparser';
import { NotificationsConfig } from '../notifications.config.js';
import { addressOf, MailRefused, readInboundMail, type InboundMail } from './inbound-mail.js';
import { InboundMailboxes } from './inbound-mailboxes.js';

/** A support address of this installation: support+<slug>@INBOUND_DOMAIN (case-insensitive). */
export function slugOfAddress(address: string, domain: string): string | null {
  const match = /^support\+([a-z0-9-]{1,48})@(.+)$/.exec(address.trim().toLowerCase());
  return match && match[2] === domain ? match[1]! : null;
}

/** One accepted email, for one workspace that was addressed. */
export interface Delivery {
  workspaceId: string;
  toAddress: string;
}

/**
 * Turns an email the listener accepted into email.received, once per workspace addressed and
 * Message-ID: its attachments go to the file store first (the bucket of files on records, kept
 * until deleted; crm records them as the ticket's files), then one transaction records it in
 * notifications.inbound_emails and writes the event to the outbox. A failure of either removes the
 * files it stored, so nothing is left half-written, and the sender is told to try again (451).
 * Auto-replies, bounces, bulk mail and loops are recorded and dropped.
 */
@Injectable()
export class InboundEmailService {
  private readonly own: { domain: string; mailFrom: string };

  constructor(
    private readonly events: DomainEvents,
    @Inject(ATTACHMENT_FILES) private readonly files: FileStore,
    private readonly mailboxes: InboundMailboxes,
    config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.own = { domain: config.INBOUND_DOMAIN, mailFrom: addressOf(config.MAIL_FROM) };
  }

  /** The workspace of a recipient address; a 550 refusal for any other address. */
  async recipient(address: string): Promise<Delivery> {
    const slug = slugOfAddress(address, this.own.domain);
    const workspaceId = slug ? await this.mailboxes.workspaceOf(slug) : null;
    if (!workspaceId) throw new MailRefused(550, `5.1.1 <${address}>: no such support address`);
    return { workspaceId, toAddress: address.trim().toLowerCase() };
  }

  /** Parses the MIME source and delivers it to each workspace; MailRefused says what the sender is told. */
  async accept(source: Buffer, envelopeFrom: string, deliveries: Delivery[]): Promise<void> {
    let parsed: ParsedMail;
    try {
      parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true });
    } catch (error) {
      throw new MailRefused(554, `5.6.0 Malformed MIME: ${(error as Error).message}`);
    }
    const mail = readInboundMail(parsed, envelopeFrom, this.own);
    const seen = new Set<string>();
    for (const delivery of deliveries) {
      if (seen.has(delivery.workspaceId)) continue;
      seen.add(delivery.workspaceId);
      await this.deliver(mail, source.length, delivery);
    }
  }

  private async deliver(mail: InboundMail, size: number, delivery: Delivery): Promise<void> {
    const { workspaceId } = delivery;
    const id = newId();
    const stored: string[] = [];
    try {
      const attachments: NotificationsEvents.EmailAttachment[] = [];
      if (mail.outcome === 'received') {
        for (const [index, attachment] of mail.attachments.entries()) {
          const fileKey = `inbound-email/${workspaceId}/${id}/${index + 1}`;
          // As for an upload: the type the bytes show, not the one the sender declared.
          const contentType = await detectContentType(attachment.content.subarray(0, SNIFF_BYTES), attachment.content.length <= SNIFF_BYTES);
          stored.push(fileKey);
          await this.files.put(fileKey, Readable.from([attachment.content]), { fileName: attachment.fileName, contentType, workspaceId });
          attachments.push({ fileKey, fileName: attachment.fileName, contentType, size: attachment.content.length });
        }
      }
      const recorded = await this.events.transaction(workspaceId, async (manager, emit) => {
        const rows: unknown[] = await manager.query(
          `INSERT INTO notifications.inbound_emails (id, workspace_id, message_id, from_address, subject, size, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (workspace_id, message_id) DO NOTHING RETURNING id`,
          [id, workspaceId, mail.messageId, mail.fromAddress, mail.subject, size, mail.outcome],
        );
        if (rows.length === 0 || mail.outcome !== 'received') return rows.length > 0;
        await emit<NotificationsEvents.EmailReceived>({
          type: 'email.received',
          workspaceId,
          actorId: null,
          aggregateId: id,
          data: {
            messageId: mail.messageId,
            fromAddress: mail.fromAddress,
            fromName: mail.fromName,
            toAddress: delivery.toAddress,
            subject: mail.subject,
            text: mail.text,
            references: mail.references,
            attachments,
            receivedAt: new Date().toISOString(),
          },
        });
        return true;
      });
      const context = { workspaceId, messageId: mail.messageId, outcome: mail.outcome };
      if (!recorded) {
        await this.removeFiles(stored);
        this.logger.info(context, 'inbound email received before: nothing emitted again');
      } else if (mail.outcome !== 'received') {
        this.logger.info(context, 'inbound email dropped: automatic mail never opens a ticket');
      }
    } catch (error) {
      await this.removeFiles(stored);
      this.logger.error({ workspaceId, messageId: mail.messageId, err: error }, 'inbound email not recorded');
      throw new MailRefused(451, '4.3.0 The message could not be stored; try again later');
    }
  }

  private async removeFiles(keys: string[]): Promise<void> {
    for (const key of keys) await this.files.delete(key).catch(() => false);
  }
}
