import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { NotificationsConfig } from '../notifications.config.js';

export interface CampaignEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
  campaignId: string;
}

const CONNECTION_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Campaign email over SMTP_URL through a pool of its own (CAMPAIGN_SMTP_CONNECTIONS), so a large
 * campaign does not hold up the one-to-one emails of the core. The pool never resends on its own
 * (maxRequeues 0): the recipient's row decides. Each message carries RFC 8058 one-click
 * unsubscribe headers and the time it left, for measuring delivery.
 */
@Injectable()
export class CampaignMailer implements OnApplicationShutdown {
  private readonly transporter: Transporter;
  /** The throttle's key: one bucket per SMTP server. */
  readonly provider: string;

  constructor(private readonly config: NotificationsConfig) {
    this.transporter = nodemailer.createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: config.CAMPAIGN_SMTP_CONNECTIONS,
      maxMessages: Infinity,
      maxRequeues: 0,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
    this.provider = `smtp:${new URL(config.SMTP_URL).host}`;
  }

  /** Resolves with the Message-ID once the server accepted the message; rejects on any refusal. */
  async send(email: CampaignEmail): Promise<string> {
    const info = await this.transporter.sendMail({
      from: this.config.MAIL_FROM,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: {
        'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Kinship-Campaign-Id': email.campaignId,
        'X-Kinship-Sent-At': String(Date.now()),
      },
    });
    return info.messageId;
  }

  /** After the queues closed (onModuleDestroy), so the batches in hand finish on open connections. */
  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
