import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message the mailbox accepted, parsed. */
export interface ReceivedMail {
  id: string;
  /** The envelope's sender and recipients (MAIL FROM, RCPT TO). */
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every header by its lower-case name, value unfolded (e.g. `list-unsubscribe` → `<https://…>`). */
  headers: Record<string, string>;
  messageId: string | null;
  /** The files attached, decoded. */
  attachments: Array<{ filename: string | null; contentType: string; content: Buffer }>;
  receivedAt: string;
}

export interface MailboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface Mailbox {
  port: number;
  /** What SMTP_URL should be to send here, e.g. smtp://127.0.0.1:41234. */
  smtpUrl: string;
  /** Everything accepted so far, oldest first. */
  messages(): ReceivedMail[];
  /** Waits until at least `count` messages (to `to`, if given) have arrived; rejects after timeoutMs. */
  waitForMessages(count: number, options?: { to?: string; timeoutMs?: number }): Promise<ReceivedMail[]>;
  /** Answers the next `count` messages with a temporary failure (451), as a busy server would. */
  refuseNext(count: number): void;
  /** Answers every message to this address with 451 until allowed again. */
  refuseRecipient(address: string, refuse?: boolean): void;
  clear(): void;
  close(): Promise<void>;
}

function temporaryFailure(message: string): Error {
  return Object.assign(new Error(message), { responseCode: 451 });
}

const CONNECTION_LOST: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * A sender that dies mid-conversation (a test kills it on purpose) resets its connection, which
 * smtp-server reports as a server error; the server itself is fine, so only other errors surface.
 */
export function ignoreDroppedConnections(server: SMTPServer): void {
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (!CONNECTION_LOST.has(error.code ?? '')) throw error;
  });
}

/**
 * A real SMTP server that keeps what it receives in memory: the mail sink of `make up`
 * (scripts/mail-sink.mjs) and the inbox of tests. Plain SMTP without TLS; any credentials pass.
 */
export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  const refusedRecipients = new Set<string>();
  const waiters = new Set<() => void>();
  let refusals = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled senders keep connections open; closing does not wait for them long.
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((address) => address.address.toLowerCase());
          if (refusals > 0) {
            refusals -= 1;
            return callback(temporaryFailure('Try again later'));
          }
          if (to.some((address) => refusedRecipients.has(address))) return callback(temporaryFailure('Mailbox unavailable'));
          const envelopeFrom = session.envelope.mailFrom;
          received.push({
            id: randomUUID(),
            from: envelopeFrom ? envelopeFrom.address : '',
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: Object.fromEntries(
              parsed.headerLines.map(({ key, line }) => [
                key,
                line
                  .slice(line.indexOf(':') + 1)
                  .replace(/\r?\n\s+/g, ' ')
                  .trim(),
              ]),
            ),
            messageId: parsed.messageId ?? null,
            attachments: parsed.attachments.map((attachment) => ({
              filename: attachment.filename ?? null,
              contentType: attachment.contentType,
              content: attachment.content,
            })),
            receivedAt: new Date().toISOString(),
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  ignoreDroppedConnections(server);

  const matching = (to?: string) => (to ? received.filter((mail) => mail.to.includes(to.toLowerCase())) : [...received]);

  return {
    port,
    smtpUrl: `smtp://${options.host ?? '127.0.0.1'}:${port}`,
    messages: () => [...received],
    waitForMessages(count, { to, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching(to);
          if (found.length < count) return;
          cleanUp();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanUp();
          reject(new Error(`expected ${count} message(s)${to ? ` to ${to}` : ''} within ${timeoutMs} ms, got ${matching(to).length}`));
        }, timeoutMs);
        const cleanUp = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    refuseNext(count) {
      refusals = count;
    },
    refuseRecipient(address, refuse = true) {
      if (refuse) refusedRecipients.add(address.toLowerCase());
      else refusedRecipients.delete(address.toLowerCase());
    },
    clear() {
      received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
