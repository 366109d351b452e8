import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@kinship/observability';
import { LOGGER } from '@kinship/platform';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { NotificationsConfig } from '../notifications.config.js';
import { InboundEmailService, type Delivery } from './inbound-email.service.js';
import { MailRefused } from './inbound-mail.js';

const CONNECTION_LOST: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** Recipients of one email: more is not a customer writing to support. */
const RECIPIENTS_MAX = 20;
/** Connections at a time: each may hold a message of up to INBOUND_MAX_BYTES in memory. */
const CLIENTS_MAX = 100;

function refusal(error: unknown): Error {
  if (error instanceof MailRefused) return Object.assign(new Error(error.message), { responseCode: error.responseCode });
  return Object.assign(new Error('4.3.0 Temporary failure; try again later'), { responseCode: 451 });
}

/**
 * The inbound SMTP listener on INBOUND_SMTP_PORT: accepts mail for support+<slug>@INBOUND_DOMAIN
 * (550 for any other recipient), up to INBOUND_MAX_BYTES (552 above it: advertised as SIZE, refused
 * at MAIL FROM when declared, and after DATA otherwise), without authentication or TLS (put a
 * relay in front for STARTTLS). Each email is answered once it is recorded, or refused.
 */
@Injectable()
export class InboundSmtpListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly server: SMTPServer;
  private readonly deliveries = new Map<string, Delivery[]>();

  constructor(
    private readonly config: NotificationsConfig,
    private readonly inbound: InboundEmailService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.server = new SMTPServer({
      name: config.INBOUND_DOMAIN,
      banner: 'Kinship inbound mail',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: config.INBOUND_MAX_BYTES,
      maxClients: CLIENTS_MAX,
      logger: false,
      closeTimeout: 1000,
      onMailFrom: (_address, session, callback) => {
        this.deliveries.set(session.id, []);
        callback();
      },
      onRcptTo: (address, session, callback) =>
        void this.rcptTo(address, session).then(
          () => callback(),
          (error: unknown) => callback(refusal(error)),
        ),
      onData: (stream, session, callback) =>
        void this.data(stream, session).then(
          () => callback(),
          (error: unknown) => callback(refusal(error)),
        ),
      onClose: (session) => this.deliveries.delete(session.id),
    });
    this.server.on('error', (error: NodeJS.ErrnoException) => {
      if (!CONNECTION_LOST.has(error.code ?? '')) this.logger.warn({ err: error }, 'inbound SMTP connection failed');
    });
  }

  /** The port it listens on (INBOUND_SMTP_PORT, or the one picked for 0). */
  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(this.config.INBOUND_SMTP_PORT, this.config.INBOUND_SMTP_HOST, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.logger.info({ port: this.port, domain: this.config.INBOUND_DOMAIN }, 'inbound SMTP listening');
  }

  /** Stops taking mail first, while the database and the outbox are still there for the messages in flight. */
  async onModuleDestroy(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async rcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const deliveries = this.deliveries.get(session.id) ?? [];
    if (deliveries.length >= RECIPIENTS_MAX) throw new MailRefused(452, '4.5.3 Too many recipients');
    deliveries.push(await this.inbound.recipient(address.address));
    this.deliveries.set(session.id, deliveries);
  }

  /** Reads the message (never past the limit), then hands it over; an oversized one is answered 552 by smtp-server itself. */
  private async data(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= this.config.INBOUND_MAX_BYTES) chunks.push(chunk);
    }
    const deliveries = this.deliveries.get(session.id) ?? [];
    this.deliveries.set(session.id, []);
    if (stream.sizeExceeded) {
      this.logger.info({ bytes: size, limit: this.config.INBOUND_MAX_BYTES }, 'inbound email refused: over the size limit');
      throw new MailRefused(552, `5.3.4 The message exceeds the limit of ${this.config.INBOUND_MAX_BYTES} bytes`);
    }
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    await this.inbound.accept(Buffer.concat(chunks, Math.min(size, this.config.INBOUND_MAX_BYTES)), envelopeFrom.toLowerCase(), deliveries);
  }
}
