import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Readable } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import { NotificationsConfig } from '../notifications.config.js';
import type { MessageHeaders } from './message.record.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: Array<{ filename: string; contentType: string; content: Readable }>;
  /** Threading headers (a reply to a ticket's thread); nodemailer makes up a Message-ID otherwise. */
  headers?: MessageHeaders | null;
}

function bracketed(id: string): string {
  return `<${id}>`;
}

/** Bounds on one send, so a stuck server fails the attempt (and the job retries) instead of hanging it. */
const CONNECTION_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Email over SMTP_URL through a pool of connections. The pool never resends a message on its
 * own (maxRequeues 0): whether to try again is the job's decision, made against the messages table.
 */
@Injectable()
export class EmailSender implements OnModuleDestroy {
  private readonly transporter: Transporter;

  constructor(private readonly config: NotificationsConfig) {
    this.transporter = nodemailer.createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 5,
      maxRequeues: 0,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
  }

  /** Resolves with the Message-ID once the server accepted the message; rejects on any refusal. */
  async send(email: OutgoingEmail): Promise<string> {
    const { headers } = email;
    const info = await this.transporter.sendMail({
      from: this.config.MAIL_FROM,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      attachments: email.attachments,
      ...(headers
        ? {
            messageId: bracketed(headers.messageId),
            inReplyTo: headers.inReplyTo ? bracketed(headers.inReplyTo) : undefined,
            references: headers.references.map(bracketed),
            replyTo: headers.replyTo ?? undefined,
          }
        : {}),
    });
    return info.messageId;
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
